"""Commands that fill and read the library: import, papers, authors, show, search, tags, notes, edits, trash."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import sys
import textwrap

from papershelf.cli.common import (
    CommandError,
    announce_created,
    author_json,
    check_paper_ids,
    check_query,
    choice,
    discard_if_new_and_empty,
    ids_text,
    library_before,
    open_library,
    paper_json,
    parse_ids,
    plural,
    print_json,
    run,
    venue_provenance,
)
from papershelf.importers.base import importer_names
from papershelf.model.search import QueryError
from papershelf.model.types import EDITABLE_FIELDS, Paper
from papershelf.paths import sample_pages
from papershelf.pipeline import FileReport, import_file


def register(subparsers: argparse._SubParsersAction) -> None:
    formats = ", ".join(importer_names())
    p = subparsers.add_parser(
        "import",
        help="import pages or .bib files into the library",
        description="Import publication pages (homepages, aggregator and scholarly profiles, arXiv listings) "
        f"and .bib files. Formats: {formats}. Each file is one transaction: a refused file changes nothing.",
    )
    p.add_argument("files", nargs="*", metavar="FILE", help="files to import")
    p.add_argument("--samples", action="store_true", help="import the bundled sample pages")
    p.add_argument("--owner", metavar="NAME", help="whose list it is (for listings that name nobody)")
    # Lower-cased, not a `choices` list: an unknown name stays the per-file refusal the import report gives.
    p.add_argument(
        "--format", dest="format_name", metavar="NAME", type=str.lower, help=f"skip detection; one of: {formats}"
    )
    p.add_argument("--as-of", metavar="DATE", help="the page's capture date (YYYY-MM-DD), for dates without year")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="show what the import would do (new papers, joins with existing ones, duplicates to review) and "
        "write nothing",
    )
    p.set_defaults(func=run(cmd_import))

    p = subparsers.add_parser("papers", help="list papers", description="List the papers of the library.")
    _filters(p)
    p.add_argument("--json", action="store_true", help="a JSON array with every field and the provenance")
    p.set_defaults(func=run(cmd_papers))

    p = subparsers.add_parser(
        "search",
        help="full-text search",
        description=(
            "Search titles, abstracts, authors, tags and notes. Filters: author:NAME title:WORDS tag:TAG venue:NAME "
            "year:2019..2021 key:CITEKEY."
        ),
    )
    p.add_argument("query", nargs="+", help="words and filters")
    p.add_argument("--json", action="store_true", help="a JSON array of the papers found")
    p.set_defaults(func=run(cmd_search))

    p = subparsers.add_parser("authors", help="list authors", description="List people with their paper counts.")
    p.add_argument("query", nargs="?", help="only authors whose names match")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run(cmd_authors))

    p = subparsers.add_parser("show", help="one paper with its provenance", description="Show one paper.")
    p.add_argument("id", type=int)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run(cmd_show))

    p = subparsers.add_parser(
        "author",
        help="one author with profile, variants and papers",
        description="Show one person: what the pages say about them, the names they are written under, "
        "co-authors and papers. Give the id from `papershelf authors`, or a name: one match is shown, several "
        "are listed.",
    )
    p.add_argument("person", metavar="ID_OR_NAME", help="an author id, or a name (any of the person's names)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run(cmd_author))

    p = subparsers.add_parser("sources", help="imported files", description="List imported files.")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run(cmd_sources))

    p = subparsers.add_parser(
        "tags", help="list tags with counts", description="List the tags with their paper counts and colours."
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run(cmd_tags))

    p = subparsers.add_parser(
        "tag",
        help="add a tag to papers (or --remove it)",
        description='Add TAG to the papers (or take it off with --remove): papershelf tag "to read" 7 14 17. '
        "Every id is checked first: an unknown id changes nothing.",
    )
    p.add_argument("tag", help="the tag (quote it if it has spaces)")
    p.add_argument("ids", nargs="+", metavar="ID", help="paper ids: 7 14 17 or 7,14,17")
    p.add_argument("--remove", action="store_true", help="remove the tag instead")
    p.set_defaults(func=run(cmd_tag))

    p = subparsers.add_parser(
        "note",
        help="set a paper's note (Markdown); '-' reads standard input",
        description="Set the Markdown note of paper ID to TEXT, replacing the note it had. TEXT '-' reads the "
        "note from standard input: papershelf note 7 - < notes.md",
    )
    p.add_argument("id", type=int)
    p.add_argument("text", help="the note; - reads it from standard input")
    p.set_defaults(func=run(cmd_note))

    p = subparsers.add_parser(
        "edit",
        help="edit a paper's fields; edits survive re-imports",
        description="Edit fields: "
        + ", ".join(EDITABLE_FIELDS)
        + ', authors (BibTeX style: authors="Lin, Junyang and Yang, An"), authors_complete (yes/no)'
        + ", bib_type (the .bib entry type: bib_type=phdthesis) and any field of the .bib entry as bib.NAME"
        + " (bib.school=MIT, bib.basefilename=x)"
        + ". FIELD= (empty) gives the field back to the sources.",
    )
    p.add_argument("id", type=int)
    p.add_argument("assignments", nargs="+", metavar="FIELD=VALUE")
    p.set_defaults(func=run(cmd_edit))

    p = subparsers.add_parser(
        "delete",
        help="move papers to the trash",
        description="Move papers to the trash; their tags, notes and provenance stay, and `papershelf "
        "restore-papers` brings them back. Every id is checked first: an unknown id changes nothing.",
    )
    p.add_argument("ids", nargs="+", metavar="ID", help="paper ids: 7 14 17 or 7,14,17")
    p.set_defaults(func=run(cmd_delete))

    p = subparsers.add_parser(
        "restore-papers",
        help="bring papers back from the trash",
        description="Bring papers back from the trash (`papershelf papers --trash` lists it) with their tags "
        "and notes. Every id is checked first: an unknown id changes nothing.",
    )
    p.add_argument("ids", nargs="+", metavar="ID", help="paper ids: 7 14 17 or 7,14,17")
    p.set_defaults(func=run(cmd_restore_papers))


def _filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--tag", help="only papers with this tag")
    p.add_argument("--author", metavar="NAME", help="only papers by this person (any of their names)")
    p.add_argument("--query", "-q", help="a search string (see `papershelf search --help`)")
    p.add_argument("--ids", nargs="+", metavar="ID", help="only these paper ids (7,14,17 or 7 14 17)")
    p.add_argument("--trash", action="store_true", help="papers in the trash")
    sorts = ("added", "title", "year", "venue", "authors", "citekey")
    p.add_argument("--sort", default="added", type=choice(*sorts), metavar="{" + ",".join(sorts) + "}")


def _progress_printer():
    if not sys.stderr.isatty():
        return None

    def show(file: str, done: int, total: int) -> None:
        width = 30
        filled = int(width * done / max(total, 1))
        sys.stderr.write(f"\r{file[:30]:30} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            sys.stderr.write("\r" + " " * 75 + "\r")
        sys.stderr.flush()

    return show


def cmd_import(args: argparse.Namespace) -> int:
    """Import each file in its own transaction and report per file; exit 1 if any file was refused."""
    files = list(args.files)
    if args.samples:
        files.extend(str(p) for p in sample_pages())
    if not files:
        raise CommandError("name at least one file to import (or --samples for the bundled sample pages)")
    as_of = None
    if args.as_of:
        try:
            as_of = dt.date.fromisoformat(args.as_of)
        except ValueError:
            raise CommandError(f"--as-of wants a date like 2025-06-30, not {args.as_of!r}") from None
    before = library_before(args)
    library = open_library(args, create=True, announce=False)
    reports: list[FileReport] = []
    dry_run = bool(getattr(args, "dry_run", False))
    progress = None if args.json or dry_run else _progress_printer()
    try:
        for file in files:
            report = import_file(
                library,
                file,
                format_name=args.format_name,
                as_of=as_of,
                owner=args.owner,
                progress=progress,
                confirm=(lambda _report, _plan: False) if dry_run else None,
            )
            reports.append(report)
            if args.json:
                continue
            if dry_run:
                _print_plan(report)
            else:
                _print_report(report)
    finally:
        # Refused files leave no trace: not even the empty library a first import would have created (nor does
        # a dry run, which writes nothing).
        discarded = (dry_run or not any(r.ok for r in reports)) and discard_if_new_and_empty(library, before)
    if discarded and dry_run:
        print(f"note: a dry run; the new library {before.path} was not kept", file=sys.stderr)
    elif discarded:
        print(f"note: nothing was imported, so the new library {before.path} was not kept", file=sys.stderr)
    elif library.created:
        announce_created(library)
    if args.json:
        print_json([r.as_dict() for r in reports])
    elif dry_run:
        print("dry run: nothing was written.")
    elif len(reports) > 1:
        ok = [r for r in reports if r.ok]
        held = "no new library was kept" if discarded else f"the library has {plural(library.count_papers(), 'paper')}"
        print(f"{len(ok)} of {plural(len(reports), 'file')} imported; {held}.")
    return 1 if any(not r.ok for r in reports) else 0


def _print_plan(report: FileReport) -> None:
    """What importing the file would do (`import --dry-run`): the plan's counts, then each join and review."""
    if not report.ok:
        print(f"error: {report.error}", file=sys.stderr)
        return
    if report.same_file or report.plan is None:
        print(f"{report.file}: already imported, nothing would change ({plural(report.unchanged, 'paper')}).")
        return
    plan = report.plan
    owner = f", owner {report.owner}" + (" (a new person)" if plan.new_owner else "") if report.owner else ""
    print(f"{report.file}: {report.format}{owner}; {plural(report.found, 'paper')} found")
    print(f"  would import: {plan.summary()}")
    print(f"  people on new papers: {plan.existing_people} already in the library, {plan.new_people} new")
    for step in plan.records_plan:
        if step.kind in ("join", "suggest") and step.match is not None:
            title = getattr(plan.records[step.index], "title", None) or "(untitled)"
            verb = "joins paper" if step.kind == "join" else "to review against paper"
            print(f"  line {step.line}: {title} {verb} {step.match.paper_id} ({'; '.join(step.evidence)})")


