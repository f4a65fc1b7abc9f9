"""The .bib importer's records, compared with a golden copy made by the importer as it was before it was made
faster (tests/fixtures/bib/golden/records.json.gz): every .bib in tests/fixtures, the real-bibliography corpus
and golden/edge-cases.bib (the less common paths) included, and small synthetic plain and LaTeX-heavy
benchmark files. A speed-up must give back exactly the same
records, warnings and kept blocks; a deliberate change of what the importer reads regenerates the copy with
`python tests/importers/test_bib_golden.py` (and says why in its commit).
"""

from __future__ import annotations

import dataclasses
import gzip
import importlib.util
import json
import sys
from pathlib import Path

import pytest

from papershelf.importers.bibtex_file import BibtexImporter
from papershelf.importers.encoding import decode
from papershelf.model.records import ParseContext

ROOT = Path(__file__).parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
GOLDEN = FIXTURES / "bib" / "golden" / "records.json.gz"
SYNTHETIC_SIZE = 400


def _synthetic():
    spec = importlib.util.spec_from_file_location("papershelf_bench_synthetic", ROOT / "benchmarks" / "synthetic.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _inputs() -> dict[str, str]:
    texts = {
        str(path.relative_to(FIXTURES)): decode(path.read_bytes(), path.name)
        for path in sorted(FIXTURES.rglob("*.bib"))
        # The exporter's pinned outputs (tests/export/test_golden_bytes.py) are not inputs people write.
        if path.relative_to(FIXTURES).parts[0] != "export"
    }
    synthetic = _synthetic()
    texts["synthetic-plain"] = synthetic.bibtex_file(SYNTHETIC_SIZE)
    texts["synthetic-latex"] = synthetic.latex_bibtex_file(SYNTHETIC_SIZE)
    return texts


def _read(name: str, text: str) -> dict[str, object]:
    batch = BibtexImporter().parse(text, ParseContext(source_name=name))
    return json.loads(json.dumps(dataclasses.asdict(batch), ensure_ascii=False))


INPUTS = _inputs()


@pytest.fixture(scope="module")
def golden() -> dict[str, dict[str, object]]:
    with gzip.open(GOLDEN, "rt", encoding="utf-8") as handle:
        return json.load(handle)


def test_the_golden_copy_covers_every_bib_fixture(golden: dict[str, dict[str, object]]) -> None:
    assert sorted(golden) == sorted(INPUTS)


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_records_are_exactly_the_golden_ones(name: str, golden: dict[str, dict[str, object]]) -> None:
    got, want = _read(name, INPUTS[name]), golden[name]
    assert got["warnings"] == want["warnings"]
    assert got["blocks"] == want["blocks"]
    assert len(got["papers"]) == len(want["papers"])
    for mine, theirs in zip(got["papers"], want["papers"], strict=True):
        # One record at a time, so a failure shows the entry (its line and key) and the fields that differ.
        assert mine == theirs, f"line {theirs['line']} ({theirs['citekey']})"
    assert got == want


if __name__ == "__main__":
    GOLDEN.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(GOLDEN, "wt", encoding="utf-8", compresslevel=9) as out:
        json.dump({name: _read(name, text) for name, text in INPUTS.items()}, out, ensure_ascii=False, sort_keys=True)
    print(f"wrote {GOLDEN} ({GOLDEN.stat().st_size:,} bytes)")
