"""Nothing a user made (tags, notes, edits, citation keys) is lost by re-importing a page, importing a newer
capture of it (entries changed, added and removed), merging and unmerging papers, or a trip to the trash."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from reliability_support import ALL_SEEDS, SEED_AS_OF, SEED_HOMEPAGE

from papershelf.model import Library
from papershelf.pipeline import import_file

AS_OF = dt.date.fromisoformat(SEED_AS_OF)


def _title_id(library: Library, start: str) -> int:
    [paper_id] = [p.id for p in library.list_papers() if (p.title or "").startswith(start)]
    return paper_id


@pytest.fixture
def library(tmp_path: Path):
    opened = Library.open(tmp_path / "library.sqlite")
    for seed in ALL_SEEDS:
        assert import_file(opened, seed, as_of=AS_OF).ok
    yield opened
    opened.close()


@pytest.fixture
def made(library: Library) -> dict[str, int]:
    """The user's work on a few papers of different pages; returns the papers by role."""
    ids = {
        "cogview": _title_id(library, "CogView"),
        "knas": _title_id(library, "KNAS"),
        "relation": _title_id(library, "Learning Relation Alignment"),
        "scholarly": library.list_papers(source_id=_source(library, "scholarly-profile"))[0].id,
        "listing": library.list_papers(source_id=_source(library, "arxiv-listing"))[0].id,
    }
    library.add_tag(ids.values(), "to-read")
    library.add_tag([ids["cogview"]], "favourite")
    library.set_note(ids["cogview"], "Read section 3 — 'quotes', **markdown** and a formula $x^2$.")
    library.set_note(ids["scholarly"], "Compare with the KNAS results.")
    library.edit_paper(ids["cogview"], title="CogView (my corrected title)", venue="NeurIPS")
    library.edit_paper(ids["listing"], year=2020)
    library.set_citekey(ids["knas"], "knas-green")
    library.set_citekey(ids["scholarly"], "dong2026blackbox")
    return ids


def _source(library: Library, fmt: str) -> int:
    return next(s.id for s in library.list_sources() if s.format == fmt)


def user_made(library: Library) -> dict[int, tuple]:
    """Per paper (trash included): tags, note, edited fields with values, key and key aliases."""
    papers = library.list_papers() + library.list_papers(view="trash")
    return {
        p.id: (
            tuple(sorted(p.tags)),
            p.note,
            tuple(sorted((field, getattr(p, field)) for field in p.edited_fields)),
            p.citekey,
            tuple(sorted(p.key_aliases)),
        )
        for p in papers
    }


def _same_for(before: dict[int, tuple], after: dict[int, tuple]) -> None:
    missing = set(before) - set(after)
    assert not missing, f"papers vanished: {missing}"
    changed = {i: (before[i], after[i]) for i in before if before[i] != after[i]}
    assert not changed, changed


def test_reimporting_every_page_keeps_everything(library: Library, made: dict[str, int]) -> None:
    before = user_made(library)
    for seed in ALL_SEEDS:
        report = import_file(library, seed, as_of=AS_OF)
        assert report.ok and report.new == 0
    _same_for(before, user_made(library))


def test_newer_capture_of_a_page_keeps_everything(library: Library, made: dict[str, int], tmp_path: Path) -> None:
    before = user_made(library)
    text = SEED_HOMEPAGE.read_text(encoding="utf-8")
    text = text.replace(  # the page's own title changed; the user's edit must still win
        "CogView: Mastering Text-to-Image Generation via Transformers",
        "CogView: Mastering Text-to-Image Generation with Transformers",
    )
    text = text.replace("Calibrated Cross-modal Retrieval. ACL 2021.", "Calibrated Cross-modal Retrieval. EMNLP 2021.")
    knas = next(line for line in text.splitlines() if "KNAS: Green Neural Architecture Search" in line)
    text = text.replace(knas + "\n", "")  # the entry the user tagged and re-keyed is gone from the page
    text = text.replace(
        "Selected Papers:\n",
        "Selected Papers:\n\nJunyang Lin, Ada Newcomer. A Paper Added in the Newer Capture. ICLR 2026. [Paper]\n",
    )
    newer = tmp_path / "newer" / SEED_HOMEPAGE.name  # same file name: the same page, captured again
    newer.parent.mkdir()
    newer.write_text(text, encoding="utf-8")

    report = import_file(library, newer, as_of=AS_OF)
    assert report.ok, report.error
    assert not report.same_file
    _same_for(before, user_made(library))
    assert library.get_paper(made["cogview"]).title == "CogView (my corrected title)"
    assert library.get_paper(made["relation"]).venue == "EMNLP"  # not edited: the newer page wins
    knas = library.get_paper(made["knas"])
    assert knas.deleted_at is None and knas.citekey == "knas-green" and "to-read" in knas.tags
    assert library.paper_by_key("knas-green").id == made["knas"]
    assert any(p.title == "A Paper Added in the Newer Capture" for p in library.list_papers())


def test_trash_and_restore_keep_everything(library: Library, made: dict[str, int]) -> None:
    before = user_made(library)
    victims = [made["cogview"], made["scholarly"], made["knas"]]
    library.delete_papers(victims)
    assert not set(victims) & set(library.paper_ids())
    assert set(victims) <= set(library.paper_ids(view="trash"))
    _same_for(before, user_made(library))  # in the trash, still all there
    library.restore_papers(victims)
    _same_for(before, user_made(library))
    assert made["cogview"] in library.search("markdown formula")  # the note is searchable again
    assert library.paper_by_key("knas-green").id == made["knas"]


def test_merge_and_unmerge_keep_everything(library: Library, made: dict[str, int]) -> None:
    merge = pytest.importorskip("papershelf.model.merge")
    before = user_made(library)
    keep, other = made["cogview"], made["knas"]
    merge.merge_papers(library, keep, [other])
    merged = library.get_paper(keep)
    # While merged, the kept paper carries both sides' tags and notes, and the other key still resolves.
    assert {"favourite", "to-read"} <= set(merged.tags)
    assert library.paper_by_key("knas-green").id == keep
    assert before[keep][1] in merged.note
    merge.unmerge_paper(library, other)
    _same_for(before, user_made(library))
    assert library.paper_by_key("knas-green").id == other