def _left_as_they_were(report: FileReport) -> str:
    """How many of the joined papers the file left exactly as they were: a file read back (our own export)
    joins every paper and changes none, and the report must say so rather than look like a merge."""
    if not report.merged:
        return ""
    if report.merged_unchanged == len(report.merged):
        return " (none of them changed)" if len(report.merged) > 1 else " (not changed)"
    return f" ({report.merged_unchanged} of them not changed)" if report.merged_unchanged else ""


def _print_report(report: FileReport) -> None:
    if not report.ok:
        print(f"error: {report.error}", file=sys.stderr)
        return
    if report.same_file:
        print(f"{report.file}: already imported, nothing changed ({plural(report.unchanged, 'paper')}).")
        return
    claimed = ""
    if report.claimed is not None:
        claimed = f" (the page claims {report.claimed})" if report.claimed != report.found else " (as claimed)"
    owner = f", owner {report.owner}" if report.owner else ""
    print(f"{report.file}: {report.format}{owner}; {plural(report.found, 'paper')} found{claimed}")
    print(
        f"  new {report.new}, merged with existing {len(report.merged)}{_left_as_they_were(report)}, "
        f"updated {report.updated}"
        + (f" ({report.reowned} by the change of owner)" if report.reowned else "")
        + f", unchanged {report.unchanged}"
        + (f", possible duplicates to review {report.suggested}" if report.suggested else "")
    )
    if report.years_guessed:
        basis = f"the capture date {report.as_of}" if report.as_of else "the page's latest full date (no --as-of)"
        print(
            f"  {report.years_guessed} date(s) shown without a year: the year is a guess from {basis}, "
            "marked with ? in `papers`"
        )
    for warning in report.warnings:
        where = f", line {warning.line}" if warning.line else ""  # a whole-page note (the general reader's summary)
        print(f"  warning: {report.file}{where}: {warning.message}")


