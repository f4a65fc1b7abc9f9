#!/usr/bin/env python3
"""Regenerate the README's screenshots in docs/screenshots/ from a throwaway library of the bundled samples.

    python scripts/screenshots.py [--out docs/screenshots] [--size 1440x900]

It imports the sample pages into a temporary library, tags a few papers and writes a note (as a user would),
then renders each view with `papershelf screenshot`, offscreen. The user's own library and settings are never
touched.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from papershelf.model.library import Library
from papershelf.paths import sample_pages
from papershelf.pipeline import import_file

ROOT = Path(__file__).resolve().parent.parent
SAMPLES_CAPTURED = dt.date(2025, 11, 20)  # the bundled pages were saved on this day
NOTE = """## Why read it

Tunes **β per batch** instead of fixing it: compare with SimPO and plain DPO.

- code: [beta-DPO](https://github.com/junkangwu/beta-DPO)
- check the data-quality filter before reusing it
"""


def first_match(library: Library, query: str) -> int:
    ids = library.search(query)
    if not ids:
        raise SystemExit(f"the samples no longer hold a paper for {query!r}; update {Path(__file__).name}")
    return ids[0]


def prepare(library: Library) -> dict[str, int]:
    """Import the samples and give them the tags and note a user would have added."""
    for page in sample_pages():
        report = import_file(library, page, as_of=SAMPLES_CAPTURED)
        if not report.ok:
            raise SystemExit(f"{page.name}: {report.error}")
    dpo = library.search("title:DPO")
    library.add_tag(dpo + library.search("title:preference"), "preference-learning")
    library.add_tag(library.search("title:multimodal")[:6], "multimodal")
    featured = first_match(library, "title:DPO title:dynamic")
    library.add_tag([featured, *library.search("year:2025")[:3]], "to-read")
    library.set_note(featured, NOTE)
    showcase = first_match(library, "title:CogView")  # a homepage entry: full author list, venue, tags
    library.add_tag([showcase], "to-read")
    lin = next(author for author in library.list_authors("Junyang Lin") if author.name == "Junyang Lin")
    return {"paper": featured, "showcase": showcase, "author": lin.id}


def shoot(library_path: Path, out: Path, view: str, size: str) -> None:
    command = [
        sys.executable,
        "-m",
        "papershelf",
        "--library",
        str(library_path),
        "screenshot",
        str(out),
        "--view",
        view,
        "--size",
        size,
    ]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PAPERSHELF_THEME": "light"}
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)
    print(f"wrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--size", default="1440x900")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="papershelf-screens-") as scratch:
        library_path = Path(scratch) / "samples.sqlite"
        with Library.open(library_path) as library:
            ids = prepare(library)
        views = {
            "main-window.png": f"paper:{ids['showcase']}",
            "paper-detail.png": f"paper:{ids['paper']}",
            "tags.png": "tags",
            "author-page.png": f"author:{ids['author']}",
        }
        for name, view in views.items():
            shoot(library_path, args.out / name, view, args.size)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
