"""A record's claim JSON (`store.encode_record`) must stay byte for byte what `json.dumps` gave before, and the
hash stored with earlier versions' claims must still be recognised: every stored claim's hash is compared with a
re-import's, so a changed byte would turn every re-import of an unchanged file into an update."""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import inspect
import json
import pickle
import sys
from pathlib import Path

import pytest

from papershelf.importers.errors import ImporterError
from papershelf.model.plan import AuthorChoice, Prepared, RecordPlan
from papershelf.model.records import EntryField, Link, PaperRecord, RecordView
from papershelf.model.store import _choose_many, _choose_one, encode_record, legacy_hash, record_json
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
        text, digest = encode_record(data)
        assert text == old_pair(data)[0] and digest == hashlib.sha1(text.encode()).hexdigest()
        assert legacy_hash(data) == old_pair(data)[1]  # what earlier versions stored


def test_claims_stored_with_the_older_hash_are_unchanged_on_a_reimport(tmp_path):
    from papershelf.model import Library
    from papershelf.pipeline import import_file

    bib = synthetic.write(tmp_path / "a.bib", synthetic.bibtex_file(40))
    library = Library.open(tmp_path / "lib.sqlite")
    try:
        assert import_file(library, bib).new == 40
        conn = library.conn
        before = conn.execute("SELECT id, record_hash, record FROM claims ORDER BY id").fetchall()
        with library.transaction():  # as an earlier version wrote them: the sha1 of the key-sorted JSON
            for claim_id, _, text in before:
                conn.execute(
                    "UPDATE claims SET record_hash = ? WHERE id = ?", (legacy_hash(json.loads(text)), claim_id)
                )
        # A newer capture of the file (other bytes, the same entries): the identical-file short cut is not taken.
        bib.write_text(bib.read_text(encoding="utf-8") + "\n% saved again\n", encoding="utf-8")
        report = import_file(library, bib)
        assert report.ok and not report.same_file
        assert (report.unchanged, report.updated, report.new) == (40, 0, 0)
        # Recognised, not rewritten (an update would have written every claim again with the current hash).
        kept = conn.execute("SELECT id, record_hash, record FROM claims ORDER BY id").fetchall()
        assert [(i, h) for i, h, _ in kept] == [(i, legacy_hash(json.loads(t))) for i, _, t in before]
        # One entry changed: that one is an update, and its claim gets the current hash.
        text = bib.read_text(encoding="utf-8")
        first_title = text.index("title = {") + len("title = {")
        bib.write_text(text[:first_title] + "Revised: " + text[first_title:], encoding="utf-8")
        report = import_file(library, bib)
        assert (report.unchanged, report.updated) == (39, 1)
        rewritten = conn.execute("SELECT record_hash, record FROM claims ORDER BY id LIMIT 1").fetchone()
        assert rewritten[0] == hashlib.sha1(rewritten[1].encode()).hexdigest()
    finally:
        library.close()


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


@pytest.mark.parametrize("source", ["odd", "pages"])
def test_a_record_read_back_from_its_data_reads_like_the_record(source):
    """A .bib read ahead sends each record's data alone (papershelf.read_ahead): the importing process reads the
    record back from it, and every field must read as the record's did."""
    if source == "odd":
        records = ODD
    else:
        records = [r for page in sorted((FIXTURES / "pages").glob("*.txt")) for r in records_of(page)]
        records += [r for bib in sorted(FIXTURES.glob("bib/**/*.bib")) for r in records_of(bib)]
        assert any(r.links for r in records) and any(r.bib_fields for r in records)
    for record in records:
        view = RecordView(record_json(record))
        for read in (view, copy.deepcopy(view)):  # a copy is made without its data first: no endless lookup
            for f in dataclasses.fields(record):
                assert getattr(read, f.name) == getattr(record, f.name), (record.line, f.name)
        with pytest.raises(AttributeError):
            view.not_a_field  # noqa: B018


@pytest.mark.parametrize(
    "cls", [Link, EntryField, PaperRecord, Prepared, AuthorChoice, RecordPlan], ids=lambda c: c.__name__
)
def test_records_made_by_the_quicker_init_are_what_the_dataclass_made(cls):
    """The records and the plan's steps store their fields with `records.fills_dict`'s __init__, not the
    frozen dataclass's own: the same parameters and defaults, equal and hashed alike, frozen, a fresh
    default_factory value each time, and the fields in order (record_json copies __dict__ whole when it is)."""
    twin = dataclasses.make_dataclass(
        f"Plain{cls.__name__}",
        [
            (f.name, f.type, dataclasses.field(default=f.default, default_factory=f.default_factory))
            for f in dataclasses.fields(cls)
        ],
        frozen=True,
    )
    ours = inspect.signature(cls.__init__).parameters
    theirs = inspect.signature(twin.__init__).parameters
    assert [(p.name, p.kind) for p in ours.values()] == [(p.name, p.kind) for p in theirs.values()]
    required = [
        f
        for f in dataclasses.fields(cls)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    ]
    given = {f.name: f"value of {f.name}" for f in required}
    made, plain = cls(**given), twin(**given)
    assert dataclasses.asdict(made) == dataclasses.asdict(plain)  # every default as the dataclass gives it
    assert list(vars(made)) == [f.name for f in dataclasses.fields(cls)]
    assert made == cls(*given.values())
    try:
        hash(plain)
    except TypeError:  # a dict among the fields (PaperRecord.extra): no hash, as with the dataclass's own
        with pytest.raises(TypeError):
            hash(made)
    else:
        assert hash(made) == hash(cls(**given))
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(made, required[0].name, "changed")
    for f in dataclasses.fields(cls):
        if f.default_factory is not dataclasses.MISSING:
            assert getattr(made, f.name) is not getattr(cls(**given), f.name)  # not one value shared
    assert pickle.loads(pickle.dumps(made)) == made
    assert dataclasses.replace(made, **{required[0].name: "other"}) == cls(**{**given, required[0].name: "other"})