def _paper_ids(library, args: argparse.Namespace) -> list[int]:
    if args.ids:
        return check_paper_ids(library, parse_ids(args.ids), writing=False)
    if args.author:
        found = library.find_authors(args.author)
        if not found:
            raise CommandError(f"no author called {args.author!r}")
        author_ids = [a.id for a in found]
        ids: list[int] = []
        for author_id in author_ids:
            ids.extend(
                i
                for i in library.paper_ids(author_id=author_id, tag=args.tag, query=args.query, order_by=args.sort)
                if i not in ids
            )
        return ids
    try:
        return library.paper_ids(
            tag=args.tag, query=args.query, view="trash" if args.trash else "all", order_by=args.sort
        )
    except QueryError as error:
        raise CommandError(str(error)) from None


def cmd_papers(args: argparse.Namespace) -> int:
    check_query(args.query)
    library = open_library(args)
    ids = _paper_ids(library, args)
    if args.json:
        print_json([paper_json(library.get_paper(i)) for i in ids])
        return 0
    for paper in library.iter_papers(ids):
        _print_paper_line(paper)
    print(plural(len(ids), "paper"), file=sys.stderr)
    return 0


def _shorten_authors(paper, limit: int = 3) -> str:
    names = paper.author_names()
    if not names and paper.extra_authors:
        # As exported ("Dong, Li and others"): the page's owner is an author, the rest of the list is unknown.
        return ", ".join(ref.name for ref in paper.extra_authors) + " et al. (the page lists no authors)"
    if not names:
        # An edited volume: its editors, as a reference list names them ("Ed. One, Ed. Two (eds.)").
        from papershelf.exporters.declared_entry import contributors, display_name

        editors = [display_name(c) for c in contributors(paper, "editor")]
        if editors:
            return ", ".join(editors[:limit]) + (" et al." if len(editors) > limit else "") + " (eds.)"
        return "(authors not listed)"
    text = ", ".join(names[:limit])
    if len(names) > limit or not paper.authors_complete:
        text += " et al."
    return text


