"""A record's claim JSON and its hash (`store.encode_record`) must stay byte for byte what `json.dumps` gave
before: every stored claim's hash is compared with a re-import's, so a changed byte would
turn every re-import of an unchanged file into an update."""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import sys
from pathlib import Path

import pytest

from papershelf.importers.errors import ImporterError
from papershelf.model.records import EntryField, Link, PaperRecord
from papershelf.model.store import _choose_many, _choose_one, encode_record, record_json
from papershelf.pipeline import parse_file

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import synthetic  # noqa: E402


def reference_json(record: PaperRecord) -> dict:
    """What record_json gave before it was made faster: dataclasses.asdict's walk, the .bib fields as lists."""
    data = {}
    for f in dataclasses.fields(record):
        value = getattr(record, f.name)
        if f.name == "bib_fields":
            data[f.name] = [[x.name, x.latex, None if x.text == x.latex else x.text, x.macro] for x in value]
        else:
            data[f.name] = dataclasses.asdict(record, dict_factory=dict)[f.name] if f.name == "links" else value
            data[f.name] = copy.deepcopy(data[f.name]) if isinstance(value, dict) else data[f.name]
    if not data.get("bib_type") and not data.get("bib_fields"):
        data.pop("bib_type"), data.pop("bib_fields")
    return data


def old_pair(data: dict) -> tuple[str, str]:
    text = json.dumps(data, ensure_ascii=False)
    digest = hashlib.sha1(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    return text, digest


def records_of(path: Path) -> list:
    try:
        return list(parse_file(path)[1].papers)
    except ImporterError:  # a fixture of a page that is not a publication list
        return []


ODD = [
    PaperRecord(line=1),
    PaperRecord(
        line=7,
        title="Ünïcode “quotes” \\ back\nslash \t tab \x00 nul \ud7ff",
        authors=("Zoë Ä", 'Quote "Name"'),
        year=-3,
        links=(Link("code", "https://x.org/?a=1&b=2"), Link("paper", "é")),
        extra={"zeta": "1", "alpha": "2", "Mid": "3"},
        keywords=("b", "a"),
        has_code=True,
        bib_type="article",
        bib_fields=(EntryField("title", "Tïtle", 'T{\\"i}tle'), EntryField("month", "April", "apr", "apr")),
    ),
]


@pytest.mark.parametrize(
    "source",
    ["odd", "bib", "latex", "pages"],
)
def test_claim_json_and_hash_are_the_bytes_json_dumps_gave(tmp_path, source):
    if source == "odd":
        records = ODD
    elif source == "bib":
        records = records_of(synthetic.write(tmp_path / "a.bib", synthetic.bibtex_file(300)))
    elif source == "latex":
        records = records_of(synthetic.write(tmp_path / "l.bib", synthetic.latex_bibtex_file(300)))
    else:
        records = [r for page in sorted((FIXTURES / "pages").glob("*.txt")) for r in records_of(page)]
        records += [r for bib in sorted(FIXTURES.glob("bib/**/*.bib")) for r in records_of(bib)]
    assert len(records) >= 2
    if source == "pages":
        assert any(r.links for r in records) and any(r.extra for r in records)
    for record in records:
        data = record_json(record)
        assert json.dumps(data, ensure_ascii=False) == json.dumps(reference_json(record), ensure_ascii=False)
        assert encode_record(data) == old_pair(data)


@pytest.mark.parametrize("source", ["odd", "latex", "pages"])
def test_a_new_papers_fields_are_chosen_as_from_many_claims(tmp_path, source):
    """A new paper's fields come from its one record by a shorter way (`_choose_one`): the same choices."""
    if source == "odd":
        records = [
            *ODD,
            PaperRecord(line=2, title="", venue="arXiv", year=2020, date="2019-05", arxiv_id="2001.1", abstract="A"),
            PaperRecord(line=3, venue="CoRR", extra={"venue_claim": "NeurIPS", "note": " n ", "url": "u"}, note="x"),
            PaperRecord(line=4, authors=("A B",), authors_complete=False, links=(Link("paper", "p"),) * 2),
        ]
    elif source == "latex":
        records = records_of(synthetic.write(tmp_path / "l.bib", synthetic.latex_bibtex_file(200)))
    else:
        records = [r for page in sorted((FIXTURES / "pages").glob("*.txt")) for r in records_of(page)]
        records += [r for bib in sorted(FIXTURES.glob("bib/**/*.bib")) for r in records_of(bib)]
    for record in records:
        data = record_json(record)
        for fmt in ("bibtex", "arxiv-listing", "homepage", "aggregator"):
            one, many = _choose_one(fmt, data), _choose_many([(fmt, data)])
            assert one == many and list(one) == list(many), (fmt, record.line)
