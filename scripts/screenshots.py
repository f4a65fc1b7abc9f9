#!/usr/bin/env python3
"""Regenerate the README's screenshots in docs/screenshots/ from a throwaway library of the bundled samples.

    python scripts/screenshots.py [--out docs/screenshots] [--size 1366x768]

It imports the sample pages into a temporary library, tags a few papers, writes a note and imports a small
.bib of the user's own with near-copies of two sample papers (as a user would; the review queue then holds
their suggestions), then renders each view with `papershelf screenshot`, offscreen, including an import of a
generated 3,000-entry .bib caught in progress (cancelled afterwards, so it changes nothing). The user's own
library and settings are never touched.
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


# A reading list of the user's own: the same papers as some sample pages list, written differently (a word
# added, initials, another year), so that the import queues them for review instead of merging them silently.
MY_READING = """
@article{lin2021m6t,
  title={M6-T: Exploring Sparse Expert Models and Beyond Anonymous},
  author={Yang, An and Lin, Junyang and Men, Rui},
  journal={arXiv preprint},
  year={2020}
}
@article{wu2024betadpo,
  title={beta-DPO: Direct Preference Optimization with Dynamic beta},
  author={Wu, Junkang and Xie, Y. and Yang, Z.},
  year={2024}
}
"""


# A thesis from the user's own .bib, for the entry editor's picture: school required, a custom field of JabRef's.
MY_THESIS = r"""
@phdthesis{lin2019thesis,
  title = {Sparse Experts for Multimodal Pretraining},
  author = {Lin, Junyang},
  school = {Peking University},
  year = {2019},
  address = {Beijing},
  month = jun,
  basefilename = {lin-2019-thesis},
}
"""


def large_bib(path: Path, entries: int = 3000) -> Path:
    """A generated .bib big enough for its import to be caught in progress."""
    path.write_text(
        "\n".join(
            f"@article{{shared{n}, title={{Shared reading list entry {n} on topic {n % 37}}}, "
            f"author={{Author{n % 211}, A. and Colleague{n % 97}, B.}}, year={{{2000 + n % 26}}}, "
            f"journal={{Journal of Topic {n % 13}}}}}"
            for n in range(entries)
        ),
        encoding="utf-8",
    )
    return path


def first_match(library: Library, query: str) -> int:
    ids = library.search(query)
    if not ids:
        raise SystemExit(f"the samples no longer hold a paper for {query!r}; update {Path(__file__).name}")
    return ids[0]


def prepare(library: Library, scratch: Path) -> dict[str, int]:
    """Import the samples and give them the tags, note and own .bib a user would have added."""
    for page in sample_pages():
        report = import_file(library, page, as_of=SAMPLES_CAPTURED)
        if not report.ok:
            raise SystemExit(f"{page.name}: {report.error}")
    mine = scratch / "my-reading.bib"
    mine.write_text(MY_READING, encoding="utf-8")
    report = import_file(library, mine, as_of=SAMPLES_CAPTURED)
    if not report.ok or not report.suggested:
        raise SystemExit(f"{mine.name} no longer queues suggestions for review; update {Path(__file__).name}")
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
    parser.add_argument("--size", default="1366x768")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="papershelf-screens-") as scratch:
        library_path = Path(scratch) / "samples.sqlite"
        with Library.open(library_path) as library:
            ids = prepare(library, Path(scratch))
        views = {
            "main-window.png": f"paper:{ids['showcase']}",
            "paper-detail.png": f"paper:{ids['paper']}",
            "tags.png": "tags",
            "author-page.png": f"author:{ids['author']}",
            "duplicates-review.png": "duplicates",
            "import-progress.png": f"import:{large_bib(Path(scratch) / 'shared-reading-list.bib')}",
        }
        for name, view in views.items():
            shoot(library_path, args.out / name, view, args.size)
        # Imported after the other pictures, which it would otherwise change.
        thesis = Path(scratch) / "my-thesis.bib"
        thesis.write_text(MY_THESIS, encoding="utf-8")
        with Library.open(library_path) as library:
            report = import_file(library, thesis, as_of=SAMPLES_CAPTURED)
            if not report.ok or not report.paper_ids:
                raise SystemExit(f"{thesis.name}: {report.error or 'no paper imported'}")
        shoot(library_path, args.out / "entry-editor.png", f"entry:{report.paper_ids[0]}", args.size)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
