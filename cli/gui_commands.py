"""The desktop app from the command line: `papershelf` alone opens it; `papershelf screenshot` renders a view.

Qt is imported only when one of these runs, so the other commands start fast and work without a display.
"""

from __future__ import annotations

import argparse
import sys

from papershelf.cli.common import CommandError, open_library, run
from papershelf.paths import library_path


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "screenshot",
        help="render the app's window for one view into a PNG (offscreen) and exit",
        description="Render the main window offscreen, as it looks over this library, and save it as PNG. "
        "Views: papers, authors, tags (the largest tag), duplicates, author:ID, paper:ID.",
    )
    p.add_argument("out", metavar="OUT.png", help="where to write the image")
    p.add_argument(
        "--view",
        default="papers",
        help="papers | authors | tags | duplicates | author:ID | paper:ID | entry:ID | import:FILE",
    )
    p.add_argument("--size", default="1440x900", metavar="WxH", help="window size in pixels (default 1440x900)")
    p.set_defaults(func=screenshot)


@run
def screenshot(args: argparse.Namespace) -> int:
    from papershelf.gui.screenshot import ScreenshotError, parse_size, parse_view, render_screenshot

    try:
        parse_view(args.view)
        size = parse_size(args.size)
    except ScreenshotError as error:
        raise CommandError(str(error)) from None
    library = open_library(args, read_only=True)
    try:
        out = render_screenshot(library, args.out, view=args.view, size=size)
    except ScreenshotError as error:
        raise CommandError(str(error)) from None
    finally:
        library.close()
    print(out)
    return 0


def launch(args: argparse.Namespace) -> int:
    """Open the desktop app on --library, else $PAPERSHELF_LIBRARY, else the default library."""
    try:
        from papershelf.gui.app import run_app
    except ImportError as error:
        print(
            f"papershelf: the desktop app cannot start ({error}); the commands still work, see --help", file=sys.stderr
        )
        return 2
    return run_app(library_path(getattr(args, "library", None)))
