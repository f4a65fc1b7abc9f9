"""Entry point of the `papershelf` command: global options, then one sub-command module per job.

Only the module of the command given is imported (`papershelf import` never loads the exporters, the lookups or
Qt): the other modules cost 60-80 ms of imports that `import` would never use. `--help`, no
command or an unknown one load them all, so every command is listed. This module must stay light: it imports
nothing of the library itself.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Sequence

from papershelf import __version__, exiting

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
# The commands each module registers (tests/test_cli.py checks this against the modules themselves).
COMMANDS = {
    "papershelf.cli.library_commands": (
        "import",
        "papers",
        "search",
        "authors",
        "show",
        "author",
        "sources",
        "tags",
        "tag",
        "note",
        "edit",
        "delete",
        "restore-papers",
    ),
    "papershelf.cli.duplicate_commands": ("duplicates", "merge", "unmerge", "distinct", "split", "why"),
    "papershelf.cli.export_commands": ("export", "key", "rekey", "autoexport"),
    "papershelf.cli.backup_commands": ("backup", "restore", "backups", "check"),
    "papershelf.cli.lookup_commands": ("add", "complete"),
    "papershelf.cli.config_commands": ("config",),
    "papershelf.cli.gui_commands": ("screenshot",),
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser; with `command`, only the module defining that command is loaded."""
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
    wanted = [name for name in COMMAND_MODULES if command in COMMANDS.get(name, ())] or COMMAND_MODULES
    for name in wanted:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
            continue
        module.register(subparsers)
    return parser


def command_of(argv: Sequence[str]) -> str | None:
    """The command word of a command line, or None when it has none before an option such as --help."""
    arguments = iter(argv)
    for argument in arguments:
        if argument == "--library":
            next(arguments, None)
        elif not argument.startswith("-"):
            return argument
        elif not argument.startswith("--library="):
            return None  # --help, --version or a mistake: the full parser answers it
    return None


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(command_of(argv))
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


# Commands that show a window (none: the desktop app; `screenshot` renders one): Qt's own clean-up runs as they
# end, so they leave the usual way.
_WINDOWED = frozenset({None, "screenshot"})


def run() -> None:
    """The `papershelf` program: `main`, then out without tearing the interpreter down. That teardown frees
    everything the command made and every module (0.09-0.11 s after importing a 10,000-entry .bib, a thirtieth
    of the command) and nothing in it is needed: the command's libraries are closed and its output flushed
    here first. A command that fails with a traceback, and the window's commands, end the usual way."""
    argv = sys.argv[1:]
    windowed = command_of(argv) in _WINDOWED
    if not windowed:
        exiting.ending_without_teardown()
    code = main(argv)
    if windowed:
        raise SystemExit(code)
    from papershelf.cli.common import close_opened

    close_opened()
    with contextlib.suppress(BrokenPipeError):  # the reader went away (`papershelf papers | head`): no error
        sys.stdout.flush()
    with contextlib.suppress(OSError):
        sys.stderr.flush()
    os._exit(code)


def _gui_launcher():
    try:
        from papershelf.cli.gui_commands import launch
    except ModuleNotFoundError:
        return None
    return launch


if __name__ == "__main__":
    raise SystemExit(main())
