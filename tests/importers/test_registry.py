"""The importer registry: what it knows of the built-in importers before loading them, and that a .bib import
loads the BibTeX importer alone."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from papershelf.importers import base
from papershelf.importers.errors import ImporterError


def test_the_table_of_builtins_says_what_each_importer_declares():
    declared = {importer.name: importer for importer in base.importers()}
    for builtin in base._BUILTINS:
        importer = declared[builtin.name]
        assert type(importer).__module__ == builtin.module
        assert importer.extensions == builtin.extensions
    assert set(base.importer_names()) >= set(declared)


def test_importers_come_in_the_tables_order():
    names = [importer.name for importer in base.importers()]
    assert names[: len(base._BUILTINS)] == [builtin.name for builtin in base._BUILTINS]


def test_an_unknown_format_names_the_known_ones():
    with pytest.raises(ImporterError, match=r"known formats: .*bibtex.*page"):
        base.get_importer("endnote")


def test_a_bib_import_loads_no_page_reader(tmp_path):
    """A 10,000-entry .bib imports in a few seconds from the command line; compiling the page readers' patterns
    would add a tenth of a second to every such command, for nothing."""
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@article{lovelace1843,\n  author = {Ada Lovelace},\n  title = {Notes on the Analytical Engine},\n"
        "  journal = {Scientific Memoirs},\n  year = {1843}\n}\n"
    )
    script = textwrap.dedent(
        f"""
        import sys
        from papershelf.cli.main import main
        code = main(["--library", {str(tmp_path / "lib.sqlite")!r}, "import", {str(bib)!r}])
        loaded = sorted(m for m in sys.modules if m.startswith("papershelf.importers."))
        print(code, " ".join(loaded))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    code, loaded = done.stdout.strip().splitlines()[-1].split(" ", 1)
    assert code == "0"
    assert "papershelf.importers.bibtex_file" in loaded.split()
    for page_reader in ("page_reader", "homepage", "arxiv_listing", "aggregator_profile", "scholarly_profile"):
        assert f"papershelf.importers.{page_reader}" not in loaded.split()


def test_a_txt_file_is_still_scored_by_every_importer():
    detection = base.detect("Some text\nthat is not a page of papers\n", "notes.txt")
    assert {name for name, _ in detection.ranking} == {builtin.name for builtin in base._BUILTINS}


def test_a_second_thread_never_sees_half_the_importers(monkeypatch):
    """The window detects formats on its interface thread while a worker imports: whichever asks second waits
    for every built-in importer to be loaded, not a registry still being filled."""
    import threading
    import time

    registry: dict = {}
    monkeypatch.setattr(base, "_REGISTRY", registry)
    monkeypatch.setattr(base, "_loaded", False)
    first_loaded = threading.Event()

    def slow_load(module: str) -> None:
        builtin = next(b for b in base._BUILTINS if b.module == module)
        fake = type("Fake", (), {"name": builtin.name, "extensions": builtin.extensions})()
        registry[builtin.name] = fake
        first_loaded.set()
        time.sleep(0.05)

    monkeypatch.setattr(base, "_load", slow_load)
    worker = threading.Thread(target=base.importers)
    worker.start()
    first_loaded.wait(5)
    seen = len(base.importers())
    worker.join()
    assert seen == len(base._BUILTINS)
