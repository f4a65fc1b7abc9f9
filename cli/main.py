"""Entry point of the `papershelf` command: global options, then one sub-command module per job."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from papershelf import __version__

# Each module defines `register(subparsers)`; adding a command group means adding its module here.
COMMAND_MODULES = (
    "papershelf.cli.library_commands",
    "papershelf.cli.duplicate_commands",
    "papershelf.cli.export_commands",
    "papershelf.cli.backup_commands",
    "papershelf.cli.lookup_commands",
    "papershelf.cli.config_commands",
    "papershelf.cli.gui_commands",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="papershelf",
        description="Papershelf: turn researchers' publication pages and .bib files into one clean local "
        "library. With no command, the desktop app opens.",
    )
    parser.add_argument("--version", action="version", version=f"papershelf {__version__}")
    parser.add_argument(
        "--library",
        metavar="PATH",
        help="the library file to use (default: $PAPERSHELF_LIBRARY, else the user data folder)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        gui = _gui_launcher()
        if gui is None:
            parser.print_help()
            return 0
        return gui(args)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("interrupted; the library is unchanged by the unfinished step", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `papershelf papers | head` closes the pipe early; that is not an error for the user.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


def _gui_launcher():
    try:
        from papershelf.cli.gui_commands import launch
    except ModuleNotFoundError:
        return None
    return launch


if __name__ == "__main__":
    raise SystemExit(main())
