"""The entry types the editor offers match the manuals: btxdoc for BibTeX, the biblatex manual and its data
model (blx-dm.def) for biblatex, read from the TeX installation where it ships them."""

from __future__ import annotations

import gzip
import re
import subprocess
from pathlib import Path

import pytest

from papershelf.model import entry_types as et

TEXMF_DOC = Path("/usr/share/texlive/texmf-dist/doc")
BTXDOC = TEXMF_DOC / "bibtex/base/btxdoc.tex.gz"
BIBLATEX_MANUAL = TEXMF_DOC / "latex/biblatex/biblatex.tex.gz"


def _kpsewhich(name: str) -> Path | None:
    try:
        found = subprocess.run(["kpsewhich", name], capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return None
    return Path(found) if found else None


def _manual(path: Path) -> str:
    if not path.exists():
        pytest.skip(f"{path} is not installed")
    return gzip.decompress(path.read_bytes()).decode("utf-8", "replace")


def test_every_bibtex_type_has_btxdocs_required_and_optional_fields():
    text = _manual(BTXDOC)
    items = re.findall(r"\\item\[(\w+)\\hfill\](.*?)(?=\\item\[|\\end\{description\})", text, re.S)
    described = {}
    for name, body in items:
        body = re.sub(r"\\hbox\{\\tt (\w+)\}", r"\1", body)
        required = re.search(r"Required fields?: (.*?)\.", body, re.S)
        optional = re.search(r"Optional fields: (.*?)\.", body, re.S)
        if required:
            described[name] = (required.group(1), optional.group(1) if optional else "")
    assert len(described) == 13  # conference has no list of its own: "the same as INPROCEEDINGS"
    for name, (required, optional) in described.items():
        kind = et.entry_type(name, et.BIBTEX)
        assert kind is not None, name
        groups = [] if required.strip() == "none" else [part.strip() for part in required.split(",")]
        # btxdoc writes "author or editor" and "chapter and/or pages" for an either-or group.
        expected = [tuple(re.split(r"\s+(?:or|and/or)\s+", " ".join(g.split()))) for g in groups]
        assert list(kind.required) == expected, name
        expected_optional = re.findall(r"\b([a-z]+)\b", re.sub(r"\bor\b", " ", optional))
        assert list(kind.optional) == expected_optional, name
    assert et.entry_type("conference", et.BIBTEX).fields == et.entry_type("inproceedings", et.BIBTEX).fields


def test_every_biblatex_regular_type_has_the_manuals_fields():
    text = _manual(BIBLATEX_MANUAL)
    section = text[text.index("\\subsubsection{Regular Types}") : text.index("\\subsubsection{Type Aliases}")]
    items = re.findall(r"\\typeitem\{([\w\[\]-]+)\}(.*?)(?=\\typeitem|\\end\{typelist\})", section, re.S)
    names = [name for name, _ in items if name != "custom[a--f]"]
    assert {kind.name for kind in et.entry_types(et.BIBLATEX)} >= set(names)
    for name, body in items:
        required = re.search(r"\\reqitem\{(.*?)\}", body)
        optional = re.search(r"\\optitem\{(.*?)\}", body)
        if not required:
            continue  # a type whose fields are another's (bookinbook, software…): see the alias test
        kind = et.entry_type(name, et.BIBLATEX)
        groups = [tuple(part.strip().split("/")) for part in required.group(1).split(",")]
        assert list(kind.required) == groups, name
        listed = [part.strip() for part in optional.group(1).split(",")]
        assert list(kind.optional) == [f for f in listed if f not in kind.required_fields], name


def test_biblatex_aliases_and_nonstandard_types_follow_the_manual():
    text = _manual(BIBLATEX_MANUAL)
    aliases = text[text.index("\\subsubsection{Type Aliases}") : text.index("\\subsection{Entry Fields}")]
    for name in re.findall(r"\\typeitem\{(\w+)\}", aliases):
        assert et.entry_type(name, et.BIBLATEX) is not None, name
    # "Similar to thesis except that the type field is optional".
    phd = et.entry_type("phdthesis", et.BIBLATEX)
    assert phd.alias_of == "thesis" and "type" in phd.optional and "type" not in phd.required_fields
    assert et.entry_type("thesis", et.BIBLATEX).group_of("type") == ("type",)
    assert et.entry_type("bookinbook", et.BIBLATEX).fields == et.entry_type("inbook", et.BIBLATEX).fields
    assert et.entry_type("software", et.BIBLATEX).alias_of == "misc"
    standard = et.entry_type("standard", et.BIBLATEX)
    assert standard.label == "Standard" and not standard.standard


def test_biblatex_required_fields_include_the_data_models_mandatory_ones():
    path = _kpsewhich("blx-dm.def")
    if path is None:
        pytest.skip("biblatex's blx-dm.def is not installed")
    text = path.read_text(encoding="utf-8", errors="replace")
    declared = re.search(r"\\DeclareDatamodelEntrytypes\{(.*?)\}", text, re.S).group(1)
    for name in (n.strip() for n in declared.split(",")):
        if not name.startswith("custom"):
            assert et.entry_type(name, et.BIBLATEX) is not None, name
    checked = 0
    for chunk in text.split("\\DeclareDatamodelConstraints[")[1:]:
        types, body = chunk.split("]", 1)
        body = body.split("\n\n", 1)[0]  # a block ends at the blank line before the next declaration
        mandatory = re.search(r"type=mandatory\]\{(.*)", body, re.S)
        if not mandatory:
            continue
        alternatives = re.findall(r"\\constraintfields(?:or|xor)\{(.*?)\n\s*\}", mandatory.group(1), re.S)
        single = re.sub(r"\\constraintfields(?:or|xor)\{.*?\n\s*\}", "", mandatory.group(1), flags=re.S)
        for name in (n.strip() for n in types.split(",")):
            kind = et.entry_type(name, et.BIBLATEX)
            for field in re.findall(r"\\constraintfield\{(\w+)\}", single):
                assert (field,) in kind.required, (name, field)
                checked += 1
            for group in alternatives:
                fields = set(re.findall(r"\\constraintfield\{(\w+)\}", group))
                assert fields in [set(g) for g in kind.required], (name, fields)
                checked += 1
    assert checked > 50


def test_lookup_by_any_case_and_labels_for_custom_types():
    assert et.entry_type("PhDThesis").label == "PhD thesis"
    assert et.entry_type("phdthesis").flavour == et.BIBTEX  # BibTeX's definition without a flavour
    assert et.entry_type("thesis").flavour == et.BIBLATEX
    assert et.entry_type("basefile") is None and et.type_label("basefile") == "@basefile"
    assert et.type_label("techreport") == "Technical report"
    assert et.flavours_of("article") == (et.BIBTEX, et.BIBLATEX) and et.flavours_of("mvbook") == (et.BIBLATEX,)
    assert et.flavours_of("nonsense") == ()
    with pytest.raises(ValueError, match="unknown flavour"):
        et.entry_type("article", "ris")
    names = et.type_names()
    assert len(names) == len(set(names)) and {"article", "phdthesis", "online", "xdata", "standard"} <= set(names)


def test_missing_required_groups_accept_either_member_and_biblatexs_aliases():
    book = et.entry_type("book", et.BIBTEX)
    assert book.missing(["editor", "title", "publisher", "year"]) == []
    assert book.missing(["title", "year"]) == [("author", "editor"), ("publisher",)]
    thesis = et.entry_type("thesis", et.BIBLATEX)
    # biblatex reads `school` as `institution` (§2.2.5) and `year` fills year/date.
    assert thesis.missing(["author", "title", "school", "year"]) == [("type",)]
    assert et.entry_type("article", et.BIBLATEX).missing(["author", "title", "journal", "date"]) == []
    # BibTeX's styles read only the name written: journaltitle is not a journal, school not an institution.
    assert et.entry_type("article", et.BIBTEX).missing(["author", "title", "journaltitle", "year"]) == [("journal",)]
    report = et.entry_type("techreport", et.BIBTEX)
    assert report.missing(["author", "title", "school", "year"]) == [("institution",)]


def test_biblatex_field_aliases_are_the_manuals():
    text = _manual(BIBLATEX_MANUAL)
    section = text[text.index("\\subsubsection{Field Aliases}") : text.index("\\subsection{Usage Notes}")]
    listed = dict(re.findall(r"item\{(\w+)\}\{\w+\}\s*An alias for \\bibfield\{(\w+)\}", section))
    assert listed == et.BIBLATEX_FIELD_ALIASES


def test_the_flavour_is_guessed_from_the_fields_written():
    assert et.guess_flavour("article", ["author", "title", "journal", "year"]) == et.BIBTEX
    assert et.guess_flavour("article", ["author", "title", "journaltitle", "date"]) == et.BIBLATEX
    assert et.guess_flavour("online", ["title", "url"]) == et.BIBLATEX
    assert et.guess_flavour("phdthesis", ["author", "title", "school", "year"]) == et.BIBTEX
    assert et.guess_flavour(None, []) == et.BIBTEX


def test_a_suggestion_comes_from_the_coarse_kind_and_exists_in_the_flavour():
    assert et.suggested_type("preprint") == "misc"
    assert et.suggested_type("preprint", et.BIBLATEX, online=True) == "online"
    assert et.suggested_type("journal") == "article" and et.suggested_type("conference") == "inproceedings"
    assert et.suggested_type("phdthesis") == "phdthesis" and et.suggested_type("techreport") == "techreport"
    assert et.suggested_type("software") == "misc" and et.suggested_type("software", et.BIBLATEX) == "software"
    assert et.suggested_type(None) == "misc" and et.suggested_type("bogus") == "misc"
