"""Citation keys never move on their own (re-import, edit, export), rekey is previewed and keeps aliases, and
auto-exported files follow the library atomically and only when their text changes."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from papershelf.exporters import autoexport
from papershelf.exporters.formats import export_papers
from papershelf.model.citekeys import base_key, check_pattern, is_legal_key
from papershelf.model.keys import apply_rekey, preview_rekey
from papershelf.pipeline import import_file

from .conftest import add_records, record

SEED_HOMEPAGE = Path(__file__).parents[1] / "fixtures" / "seeds" / "000_f5f6b2d255113960.txt"
SEED_AS_OF = "2025-11-20"


def _keys(library) -> dict[int, str]:
    return {p.id: p.citekey for p in library.get_papers(library.paper_ids(view="all"))}


def test_keys_survive_reimport_of_a_changed_page_edits_and_export(library, tmp_path):
    page = tmp_path / "homepage.txt"
    page.write_text(SEED_HOMEPAGE.read_text(encoding="utf-8"), encoding="utf-8")
    as_of = dt.date.fromisoformat(SEED_AS_OF)
    assert import_file(library, page, as_of=as_of).ok
    before = _keys(library)
    assert before and all(is_legal_key(k) for k in before.values())
    # The page changes (a paper moves to another year and venue); the file is captured again.
    text = page.read_text(encoding="utf-8").replace(
        "Global Encoding for Abstractive Summarization. ACL 2018",
        "Global Encoding for Abstractive Summarization. EMNLP 2019",
    )
    assert text != page.read_text(encoding="utf-8")
    page.write_text(text, encoding="utf-8")
    report = import_file(library, page, as_of=as_of)
    assert report.ok and report.updated
    # The user edits a title; the library is exported in every format.
    first = next(iter(before))
    library.edit_paper(first, title="A Completely Different Title", year=1999)
    for fmt in ("bibtex", "biblatex", "csl-json", "ris"):
        export_papers(library.get_papers(library.paper_ids()), fmt)
    assert _keys(library) == before


def test_duplicate_keys_get_suffixes_in_the_order_papers_were_added(library):
    add_records(library, [record(1, title="M6 one", authors=("Junyang Lin",), year=2021)])
    add_records(library, [record(1, title="M6 two", authors=("Junyang Lin",), year=2021)])
    add_records(library, [record(1, title="M6 three", authors=("Junyang Lin",), year=2021)])
    papers = library.get_papers(library.paper_ids(order_by="added"))
    assert [p.citekey for p in papers] == ["lin2021m6", "lin2021m6a", "lin2021m6b"]


def test_transliteration_is_the_same_every_time():
    assert base_key(["Żółć"], 2020, "Żółć Über Alles") == "zolc2020zolc"
    assert base_key(["Ødegård"], 2019, "Ł tests") == "odegard2019l"


def test_key_patterns_have_better_bibtex_tokens():
    families = ["Lin", "Men", "Yang"]
    assert base_key(families, 2021, "M6: Multi-Modality Pretraining", pattern="[authors2][year]") == "LinMenEtAl2021"
    assert base_key(families, 2021, "M6: Multi-Modality Pretraining", pattern="[auth:lower][shorttitle3]") == (
        "linM6MultiModalityPretraining"
    )
    assert base_key(families, 2021, "The Veryshort Title", pattern="[auth][veryshorttitle:lower]") == "Linveryshort"
    for bad in ("[nonsense]", "[auth:sideways]", "key with space[year]"):
        try:
            check_pattern(bad)
        except ValueError:
            continue
        raise AssertionError(f"{bad!r} accepted")


def test_rekey_previews_then_applies_keeping_old_keys_as_aliases(library):
    add_records(
        library,
        [
            record(1, title="Alpha Paper", authors=("Ada Lovelace", "Alan Turing"), year=2020),
            record(2, title="Beta Paper", authors=("Ada Lovelace", "Alan Turing"), year=2020),
        ],
    )
    before = _keys(library)
    changes = preview_rekey(library, pattern="[authors2][year]")
    assert _keys(library) == before  # a preview writes nothing
    assert [c.new for c in changes] == ["LovelaceTuring2020", "LovelaceTuring2020a"]
    apply_rekey(library, changes)
    after = library.get_papers(library.paper_ids(order_by="added"))
    assert [p.citekey for p in after] == ["LovelaceTuring2020", "LovelaceTuring2020a"]
    assert [p.key_aliases for p in after] == [[before[after[0].id]], [before[after[1].id]]]
    # Old keys still find their papers, and biblatex carries them as ids.
    assert library.paper_by_key(before[after[0].id]).id == after[0].id
    assert f"ids = {{{before[after[0].id]}}}" in export_papers(after, "biblatex").text
    # Rekeying again with the same pattern changes nothing.
    assert preview_rekey(library, pattern="[authors2][year]") == []


def test_rekey_never_takes_a_key_another_paper_holds(library):
    add_records(library, [record(1, title="Alpha", authors=("Ada Lovelace",), year=2020)])
    add_records(library, [record(1, title="Beta", authors=("Bob Smith",), year=2020)])
    first, second = library.get_papers(library.paper_ids(order_by="added"))
    library.set_citekey(second.id, "lovelace2020")  # the second paper took what the first would get
    changes = preview_rekey(library, [first.id], pattern="[auth:lower][year]")
    assert [c.new for c in changes] == ["lovelace2020a"]


def test_autoexport_rewrites_atomically_and_only_when_the_text_changes(library, tmp_path, monkeypatch):
    add_records(library, [record(1, title="First Paper", authors=("Ada Lovelace",), year=2020)])
    target = tmp_path / "refs.bib"
    result = autoexport.add(library, target)
    assert result.written and target.read_text().count("@misc") == 1
    autoexport.install(library)
    replaced: list[str] = []
    real_replace = os.replace
    monkeypatch.setattr(os, "replace", lambda a, b: (replaced.append(str(b)), real_replace(a, b))[1])
    add_records(library, [record(1, title="Second Paper", authors=("Alan Turing",), year=2021)])
    assert replaced == [str(target)]  # written through a temporary file and a rename
    assert target.read_text().count("@misc") == 2
    stamp = target.stat().st_mtime_ns
    paper_id = library.paper_ids()[0]
    library.set_note(paper_id, "")  # a change that does not alter the export
    assert replaced == [str(target)] and target.stat().st_mtime_ns == stamp
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_autoexport_follows_a_tag_in_a_deterministic_order(library, tmp_path):
    add_records(
        library,
        [record(i, title=f"Paper {name}", authors=(f"Ann {name}",), year=2020) for i, name in enumerate("CAB", 1)],
    )
    target = tmp_path / "tagged.bib"
    autoexport.add(library, target, tag="cite-me")
    autoexport.install(library)
    assert "@misc" not in target.read_text()
    ids = library.paper_ids()
    library.add_tag(ids, "cite-me")
    keys = [line.split("{")[1].rstrip(",") for line in target.read_text().splitlines() if line.startswith("@misc")]
    assert keys == sorted(keys) and len(keys) == 3
    library.remove_tag([ids[0]], "cite-me")
    assert target.read_text().count("@misc") == 2
    assert autoexport.remove(library, target)
    assert autoexport.list_autoexports(library) == []


def test_the_gui_path_marks_pending_and_syncs_on_a_worker_connection(library, library_path, tmp_path):
    add_records(library, [record(1, title="Only Paper", authors=("Ada Lovelace",), year=2020)])
    target = tmp_path / "gui.bib"
    autoexport.add(library, target, fmt="biblatex")
    autoexport.install(library, immediate=False)
    add_records(library, [record(1, title="Another Paper", authors=("Alan Turing",), year=2021)])
    assert target.read_text().count("@misc") == 1  # nothing ran on the "interface thread"
    assert autoexport.is_pending(library_path)
    import threading

    results = []
    worker = threading.Thread(target=lambda: results.extend(autoexport.run_pending(library_path)))
    worker.start()
    worker.join()
    assert [r.written for r in results] == [True]
    assert target.read_text().count("@misc") == 2
    assert autoexport.run_pending(library_path) == []


def test_a_merge_keeps_the_cited_key_and_exports_the_other_as_an_alias(library):
    from papershelf.model.merge import merge_papers

    add_records(library, [record(1, title="Same Paper", authors=("Ada Lovelace",), year=2020)])
    add_records(library, [record(1, title="Same Paper, Again", authors=("Ada Lovelace",), year=2020)])
    kept, other = library.get_papers(library.paper_ids(order_by="added"))
    merge_papers(library, kept.id, [other.id])
    (merged,) = library.get_papers(library.paper_ids())
    assert merged.citekey == kept.citekey
    assert f"ids = {{{other.citekey}}}" in export_papers([merged], "biblatex").text


def test_keys_must_be_ascii_for_bibtex_to_find_them(library):
    from papershelf.model.library import LibraryError

    assert not is_legal_key("Ünïcode2") and is_legal_key("Ünïcode2", ascii_only=False)
    assert is_legal_key("lin2021m6") and not is_legal_key("a b") and not is_legal_key("x%y")
    add_records(library, [record(1, title="Alpha", authors=("Ada Lovelace",), year=2020)])
    try:
        library.set_citekey(library.paper_ids()[0], "Ünïcode2")
    except LibraryError:
        pass
    else:
        raise AssertionError("a non-ASCII key was accepted")


def test_greek_and_cyrillic_names_transliterate_and_cjk_falls_back_to_the_next_token():
    assert base_key(["Παπαδόπουλος"], 2020, "Θεωρία Γράφων") == "papadopoulos2020theoria"
    assert base_key(["Иванов"], 2021, "Нейронные сети") == "ivanov2021neyronnye"
    assert base_key(["Щукин"], 2019, "Ёлка") == "shchukin2019elka"
    # 王 has no romanisation here: [auth] takes the next author with one, else adds nothing.
    assert base_key(["王", "Smith"], 2021, "M6 Models") == "smith2021m6"
    assert base_key(["王"], 2021, "M6 Models") == "2021m6"
    assert base_key(["王"], 2021, "中文") == "paper2021"
    assert base_key(["Ødegård"], None, "Tests") == "odegardtests"  # a guessed year is passed as None


def test_the_key_allocator_asks_the_library_once_per_base_and_keeps_the_suffix_order(library):
    from papershelf.model.citekeys import KeyAllocator, disambiguate

    add_records(library, [record(i, title="M6 paper", authors=("Junyang Lin",), year=2021) for i in range(1, 4)])
    assert sorted(p.citekey for p in library.get_papers(library.paper_ids())) == [
        "lin2021m6",
        "lin2021m6a",
        "lin2021m6b",
    ]
    queries: list[str] = []
    library.conn.set_trace_callback(queries.append)
    allocator = KeyAllocator(library)
    given = [allocator.allocate("lin2021m6") for _ in range(30)]
    allocator.claim("smith2020")
    assert allocator.is_taken("smith2020") and not allocator.is_taken("smith2020x")
    library.conn.set_trace_callback(None)
    assert given[:3] == ["lin2021m6c", "lin2021m6d", "lin2021m6e"] and given[-1] == "lin2021m6af"
    assert len(given) == len(set(given))
    assert len([q for q in queries if q.lstrip().upper().startswith("SELECT")]) == 3  # one per base asked about
    assert disambiguate("lin2021m6", {"lin2021m6", "lin2021m6a"}) == "lin2021m6b"
    assert disambiguate("lin2021m6", library.key_taken) == "lin2021m6c"


def test_autoexport_into_a_removed_folder_records_the_error_and_makes_no_folder(library, tmp_path):
    add_records(library, [record(1, title="First Paper", authors=("Ada Lovelace",), year=2020)])
    folder = tmp_path / "project"
    folder.mkdir()
    target = folder / "refs.bib"
    assert autoexport.add(library, target).written
    target.unlink()
    folder.rmdir()  # the project moved away
    (result,) = autoexport.sync_all(library)
    assert result.error and "does not exist" in result.error
    assert not folder.exists()
    (row,) = autoexport.list_autoexports(library)
    assert row.last_error == result.error


def test_a_large_bib_import_keeps_every_taken_key_and_alias_free_of_new_papers(library, tmp_path):
    # Enough entries that the import reads every key of the library at once rather than per base.
    add_records(library, [record(i, title="M6 paper", authors=("Junyang Lin",), year=2021) for i in range(1, 3)])
    (kept,) = [p for p in library.get_papers(library.paper_ids()) if p.citekey == "lin2021m6"]
    library.conn.execute("INSERT INTO citekey_aliases(key, paper_id) VALUES ('lin2021m6b', ?)", (kept.id,))
    library.conn.commit()
    entries = [
        "@article{lin2021m6a,\n  author = {Lin, Junyang},\n  title = {Another Model},\n  year = {2022}\n}\n",
        "@article{lin2021m6b,\n  author = {Lin, Junyang},\n  title = {Third Model},\n  year = {2023}\n}\n",
        "@article{fresh2020,\n  author = {Fresh, Frida},\n  title = {Kept Key},\n  year = {2020}\n}\n",
    ] + [
        f"@article{{,\n  author = {{Lin, Junyang}},\n  title = {{M6 Paper Number {n}}},\n  year = {{2021}}\n}}\n"
        for n in range(80)
    ]
    bib = tmp_path / "many.bib"
    bib.write_text("\n".join(entries), encoding="utf-8")
    report = import_file(library, bib)
    assert report.ok and report.new == 83
    keys = sorted(_keys(library).values())
    assert len(keys) == len(set(keys)) == 85
    assert "fresh2020" in keys  # a free key the file gives is kept as it is
    # Keys taken by a paper (lin2021m6a) or an alias (lin2021m6b) are not handed out again, neither to the
    # entries that asked for them nor to the papers whose made key has the same base.
    assert {"lin2022another", "lin2023third"} <= set(keys)
    made = [k for k in keys if k.startswith("lin2021m6") and k not in ("lin2021m6", "lin2021m6a")]
    assert "lin2021m6b" not in made and len(made) == 80 and {"lin2021m6c", "lin2021m6d", "lin2021m6cd"} <= set(made)
