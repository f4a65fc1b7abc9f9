"""Rejoining a citation that a PDF or a narrow page wrapped over lines ("... speech recog-" / "nition in ...").

Text copied from a CV's PDF breaks long citations at the line's end, often inside a word with a hyphen. Joined
with a space, the title reads "speech recog- nition". Which hyphen was the typesetter's and which the author's
("heavy-tailed", "multi-scale") cannot be known for sure without a dictionary; the rule here keeps the hyphen
after a word that commonly starts compounds and after a word the same text writes hyphenated elsewhere.
Pure string functions: no page structure, no model.
"""

from __future__ import annotations

import re

# First halves of compounds that stay hyphenated when a line breaks after them ("heavy-/tailed").
_COMPOUND_HEADS = frozenset(
    """
    self multi non semi cross state well high low long short large small real fine co pre post anti inter intra
    sub super top end zero few one two three four five single double half full open closed deep human machine
    knowledge context object image text video audio speech sample energy noise error privacy label data model task
    domain language graph time world heavy light bag out of in on up down off over under free based aware driven
    level scale wise like type all any case first second third
    """.split()  # noqa: SIM905 (a list literal of 90 words reads worse)
)
_OWN_START = re.compile(
    r"(?:arxiv|in\b|to appear|accepted|submitted|under review|preprint|pp\.|vol\.|doi|https?:|www\.|et al|"
    r"and\s+\d+\s+more|pdf|code|bib|slides|video|npj\b|[\w\-]+(?:\s[\w\-]+){0,2}:|"  # a labelled line ("e-Print: ...")
    r"(?-i:[a-z]+[A-Z]\w*))",  # a name written in lower case then capitals: bioRxiv, medRxiv, eLife, iScience, mBio
    re.I,
)
# A line that stops here continues on the next one.
_OPEN_END = re.compile(r"(?:\b(?:and|of|in|on|the|for|with|to|from|at|by|a|an|&)|[\w)]-)$")


def continues(line: str, following: str) -> bool:
    """Whether `following` carries on the sentence `line` broke off: `line` ends in a hyphen after a word or in
    a word that cannot end a citation's part ("of", "and"), or `following` starts in lower case."""
    line, following = line.rstrip(), following.lstrip()
    if not line or not following:
        return False
    if _OPEN_END.search(line[-40:]):  # its end only: a line joined from thousands of letters is long
        return True
    # A lower-case start continues an unfinished sentence, unless it opens a part of its own ("arXiv preprint",
    # "in Proceedings", "to appear", "bioRxiv 2023.01.15.524123", "eLife 9:e52").
    return following[0].islower() and line[-1] not in ".?!:;)]" and not _OWN_START.match(following)


def join(line: str, following: str, context: str = "") -> str:
    """The two lines as one: a hyphen at the break is kept for a compound ("heavy-tailed") and dropped inside a
    word ("recognition"); `context` is the rest of the text, where the word may be written whole."""
    line, following = line.rstrip(), following.lstrip()
    # (the word before the hyphen is looked for in the line's end only: searched in the whole of a line of
    # thousands of letters, the regex would try every start)
    broken = re.search(r"(\w+)-$", line[-200:]) if line.endswith("-") else None
    if not broken or not following[:1].isalpha():
        return f"{line} {following}"
    head = broken.group(1)
    tail = re.match(r"[\w'’]+", following)
    whole = head + (tail.group(0) if tail else "")
    hyphenated = f"{head}-{tail.group(0) if tail else ''}"
    keep = (
        head.lower() in _COMPOUND_HEADS
        or following[0].isupper()  # "Transformer-/Based", "GPT-/4": an author's hyphen
        or head[-1].isdigit()
        or (hyphenated in context and whole not in context)
    )
    if whole in context and hyphenated not in context:
        keep = False
    return f"{line}{following}" if keep else f"{line[:-1]}{following}"
