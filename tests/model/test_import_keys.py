"""The keys an import gives its new papers: the same `disambiguate` sequence as one paper at a time, found
from the keys taken read once per key base (not one query per candidate key, millions on a big page)."""

from __future__ import annotations

from papershelf.model import Library
from papershelf.model.apply import import_records
from papershelf.model.citekeys import key_suffix
from papershelf.model.records import PaperRecord


def _records(count: int, start: int = 0, **fields) -> list[PaperRecord]:
    return [
        PaperRecord(
            line=i + 1,
            title=f"M6 study {i + start}: on subject {(i + start) * 7}",
            authors=("Junyang Lin", f"Other Person{i % 3}"),
            year=2021,
            abstract=f"Abstract {i + start} about thing {(i + start) * 13}.",
            **fields,
        )
        for i in range(count)
    ]


def _load(library: Library, records: list[PaperRecord], name: str) -> None:
    result = import_records(
        library, file=name, path=f"/pages/{name}", sha256=name * 8, fmt="bibtex", owner=None, records=records
    )
    assert len(result.new) == len(records)


def test_colliding_keys_follow_the_suffix_order_with_one_query_per_base() -> None:
    library = Library.memory()
    _load(library, _records(60), "first.bib")
    # A .bib's own key, ahead in the sequence: kept as it is, then skipped by the keys made after it.
    own = _records(1, start=500, citekey="lin2021m6" + key_suffix(70))
    queries: list[str] = []
    library.conn.set_trace_callback(queries.append)
    _load(library, own + _records(40, start=1000), "second.bib")
    library.conn.set_trace_callback(None)
    keys = [p.citekey for p in library.get_papers(sorted(library.paper_ids()))]
    expected = ["lin2021m6"] + [f"lin2021m6{key_suffix(i)}" for i in range(60 + 40 - 1 + 1) if i != 70]
    assert keys[:60] == expected[:60]
    assert keys[60] == "lin2021m6" + key_suffix(70)
    assert keys[61:] == expected[60:100]
    assert len(set(keys)) == len(keys)
    key_reads = [q for q in queries if q.lstrip().upper().startswith("SELECT") and "citekey" in q.lower()]
    assert len(key_reads) <= 5, key_reads  # was one per candidate: thousands for these 41 papers
