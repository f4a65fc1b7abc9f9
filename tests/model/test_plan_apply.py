"""An import is planned, then applied: the plan reads the library and writes nothing, says per record what will
happen (new, joins an existing paper and why, to review), and a plan the library has moved on from is refused."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from seedfiles import SEED_ARXIV, SEED_AS_OF, SEED_HOMEPAGE, SEED_SCHOLARLY

from papershelf.model import Library
from papershelf.model.apply import StalePlan, apply_plan, import_records
from papershelf.model.plan import JOIN, NEW, SUGGEST, UNCHANGED, UPDATE, plan_import
from papershelf.model.records import OwnerProfile, PaperRecord
from papershelf.pipeline import import_file

AS_OF = dt.date.fromisoformat(SEED_AS_OF)


def snapshot(library: Library) -> list[tuple]:
    """Every row of every table, and the bytes of the library's files (its write-ahead log too)."""
    rows: list[tuple] = [
        (suffix, path.read_bytes())
        for suffix in ("", "-wal")
        if (path := library.path.with_name(library.path.name + suffix)).exists()
    ]
    for (table,) in library.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
        rows += [(table, *r) for r in library.conn.execute(f"SELECT * FROM {table}")]
    return rows


def planned(library: Library, records, *, owner=None, file="page.txt"):
    sha = hashlib.sha256(repr(records).encode()).hexdigest()
    return dict(file=file, path=f"/tmp/{file}", sha256=sha, fmt="homepage", owner=owner, records=records)


def test_a_preview_writes_nothing_and_says_what_the_import_will_do(library):
    assert import_file(library, SEED_HOMEPAGE, as_of=AS_OF).ok
    before, changes, version = snapshot(library), library.conn.total_changes, library.data_version()
    seen = {}

    def look(report, plan):
        seen["plan"] = plan
        seen["rows"] = snapshot(library)
        seen["changes"] = library.conn.total_changes
        return False

    report = import_file(library, SEED_ARXIV, as_of=AS_OF, confirm=look)
    plan = seen["plan"]
    assert report.ok and not report.written
    assert seen["rows"] == before and seen["changes"] == changes
    assert snapshot(library) == before and library.conn.total_changes == changes
    assert library.data_version() == version
    # The arXiv listing lists papers the homepage gave: they join, with the evidence said.
    assert plan.count(JOIN) > 0 and plan.count(NEW) > 0
    joins = [r for r in plan.records_plan if r.kind == JOIN]
    assert all(r.paper_id is not None and r.evidence for r in joins)
    assert f"{plan.count(NEW) + plan.count(SUGGEST)} new" in plan.summary()
    assert f"{plan.count(JOIN)} join" in plan.summary()

    # Confirmed, the same plan is written, and the import does what the plan said.
    report = import_file(library, SEED_ARXIV, as_of=AS_OF, confirm=lambda _r, _p: True)
    plan = report.plan
    assert report.ok and report.written
    assert report.new == plan.count(NEW) + plan.count(SUGGEST)
    assert sorted(p for p, _ in report.merged) == sorted(r.paper_id for r in plan.records_plan if r.kind == JOIN)
    assert library.count_papers("all") == 20 + report.new


def test_the_plan_tells_people_already_known_from_new_ones(library):
    owner = OwnerProfile(name="Ada Lovelace")
    first = [PaperRecord(line=1, title="Notes on the analytical engine", authors=("Ada Lovelace", "Charles Babbage"))]
    import_records(library, **planned(library, first, owner=owner))
    again = [
        PaperRecord(line=1, title="Notes on the analytical engine", authors=("Ada Lovelace", "Charles Babbage")),
        PaperRecord(line=2, title="A sketch of the engine", authors=("Ada Lovelace", "Charles Babbage", "L. Menabrea")),
    ]
    plan = plan_import(library, **planned(library, again, owner=owner))
    assert [r.kind for r in plan.records_plan] == [UNCHANGED, NEW]
    new = plan.records_plan[1]
    assert [a.kind for a in new.authors] == ["owner", "existing", "new"]
    assert plan.existing_people == 1 and plan.new_people == 1 and not plan.new_owner

    edited = [PaperRecord(line=1, title="Notes on the analytical engine", authors=("Ada Lovelace",), year=1843)]
    plan = plan_import(library, **planned(library, edited, owner=owner))
    assert [r.kind for r in plan.records_plan] == [UPDATE]


def test_a_plan_made_before_another_writer_changed_the_library_is_refused(library, library_path):
    records = [PaperRecord(line=1, title="A paper planned once", authors=("Grace Hopper",))]
    plan = plan_import(library, **planned(library, records))
    other = Library.open(library_path)
    try:
        other_records = [PaperRecord(line=1, title="Written meanwhile", authors=("Alan Turing",))]
        import_records(other, **planned(other, other_records, file="other.txt"))
    finally:
        other.close()
    before = snapshot(library)
    with pytest.raises(StalePlan, match=r"changed after the import of page\.txt was previewed"):
        apply_plan(library, plan)
    assert snapshot(library) == before
    # Made again inside the write transaction, it is applied whole.
    result = apply_plan(library, plan, replan=True)
    assert len(result.new) == 1
    assert sorted(p.title for p in library.list_papers()) == ["A paper planned once", "Written meanwhile"]


def test_a_plan_is_refused_after_this_connection_wrote_too(library):
    import_records(library, **planned(library, [PaperRecord(line=1, title="First", authors=("Ann Author",))]))
    plan = plan_import(library, **planned(library, [PaperRecord(line=1, title="Second", authors=("Ann Author",))]))
    (paper,) = library.list_papers()
    library.set_note(paper.id, "typed while the preview was open")
    with pytest.raises(StalePlan):
        apply_plan(library, plan)
    assert library.get_paper(paper.id).note == "typed while the preview was open"
    assert library.count_papers("all") == 1


def test_a_file_imported_before_plans_as_nothing_to_do(library):
    assert import_file(library, SEED_SCHOLARLY, as_of=AS_OF).ok
    report = import_file(library, SEED_SCHOLARLY, as_of=AS_OF, confirm=lambda _r, _p: pytest.fail("asked"))
    assert report.same_file and report.ok
