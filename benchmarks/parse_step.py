"""CPU time of the read side of a .bib import (issue 16): `pipeline.read_file` (read, decode, detect) and
`pipeline.parse_text` (parse, normalize) on synthetic plain and LaTeX-heavy files, against bibtexparser's
parse_string of the same text. Process time, best of `--repeat` runs, so other work on the machine matters
little. With `--cli`, also the wall time of `papershelf import` of the plain file into a new library, as
benchmarks/run.py's import_vs_pubs runs it (best of `--repeat`; the store step included). Writes
benchmarks/parse_step.json. It must not write to any library but the command line's temporary ones.

    python benchmarks/parse_step.py --sizes 10000 --repeat 3 --cli
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent


def _synthetic():
    spec = importlib.util.spec_from_file_location("papershelf_bench_synthetic", HERE / "synthetic.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _cpu(function, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        started = time.process_time()
        function()
        best = min(best, time.process_time() - started)
    return best


def measure(size: int, repeat: int, workdir: Path) -> dict[str, dict[str, float]]:
    import bibtexparser

    from papershelf import pipeline
    from papershelf.exporters import latex_decode

    synthetic = _synthetic()
    figures: dict[str, dict[str, float]] = {}
    for label, text in (("plain", synthetic.bibtex_file(size)), ("latex", synthetic.latex_bibtex_file(size))):
        path = workdir / f"{label}-{size}.bib"
        path.write_text(text, encoding="utf-8")
        data, read, importer = pipeline.read_file(path)

        def parse(read=read, importer=importer, data=data, path=path) -> None:
            latex_decode._decode_cached.cache_clear()  # each run decodes as a fresh process would
            pipeline.parse_text(path, importer, read, data, as_of=None)

        figures[label] = {
            "read_s": _cpu(lambda path=path: pipeline.read_file(path), repeat),
            "parse_s": _cpu(parse, repeat),
            "bibtexparser_s": _cpu(lambda text=text: bibtexparser.parse_string(text), repeat),
        }
        figures[label]["parse_vs_bibtexparser"] = figures[label]["parse_s"] / figures[label]["bibtexparser_s"]
        print(size, label, {k: round(v, 3) for k, v in figures[label].items()}, flush=True)
    return figures


def measure_cli(size: int, repeat: int, workdir: Path) -> dict[str, float]:
    """Wall and CPU (user + system of the child) seconds of `papershelf import` of the plain .bib, best of `repeat`."""
    bib = workdir / f"cli-{size}.bib"
    bib.write_text(_synthetic().bibtex_file(size), encoding="utf-8")
    ours = Path(sys.executable).with_name("papershelf")
    argv = [str(ours)] if ours.exists() else [sys.executable, "-m", "papershelf"]
    best = {"wall_s": float("inf"), "cpu_s": float("inf")}
    for attempt in range(repeat):
        library = workdir / f"cli-{size}-{attempt}.sqlite"
        before = os.times()
        started = time.perf_counter()
        subprocess.run(
            [*argv, "--library", str(library), "import", "--json", "--as-of", "2025-11-20", str(bib)],
            check=True,
            capture_output=True,
        )
        wall = time.perf_counter() - started
        after = os.times()
        cpu = after.children_user + after.children_system - before.children_user - before.children_system
        best = {"wall_s": min(best["wall_s"], wall), "cpu_s": min(best["cpu_s"], cpu)}
    print(size, "cli", {k: round(v, 3) for k, v in best.items()}, flush=True)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cli", action="store_true", help="also time `papershelf import` of the plain file")
    parser.add_argument("--json", type=Path, default=HERE / "parse_step.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        result: dict[str, dict[str, dict[str, float]]] = {}
        for size in args.sizes:
            result[str(size)] = measure(size, args.repeat, Path(folder))
            if args.cli:
                result[str(size)]["cli"] = measure_cli(size, args.repeat, Path(folder))
    args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