def _print_paper_line(paper) -> None:
    # A year a page did not state (only "Mar 15" with the capture date) is marked as the guess it is.
    year = f"{paper.year}?" if paper.year_inferred else f"{paper.year or '----'} "
    venue = f" [{paper.venue}]" if paper.venue else ""
    print(f"{paper.id:>5}  {year} {paper.citekey:<24} {paper.display_title}{venue}")
    print(f"       {_shorten_authors(paper)}" + (f"  #{' #'.join(paper.tags)}" if paper.tags else ""))


def cmd_search(args: argparse.Namespace) -> int:
    check_query(" ".join(args.query), "search: ")
    library = open_library(args)
    try:
        ids = library.search(" ".join(args.query))
    except QueryError as error:
        raise CommandError(f"search: {error}") from None
    if args.json:
        print_json([paper_json(p) for p in library.get_papers(ids)])
        return 0
    for paper in library.iter_papers(ids):
        _print_paper_line(paper)
    print(plural(len(ids), "paper"), file=sys.stderr)
    return 0


def cmd_authors(args: argparse.Namespace) -> int:
    library = open_library(args)
    authors = library.list_authors(args.query, order_by="papers")
    if args.json:
        print_json([author_json(a) for a in authors])
        return 0
    for author in authors:
        variants = f"  (also: {'; '.join(author.variants)})" if author.variants else ""
        count = plural(author.paper_count, "paper")
        print(f"{author.id:>5}  {count:>11}  {author.name}{variants}")
    print(plural(len(authors), "author"), file=sys.stderr)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    library = open_library(args)
    [paper_id] = check_paper_ids(library, [args.id], writing=False)
    paper = library.get_paper(paper_id)
    if args.json:
        data = paper_json(paper, records=True)
        data["bib_type"] = paper.bib_type
        data["bib_fields"] = [dataclasses.asdict(f) for f in paper.bib_fields]
        print_json(data)
        return 0
    print(paper.display_title)
    print(_shorten_authors(paper, limit=len(paper.authors)))
    if paper.extra_authors:
        print("also by: " + ", ".join(ref.name for ref in paper.extra_authors))
    for label, value in (
        ("venue", paper.venue),
        ("venue from", venue_provenance(paper)),
        ("year", f"{paper.year} (a guess: the page gave no year)" if paper.year_inferred else paper.year),
        ("date", paper.date),
        ("volume", paper.volume),
        ("number", paper.number),
        ("pages", paper.pages),
        ("publisher", paper.publisher),
        ("type", paper.entry_type),
        ("arXiv", paper.arxiv_id),
        ("DOI", paper.doi),
        ("key", paper.citekey),
        ("comments", paper.comments),
        ("journal ref", paper.journal_ref),
        ("tags", ", ".join(paper.tags)),
    ):
        if value:
            print(f"{label:>12}: {value}")
    for link in paper.links:
        print(f"{link.get('kind', 'link'):>12}: {link.get('url')}")
    from papershelf.model.linked_files import linked_files

    for linked in linked_files(paper):
        where = str(linked.path) if linked.path is not None else f"{linked.written} (not found on this computer)"
        print(f"{(linked.kind or 'file'):>12}: {where}")
    _print_bib_entry(paper)
    if paper.abstract:
        print()
        print(textwrap.fill(paper.abstract, 100))
    if paper.remarks:
        print("\nthe page says:\n" + textwrap.fill(paper.remarks, 100))
    if paper.note:
        print("\nnote:\n" + paper.note)
    print("\nsources:")
    for claim in paper.sources:
        print(f"  {claim.file} ({claim.format}), line {claim.line}")
    return 0


