"""Commands that keep the library safe: backup, restore, backups (list) and check.

`check` and `backups` never change anything; `restore` moves the current library aside instead of deleting it.
No SQL here: model/backup.py and model/integrity.py do the work.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from papershelf.cli.common import CommandError, open_library, plural, print_json, run
from papershelf.model import backup as backups
from papershelf.model import integrity
from papershelf.model.library import Library, LibraryError
from papershelf.paths import cloud_sync_folder, library_path


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "backup",
        help="write a checked copy of the library",
        description="Write a consistent, checked copy of the library (safe while the app is open). Without FILE "
        "it goes to the backups folder beside the library and is kept until you delete it; automatic backups "
        f"are made at most once a day when the library is opened, the last {backups.KEEP} kept.",
    )
    p.add_argument("file", nargs="?", metavar="FILE", help="where to write the copy (must not exist yet)")
    p.set_defaults(func=run(cmd_backup))

    p = subparsers.add_parser(
        "restore",
        help="replace the library with a backup",
        description="Replace the library with a backup after checking the backup. The current library is moved "
        "aside (renamed with .replaced-DATE), never deleted. Close Papershelf windows first.",
    )
    p.add_argument("file", metavar="FILE", help="a backup file, or its name in the backups folder")
    p.set_defaults(func=run(cmd_restore))

    p = subparsers.add_parser("backups", help="list the library's backups", description="List backups, newest first.")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run(cmd_backups))

    p = subparsers.add_parser(
        "check",
        help="check the library file for damage",
        description="Run SQLite's full integrity check on the library without changing it; if it is damaged, "
        "say which backup to restore.",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run(cmd_check))


def cmd_backup(args: argparse.Namespace) -> int:
    # Opened read-only: a backup only reads, and must not itself trigger the automatic one.
    library = open_library(args, read_only=True)
    try:
        # A manual copy in the backups folder is labelled, so the rolling rotation never deletes it.
        written = backups.backup(library, args.file) if args.file else backups.backup(library, label="manual")
        papers = library.count_papers()
    finally:
        library.close()
    print(f"backed up {library.path} to {written} ({plural(papers, 'paper')}, checked: ok)")
    return 0


def _find_backup(path: Path, text: str) -> Path:
    given = Path(text).expanduser()
    if given.exists():
        return given
    in_folder = backups.backup_dir(path) / text
    if in_folder.exists():
        return in_folder
    raise CommandError(f"there is no backup {text!r} (see `papershelf backups`)")


def cmd_restore(args: argparse.Namespace) -> int:
    path = library_path(args.library)
    source = _find_backup(path, args.file)
    restored = backups.restore(source, path)
    try:
        with Library.open(path) as library:  # also upgrades a backup made by an older version
            papers = library.count_papers()
    except LibraryError as error:
        raise CommandError(f"the backup was put in place but does not open: {error}") from None
    print(f"restored {path} from {source} ({plural(papers, 'paper')})")
    if restored.moved_to:
        print(f"the library it replaced was moved to {restored.moved_to} (nothing was deleted)")
    return 0


def cmd_backups(args: argparse.Namespace) -> int:
    path = library_path(args.library)
    found = backups.list_backups(path)
    aside = integrity.moved_aside(path)
    if args.json:
        print_json(
            {
                "library": str(path),
                "backups": [
                    {
                        "path": str(b),
                        "made_at": (made.isoformat() if (made := backups.made_at(b)) else None),
                        "kind": backups.label_of(b),
                        "bytes": b.stat().st_size,
                    }
                    for b in found
                ],
                "damaged_moved_aside": [str(p) for p in aside],
            }
        )
        return 0
    if not found:
        print(f"no backups of {path} yet (they are made when the library is opened, at most once a day)")
    for index, item in enumerate(found, 1):
        print(f"{index:>3}  {item}  ({backups.describe(item)})")
    for item in aside:
        print(f"damaged, moved aside: {item}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    path = library_path(args.library)
    state = integrity.inspect(path, thorough=True)
    if state.status == "missing":
        damaged = integrity.moved_aside(path)
        if damaged:
            newest = backups.newest_sound_backup(path)
            way_out = f"; restore a backup with: papershelf restore {newest}" if newest else ""
            raise CommandError(f"there is no library at {path}: it was moved aside as damaged to {damaged[0]}{way_out}")
        raise CommandError(f"there is no library at {path}")
    newest = backups.newest_sound_backup(path) if state.status != "ok" else next(iter(backups.list_backups(path)), None)
    if args.json:
        print_json(
            {
                "library": str(path),
                "status": state.status,
                "detail": state.detail,
                "version": state.version,
                "read_only": state.read_only_reason,
                "backup": str(newest) if newest else None,
            }
        )
        return 0 if state.ok or state.status == "empty" else 2
    cloud = cloud_sync_folder(path)
    if cloud:
        print(f"warning: the library is inside a cloud-sync folder ({cloud}); syncing can damage it", file=sys.stderr)
    if state.status == "empty":
        print(f"{path}: empty; it becomes a new library when first used")
        return 0
    if not state.ok:
        way_out = (
            f"The way out: papershelf restore {newest}  (the newest good backup, {backups.describe(newest)}); "
            "the damaged file is moved aside, not deleted."
            if newest
            else "There is no good backup to restore; keep the file, a data-recovery tool may still read it."
        )
        if state.status == "foreign":
            way_out = "Nothing was changed. Point --library at your library file."
        raise CommandError(
            f"{path} is {'not a Papershelf library' if state.status == 'foreign' else 'damaged'} "
            f"({state.detail}). {way_out}"
        )
    papers = integrity.paper_count(path)
    latest = f"; newest backup {newest} ({backups.describe(newest)})" if newest else "; no backups yet"
    read_only = f"; read-only: {state.read_only_reason}" if state.read_only_reason else ""
    print(
        f"{path}: ok, passes SQLite's integrity check (library version {state.version}, {plural(papers, 'paper')})"
        f"{latest}{read_only}"
    )
    return 0
