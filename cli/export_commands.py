"""Commands that cite: export, key, rekey and autoexport (files kept in sync with the library)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from papershelf.cli.common import (
    CommandError,
    check_paper_ids,
    check_query,
    choice,
    open_library,
    parse_ids,
    plural,
    print_json,
    run,
)
from papershelf.exporters import autoexport
from papershelf.exporters.bibtex import CROSSREF_MODES
from papershelf.exporters.formats import FORMATS, bib_sources, export_papers, write_atomic
from papershelf.model.citekeys import PatternError
from papershelf.model.keys import apply_rekey, key_pattern, preview_rekey, set_key_pattern
from papershelf.model.library import Library
from papershelf.model.search import QueryError


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "export",
        help="export papers as BibTeX, biblatex, CSL-JSON or RIS",
        description="Export the library, a tag, an author's papers, a search or chosen ids. bibtex is ASCII for "
        "pdflatex + bibtex; biblatex is UTF-8 for biber. Characters a format cannot carry are listed on "
        "standard error, never dropped in silence.",
    )
    p.add_argument("--format", "-f", default="bibtex", type=choice(*FORMATS), metavar="{" + ",".join(FORMATS) + "}")
    p.add_argument("--tag", help="only papers with this tag")
    p.add_argument("--author", metavar="NAME", help="only papers by this person (any of their names)")
    p.add_argument("--ids", nargs="+", metavar="ID", help="only these paper ids (7,14,17 or 7 14 17)")
    p.add_argument("--query", "-q", help="only papers matching this search")
    p.add_argument("--output", "-o", metavar="FILE", help="write to FILE (atomically) instead of standard output")
    p.add_argument("--no-abstracts", action="store_true", help="leave abstracts out")
    p.add_argument(
        "--strings",
        action="store_true",
        help="bibtex/biblatex: write fields that used an @string macro with it (journal = j-TUGboat), after the "
        "@string blocks of the .bib files the papers came from; without it, values are written expanded",
    )
    p.add_argument(
        "--biblatex-names",
        action="store_true",
        help="biblatex: write BibTeX's types and fields under biblatex's own names (@phdthesis as @thesis with "
        "type, journal as journaltitle, address as location, school as institution, year and month as date); "
        "without it they stay as the .bib wrote them, which biber reads as aliases",
    )
    p.add_argument(
        "--crossref",
        type=choice(*CROSSREF_MODES),
        default="keep",
        metavar="{" + ",".join(CROSSREF_MODES) + "}",
        help="bibtex/biblatex: keep crossref fields and write each parent after the entries citing it (the "
        "default; parents outside the selection are added), or inherit the parent's fields into each child",
    )
    p.add_argument(
        "--report",
        type=choice("text", "json", "none"),
        default="text",
        metavar="{text,json,none}",
        help="how to show the report",
    )
    p.set_defaults(func=run(cmd_export))

    p = subparsers.add_parser(
        "key",
        help="print a paper's citation key (or set it with --set)",
        description="Print the citation key of paper ID. With --set KEY, give it that key instead; the old key "
        "stays valid as an alias (biblatex `ids`), so documents citing it still resolve.",
    )
    p.add_argument("id", type=int)
    p.add_argument("--set", metavar="KEY", help="give the paper this key; the old one stays as an alias")
    p.set_defaults(func=run(cmd_key))

    p = subparsers.add_parser(
        "rekey",
        help="regenerate citation keys from a pattern (preview first)",
        description="Keys never change on their own. rekey makes new keys from a pattern such as "
        "[auth:lower][year][shorttitle]; old keys stay as aliases (biblatex `ids`), so documents citing "
        "them still resolve. --preview shows the changes and writes nothing.",
    )
    p.add_argument("--preview", action="store_true", help="show what would change; change nothing")
    p.add_argument("--ids", nargs="+", metavar="ID", help="only these paper ids (default: every paper)")
    p.add_argument("--pattern", help="the key pattern (default: the library's, else [auth:lower][year][shorttitle])")
    p.add_argument("--save-pattern", action="store_true", help="also make --pattern the pattern for new papers")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run(cmd_rekey))

    p = subparsers.add_parser(
        "autoexport",
        help="files kept in sync with the library, a tag or a search",
        description="Auto-exported files are rewritten atomically, in a fixed order, whenever the library "
        "changes and only when their text changes.",
    )
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    a = sub.add_parser(
        "add",
        help="keep FILE in sync (and write it now)",
        description="Write FILE now and rewrite it whenever the library (or the tag or search) changes.",
    )
    a.add_argument("file")
    a.add_argument(
        "--format",
        "-f",
        type=choice(*FORMATS),
        metavar="{" + ",".join(FORMATS) + "}",
        help="default: from the extension (.bib means bibtex)",
    )
    a.add_argument("--tag", help="only papers with this tag")
    a.add_argument("--query", "-q", help="only papers matching this search")
    a.set_defaults(func=run(cmd_autoexport_add))
    a = sub.add_parser("list", help="the files kept in sync", description="List the files kept in sync.")
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=run(cmd_autoexport_list))
    a = sub.add_parser(
        "remove",
        help="stop keeping FILE in sync (the file stays)",
        description="Stop keeping FILE in sync; the file itself stays as it is.",
    )
    a.add_argument("file")
    a.set_defaults(func=run(cmd_autoexport_remove))
    a = sub.add_parser(
        "sync",
        help="bring every auto-exported file up to date now",
        description="Rewrite every auto-exported file whose text is out of date.",
    )
    a.set_defaults(func=run(cmd_autoexport_sync))


def _selected_ids(library: Library, args: argparse.Namespace) -> list[int]:
    if args.ids:
        return check_paper_ids(library, parse_ids(args.ids), writing=False)
    try:
        if args.tag is not None and args.tag not in {tag.name for tag in library.list_tags()}:
            # An empty file with exit status 0 would look like a tag without papers; this is a typo.
            raise CommandError(f"there is no tag {args.tag!r} (papershelf tags lists them)")
        if args.author:
            found = library.find_authors(args.author)
            if not found:
                raise CommandError(f"no author called {args.author!r}")
            ids: list[int] = []
            for author in found:
                ids.extend(
                    i for i in library.paper_ids(author_id=author.id, tag=args.tag, query=args.query) if i not in ids
                )
            return ids
        return library.paper_ids(tag=args.tag, query=args.query)
    except QueryError as error:
        raise CommandError(f"search: {error}") from None


def cmd_export(args: argparse.Namespace) -> int:
    check_query(args.query, "search: ")
    library = open_library(args, read_only=bool(args.output is None))
    ids = _selected_ids(library, args)
    if not ids:
        # A file with only the preamble and exit status 0 would pass for a successful export.
        filtered = args.tag is not None or args.author or args.query
        raise CommandError(
            ("no papers matched" if filtered else "the library has no papers to export")
            + ("; nothing was written" if args.output else "")
        )
    papers = library.get_papers(ids)
    sources = bib_sources(library, papers) if args.format in ("bibtex", "biblatex") else None
    result = export_papers(
        papers,
        args.format,
        abstracts=not args.no_abstracts,
        sources=sources,
        strings=args.strings,
        crossref=args.crossref,
        biblatex_names=args.biblatex_names,
    )
    if args.output:
        target = Path(args.output).expanduser()
        try:
            write_atomic(target, result.text)
        except OSError as error:
            raise CommandError(f"cannot write {target}: {error.strerror or error}") from None
        print(f"{plural(result.report.entries, 'entry', 'entries')} written to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(result.text)
        sys.stdout.flush()
    if args.report == "json":
        import json

        print(json.dumps(result.report.as_dict(), ensure_ascii=False), file=sys.stderr)
    elif args.report == "text":
        for line in result.report.lines():
            print(f"note: {line}", file=sys.stderr)
    return 0


def cmd_key(args: argparse.Namespace) -> int:
    library = open_library(args, read_only=not args.set)
    [paper_id] = check_paper_ids(library, [args.id], writing=bool(args.set))
    if args.set:
        autoexport.install(library)
        library.set_citekey(paper_id, args.set)
    print(library.get_paper(paper_id).citekey)
    return 0


def cmd_rekey(args: argparse.Namespace) -> int:
    library = open_library(args, read_only=bool(args.preview and not args.save_pattern))
    ids = check_paper_ids(library, parse_ids(args.ids), writing=not args.preview) if args.ids else None
    try:
        changes = preview_rekey(library, ids, args.pattern)
        if args.save_pattern:
            if not args.pattern:
                raise CommandError("--save-pattern needs --pattern")
            set_key_pattern(library, args.pattern)
    except PatternError as error:
        raise CommandError(str(error)) from None
    if args.json:
        print_json([{"id": c.paper_id, "old": c.old, "new": c.new} for c in changes])
    else:
        for change in changes:
            print(f"{change.paper_id:>5}  {change.old}  ->  {change.new}")
    if args.preview:
        print(
            f"{plural(len(changes), 'key')} would change (pattern {args.pattern or key_pattern(library)}); "
            "nothing was written",
            file=sys.stderr,
        )
        return 0
    autoexport.install(library)
    apply_rekey(library, changes)
    print(f"{plural(len(changes), 'key')} changed; the old ones stay as aliases", file=sys.stderr)
    return 0


def cmd_autoexport_add(args: argparse.Namespace) -> int:
    library = open_library(args, create=True)
    result = autoexport.add(library, args.file, fmt=args.format, tag=args.tag, query=args.query)
    if result.error:
        raise CommandError(f"{result.path} is kept in sync but could not be written: {result.error}")
    print(f"{result.path}: {plural(result.entries, 'entry', 'entries')}; kept in sync from now on")
    return 0


def cmd_autoexport_list(args: argparse.Namespace) -> int:
    library = open_library(args, read_only=True)
    rows = autoexport.list_autoexports(library)
    if args.json:
        print_json(
            [
                {
                    "path": r.path,
                    "format": r.format,
                    "tag": r.tag,
                    "query": r.query,
                    "last_written_at": r.last_written_at,
                    "last_error": r.last_error,
                }
                for r in rows
            ]
        )
        return 0
    for row in rows:
        selection = ", ".join(p for p in (f"tag {row.tag}" if row.tag else "", row.query or "") if p) or "everything"
        status = f"error: {row.last_error}" if row.last_error else f"written {row.last_written_at or 'never'}"
        print(f"{row.path}  [{row.format}; {selection}]  {status}")
    print(f"{plural(len(rows), 'auto-exported file')}", file=sys.stderr)
    return 0


def cmd_autoexport_remove(args: argparse.Namespace) -> int:
    library = open_library(args)
    if not autoexport.remove(library, args.file):
        raise CommandError(f"{args.file} is not kept in sync")
    print(f"{args.file} is no longer kept in sync (the file stays)")
    return 0


def cmd_autoexport_sync(args: argparse.Namespace) -> int:
    library = open_library(args)
    results = autoexport.sync_all(library)
    for result in results:
        if result.error:
            print(f"error: {result.path}: {result.error}", file=sys.stderr)
        else:
            state = "written" if result.written else "unchanged"
            print(f"{result.path}: {state} ({plural(result.entries, 'entry', 'entries')})")
    return 1 if any(r.error for r in results) else 0