def _print_bib_entry(paper: Paper) -> None:
    """The .bib entry as the library holds it: its type and every field, decoded, the user's edits marked."""
    if not paper.bib_type and not paper.bib_fields:
        return
    edited = " (edited)" if "bib_type" in paper.edited_fields else ""
    print(f"\n.bib entry: @{paper.bib_type or 'misc'}{edited}")
    width = max((len(f.name) for f in paper.bib_fields), default=0)
    for bib_field in paper.bib_fields:
        text = " ".join(bib_field.text.split())
        if len(text) > 100:
            text = text[:99] + "…"
        print(f"  {bib_field.name:>{width}} = {text}" + ("  (edited)" if bib_field.edited else ""))


def cmd_author(args: argparse.Namespace) -> int:
    library = open_library(args)
    author = library.get_author(_one_author(library, args.person))
    if args.json:
        data = author_json(author)
        data["profiles"] = [{k: getattr(p, k) for k in p.__dataclass_fields__} for p in author.profiles]
        data["coauthors"] = [{"id": a.id, "name": a.name, "shared": n} for a, n in library.coauthors(author.id)]
        data["papers"] = library.paper_ids(author_id=author.id)
        print_json(data)
        return 0
    print(f"{author.name}  ({plural(author.paper_count, 'paper')})")
    if author.variants:
        print("also written: " + "; ".join(author.variants))
    for profile in author.profiles:
        print(f"  from {profile.file}:")
        for label in ("position", "affiliation", "email", "h_index", "citation_count", "paper_count"):
            value = getattr(profile, label)
            if value not in (None, ""):
                print(f"    {label.replace('_', ' ')}: {value}")
        if profile.interests:
            print("    interests: " + ", ".join(profile.interests))
    coauthors = library.coauthors(author.id)[:10]
    if coauthors:
        print("co-authors: " + ", ".join(f"{a.name} ({n})" for a, n in coauthors))
    for paper in library.iter_papers(library.paper_ids(author_id=author.id, order_by="year", descending=True)):
        _print_paper_line(paper)
    return 0


def cmd_sources(args: argparse.Namespace) -> int:
    library = open_library(args)
    sources = library.list_sources()
    if args.json:
        print_json([{k: getattr(s, k) for k in s.__dataclass_fields__} for s in sources])
        return 0
    for s in sources:
        claimed = f" of {s.claimed_count} claimed" if s.claimed_count is not None else ""
        print(
            f"{s.id:>4}  {s.file}  [{s.format}]  owner: {s.owner_name or '-'}  {plural(s.paper_count, 'paper')}"
            f"{claimed}"
            f"  imported {s.imported_at[:19]}"
            + (f"  (earlier: {', '.join(s.earlier_files)})" if s.earlier_files else "")
        )
    return 0


def cmd_tags(args: argparse.Namespace) -> int:
    library = open_library(args)
    tags = library.list_tags()
    if args.json:
        print_json([{"name": t.name, "colour": t.colour, "paper_count": t.paper_count} for t in tags])
        return 0
    for t in tags:
        print(f"{t.paper_count:>5}  {t.name}  {t.colour}")
    return 0


def cmd_tag(args: argparse.Namespace) -> int:
    library = open_library(args)
    ids = check_paper_ids(library, parse_ids(args.ids), writing=True)
    if args.remove:
        if args.tag.strip().lower() not in {tag.name.lower() for tag in library.list_tags()}:
            raise CommandError(f"there is no tag {args.tag!r} (papershelf tags lists them); nothing was changed")
        changed = library.remove_tag(ids, args.tag).paper_ids
        print(f"tag {args.tag!r} removed from {plural(len(changed), 'paper')}", end="")
        rest = f"; {len(ids) - len(changed)} did not have it" if len(changed) < len(ids) else ""
    else:
        changed = library.add_tag(ids, args.tag).paper_ids
        print(f"tag {args.tag!r} added to {plural(len(changed), 'paper')}", end="")
        rest = f"; {len(ids) - len(changed)} already had it" if len(changed) < len(ids) else ""
    print(rest)
    return 0


