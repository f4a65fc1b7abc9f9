"""Benchmark: importing a 400-entry publication page saved as HTML (the general page reader, issue 12).

Goal: under 1 s on the project's machine, from the file to the committed library (read, parse with selectolax,
read the entries, store). The page is generated here, title-first entries with a link row and a hidden BibTeX
panel on every fourth one, so it does not depend on Papershelf's own output.

With --text, the same entries as the copied text of the page (what select-all + copy gives): no goal is set for
it, the figure is reported.

Run: python benchmarks/page_import.py [--entries 400] [--repeat 3] [--text] [--json out.json]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import tempfile
import time
from pathlib import Path

GOAL_SECONDS = 1.0


def _split(text: str) -> list[str]:
    return text.split()


_WORDS = _split(
    "learning robust sparse neural fields graph diffusion policy transformer efficient scalable adaptive "
    "contrastive causal inference retrieval language vision models representation optimization bayesian"
)
_FIRST = "Ada Ben Chen Dana Emil Fatima Goran Hana Ivan Jia Kofi Lena Mario Nadia Omar Priya Quinn Rosa Sven Tara"
_LAST = "Okafor Lindqvist Sato Reyes Natarajan Ferri Weber Diallo Mori Petrova Haddad Shankar Hoffmann Lindgren"
_VENUES = ("CVPR", "NeurIPS", "ICML", "ICLR", "ACL", "EMNLP", "Journal of Machine Learning Research", "arXiv preprint")


def make_page(entries: int, seed: int = 12) -> str:
    rng = random.Random(seed)
    first, last = _split(_FIRST), _split(_LAST)
    items = []
    for index in range(entries):
        title = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(5, 10))).capitalize() + f" {index}"
        names = [f"{rng.choice(first)} {rng.choice(last)}" for _ in range(rng.randint(1, 6))]
        year = 2010 + index % 16
        venue = rng.choice(_VENUES)
        bib = ""
        if index % 4 == 0:
            authors = " and ".join(names)
            bib = (
                f'<div class="bibtex hidden"><pre>@inproceedings{{k{index},\n  title = {{{title}}},\n'
                f"  author = {{{authors}}},\n  year = {{{year}}},\n}}</pre></div>"
            )
        items.append(
            f'<li><div class="title"><b>{title}</b></div><div class="author">{", ".join(names)}</div>'
            f'<div class="periodical"><em>In {venue}</em>, {year}</div>'
            f'<div class="links"><a href="https://arxiv.org/abs/{2000 + index % 1000:04d}.{index:05d}">arXiv</a> '
            f'<a href="https://github.com/x/p{index}">Code</a></div>{bib}</li>'
        )
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Benchmark Person</title></head><body>"
        "<nav><a href='/'>Home</a></nav><h1>Benchmark Person</h1><h2>Publications</h2><ol>"
        + "\n".join(items)
        + "</ol><h2>Teaching</h2><p>Nothing.</p></body></html>"
    )


def make_text(entries: int, seed: int = 12) -> str:
    """The page's copied text: the browser puts each block on a line of its own and leaves out the hidden
    BibTeX panels."""
    import re

    html = make_page(entries, seed)
    html = re.sub(r'<div class="bibtex hidden">.*?</div>', "", html, flags=re.S)
    html = re.sub(r"<nav>.*?</nav>|<head>.*?</head>", "", html, flags=re.S)
    html = re.sub(r"</li>|</h[12]>|</p>", "\n\n", html)
    html = re.sub(r"</div>", "\n", html)
    text = re.sub(r"<[^>]+>", "", html)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(line.strip() for line in text.split("\n"))).strip() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--text", action="store_true", help="import the page's copied text instead of its HTML")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    from papershelf.model import Library
    from papershelf.pipeline import import_file

    times = []
    with tempfile.TemporaryDirectory() as folder:
        if args.text:
            page = Path(folder) / "publications.txt"
            page.write_text(make_text(args.entries), encoding="utf-8")
        else:
            page = Path(folder) / "publications.html"
            page.write_text(make_page(args.entries), encoding="utf-8")
        for run in range(args.repeat):
            library_path = Path(folder) / f"library-{run}.sqlite"
            with Library.open(library_path) as library:
                started = time.perf_counter()
                report = import_file(library, page, as_of=dt.date(2026, 3, 1))
                times.append(time.perf_counter() - started)
            if not report.ok or report.found != args.entries:
                print(f"FAILED: {report.error or f'{report.found} of {args.entries} entries found'}")
                return 1
    best = min(times)
    if args.json:
        import json

        figures = {"entries": args.entries, "input": "text" if args.text else "html", "best_s": round(best, 3)}
        args.json.write_text(json.dumps(figures) + "\n", encoding="utf-8")
    if args.text:
        print(f"{args.entries}-entry page as copied text: best {best:.3f} s of {args.repeat}")
        return 0
    verdict = "meets" if best < GOAL_SECONDS else "MISSES"
    print(f"{args.entries}-entry HTML page: best {best:.3f} s of {args.repeat} (goal < {GOAL_SECONDS:g} s: {verdict})")
    return 0 if best < GOAL_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())
