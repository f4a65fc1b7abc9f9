"""Exporting a library imported from a .bib: every entry written back whole, in both flavours (issue 13).

    python benchmarks/bib_export.py                       # 5,000 entries, writes benchmarks/bib_export.json
    python benchmarks/bib_export.py --entries 20000 --label after

The .bib is made from TeX's own xampl.bib (every standard type, crossrefs, @string, @preamble), its entries
repeated under new keys until there are --entries of them. It is imported once; then each export reads the
papers through the library as the command does (`Library.get_papers`, `bib_sources`) and formats them. Nothing
is asserted: the figures (median of --repeats runs, entries per second) go to the JSON file, one entry per
--label, earlier labels kept.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

from papershelf.exporters.formats import bib_sources, export_papers  # noqa: E402
from papershelf.model.library import Library  # noqa: E402
from papershelf.pipeline import import_file  # noqa: E402


def synthetic_bib(entries: int) -> str:
    """xampl.bib's entries repeated under new keys (crossrefs renamed with them) until there are `entries`."""
    xampl = subprocess.run(["kpsewhich", "xampl.bib"], capture_output=True, text=True).stdout.strip()
    if not xampl:
        sys.exit("xampl.bib not found (kpsewhich xampl.bib; Debian: texlive-bibtex-extra)")
    text = Path(xampl).read_text(encoding="utf-8")
    start = text.index("@ARTICLE")
    head, body = text[:start], text[start:]
    count = len(re.findall(r"^@(?!string|preamble|comment)\w+\{", body, flags=re.M | re.I))
    copies = []
    for n in range(-(-entries // count)):
        copies.append(
            re.sub(
                r"(^@\w+\{\s*|crossref\s*=\s*[{\"])([^,}\"]+)",
                lambda m, n=n: f"{m.group(1)}{m.group(2)}-{n}",
                body,
                flags=re.M | re.I,
            )
        )
    return head + "\n".join(copies)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--label", default="current")
    parser.add_argument("--out", type=Path, default=HERE / "bib_export.json")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "master.bib"
        source.write_text(synthetic_bib(args.entries), encoding="utf-8")
        library = Library.open(Path(folder) / "library.sqlite")
        started = time.perf_counter()
        report = import_file(library, source)
        import_s = time.perf_counter() - started
        if not report.ok:
            sys.exit(f"import failed: {report.error}")
        ids = library.paper_ids()
        figures: dict[str, float] = {}
        for name, flavour, options in (
            ("bibtex", "bibtex", {}),
            ("bibtex --strings", "bibtex", {"strings": True}),
            ("bibtex --crossref inherit", "bibtex", {"crossref": "inherit"}),
            ("biblatex", "biblatex", {}),
            ("biblatex --biblatex-names", "biblatex", {"biblatex_names": True}),
        ):
            runs = []
            for _ in range(args.repeats):
                started = time.perf_counter()
                papers = library.get_papers(ids)
                export_papers(papers, flavour, sources=bib_sources(library, papers), **options)
                runs.append(time.perf_counter() - started)
            figures[name] = round(statistics.median(runs), 3)
        library.close()

    results = json.loads(args.out.read_text(encoding="utf-8")) if args.out.exists() else {}
    results[args.label] = {
        "entries": len(ids),
        "repeats": args.repeats,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "import_s": round(import_s, 2),
        "export_s": figures,
        "entries_per_s": {name: round(len(ids) / seconds) for name, seconds in figures.items()},
    }
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(results[args.label], indent=2))


if __name__ == "__main__":
    main()