def cmd_note(args: argparse.Namespace) -> int:
    library = open_library(args)
    [paper_id] = check_paper_ids(library, [args.id], writing=True)
    text = sys.stdin.read() if args.text == "-" else args.text
    library.set_note(paper_id, text)
    return 0


def cmd_edit(args: argparse.Namespace) -> int:
    library = open_library(args)
    [paper_id] = check_paper_ids(library, [args.id], writing=True)
    editable = (*EDITABLE_FIELDS, "authors", "authors_complete", "bib_type")
    fields: dict[str, object] = {}
    bib_fields: dict[str, str | None] = {}
    for assignment in args.assignments:
        name, sep, value = assignment.partition("=")
        if not sep:
            raise CommandError(f"write edits as FIELD=VALUE, not {assignment!r}")
        if name.startswith("bib."):
            bib_fields[name[4:]] = value or None
            continue
        if name not in editable:
            raise CommandError(f"{name!r} cannot be edited; fields: {', '.join(editable)}")
        if name == "year" and value and not value.isdigit():
            raise CommandError(f"year must be a number, not {value!r}")
        if value == "":
            fields[name] = None
        elif name == "authors":
            # BibTeX's own way of writing a list: "Lin, Junyang and Yang, An".
            fields[name] = [n.strip() for n in " ".join(value.split()).split(" and ") if n.strip()]
        elif name == "authors_complete":
            if value.lower() not in ("yes", "no", "true", "false", "1", "0"):
                raise CommandError(f"authors_complete is yes or no, not {value!r}")
            fields[name] = value.lower() in ("yes", "true", "1")
        else:
            fields[name] = value
    with library.transaction():  # all of one command's edits, or none
        if fields:
            library.edit_paper(paper_id, **fields)
        if bib_fields:
            library.edit_bib_fields(paper_id, bib_fields)
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    library = open_library(args)
    ids = check_paper_ids(library, parse_ids(args.ids), writing=True)
    trash = set(library.paper_ids(view="trash"))
    moving = [i for i in ids if i not in trash]
    if moving:
        library.delete_papers(moving)
    print(f"{plural(len(moving), 'paper')} moved to the trash (restore with `papershelf restore-papers IDS`)")
    _say_left_alone([i for i in ids if i in trash], "already in the trash")
    return 0


def cmd_restore_papers(args: argparse.Namespace) -> int:
    library = open_library(args)
    ids = check_paper_ids(library, parse_ids(args.ids), writing=True)
    trash = set(library.paper_ids(view="trash"))
    restoring = [i for i in ids if i in trash]
    if restoring:
        library.restore_papers(restoring)
    print(f"{plural(len(restoring), 'paper')} restored from the trash")
    _say_left_alone([i for i in ids if i not in trash], "not in the trash")
    return 0


def _say_left_alone(ids: list[int], why: str) -> None:
    if ids:
        were = f"paper {ids[0]} was" if len(ids) == 1 else f"papers {ids_text(ids)} were"
        print(f"{were} {why}: left as {'it was' if len(ids) == 1 else 'they were'}")


def _one_author(library, text: str) -> int:
    """An author id, or the one person a name finds; several people are listed for the user to choose."""
    text = text.strip()
    if not text:
        raise CommandError("name an author by id or by name (papershelf authors lists them)")
    if text.isdigit():
        return int(text)
    found = library.find_authors(text)
    if not found:
        raise CommandError(f"no author called {text!r} (papershelf authors lists them)")
    if len(found) > 1:
        lines = "\n".join(f"{a.id:>7}  {a.name}  ({plural(a.paper_count, 'paper')})" for a in found[:20])
        more = f"\n   … and {len(found) - 20} more" if len(found) > 20 else ""
        raise CommandError(
            f"{len(found)} people match {text!r}; name one by its id (papershelf author ID):\n{lines}{more}"
        )
    return found[0].id
