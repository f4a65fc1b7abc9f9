"""Commands that go online, and only when typed: `add` (papers from arXiv ids and DOIs) and `complete`
(fill incomplete records from arXiv and Crossref). The work is lookup/service.py's; this module parses
arguments and prints what happened. Exit status: 0 done, 1 some id or paper failed, 2 a usage or library error.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any

from papershelf.cli.common import CommandError, check_paper_ids, open_library, parse_ids, plural, print_json, run
from papershelf.lookup.identifiers import split_identifiers
from papershelf.lookup.service import (
    ENV_ARXIV_API,
    ENV_CONTACT,
    ENV_CROSSREF_API,
    LookupReport,
    LookupSettings,
    PaperLookup,
    add_identifiers,
    complete_records,
)
from papershelf.model.lookups import FieldChange

_NETWORK_NOTE = (
    f"Endpoints: ${ENV_ARXIV_API} and ${ENV_CROSSREF_API} (or `papershelf config lookup.arxiv_api URL` and "
    "lookup.crossref_api); give Crossref your e-mail with `papershelf config lookup.contact_email ADDRESS` (or "
    f"${ENV_CONTACT}): without one, no address is sent. arXiv is asked at most once every 3 seconds, across "
    "every papershelf you run; answers are cached in the library, so an id is asked once."
)


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "add",
        help="add papers by arXiv id or DOI (asks arXiv / Crossref)",
        description="Create papers from arXiv ids (2112.07327, hep-th/9901001, arxiv.org links) and DOIs "
        "(10.1145/…, doi.org links). An id already in the library gives that paper instead of a duplicate. "
        + _NETWORK_NOTE,
    )
    p.add_argument("identifiers", nargs="+", metavar="ID", help="arXiv ids, DOIs or their URLs")
    p.add_argument("--refresh", action="store_true", help="ask again even if the cache has an answer")
    p.add_argument("--timeout", type=float, metavar="SECONDS", help="give up on a server after this long")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=run(cmd_add))

    p = subparsers.add_parser(
        "complete",
        help="fill incomplete records from arXiv and Crossref",
        description="Look up papers that miss a title, a full author list, a year or a published venue (or the "
        "papers given with --ids) and store what arXiv and Crossref say as one more source of each. A value the "
        "paper already has is never replaced unless --accept-changes is given; your own edits always stay. "
        + _NETWORK_NOTE,
    )
    p.add_argument("--ids", nargs="+", metavar="ID", help="only these papers (default: every incomplete paper)")
    p.add_argument("--dry-run", action="store_true", help="show what each paper would gain; write nothing")
    p.add_argument(
        "--accept-changes",
        action="store_true",
        help="also take looked-up values that differ from the library's (the usual source order then decides)",
    )
    p.add_argument("--refresh", action="store_true", help="ask again even if the cache has an answer")
    p.add_argument("--timeout", type=float, metavar="SECONDS", help="give up on a server after this long")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=run(cmd_complete))


def _settings(library: Any, args: argparse.Namespace) -> LookupSettings:
    if args.timeout is not None and args.timeout <= 0:
        raise CommandError("--timeout needs a number of seconds above 0")
    return LookupSettings.resolve(library, timeout=args.timeout, refresh=args.refresh or None)


def _progress(quiet: bool):
    if quiet or not sys.stderr.isatty():
        return None

    def show(done: int, total: int, message: str) -> None:
        sys.stderr.write(f"\r\033[K[{done}/{total}] {message[:70]}")
        sys.stderr.flush()
        if done == total:
            sys.stderr.write("\r\033[K")

    return show


def cmd_add(args: argparse.Namespace) -> int:
    texts = [part for text in args.identifiers for part in split_identifiers(text)]
    if not texts:
        raise CommandError("give at least one arXiv id or DOI")
    with open_library(args, create=True) as library:
        report = add_identifiers(library, texts, settings=_settings(library, args), progress=_progress(args.json))
    if args.json:
        print_json(report.as_dict())
    else:
        for outcome in report.papers:
            _print_added(outcome, report)
        _print_totals(report, "identifier")
    if report.error:
        print(f"papershelf: {report.error}", file=sys.stderr)
        return 1
    return 0 if all(p.status in ("added", "existing", "matched") for p in report.papers) else 1


def cmd_complete(args: argparse.Namespace) -> int:
    ids = parse_ids(args.ids) if args.ids else None
    with open_library(args) as library:
        if ids is not None:
            ids = check_paper_ids(library, ids, writing=not args.dry_run)
        report = complete_records(
            library,
            ids,
            dry_run=args.dry_run,
            accept=args.accept_changes,
            settings=_settings(library, args),
            progress=_progress(args.json),
        )
    if args.json:
        print_json(report.as_dict())
    else:
        if not report.papers:
            print("no incomplete papers: nothing to look up" if ids is None else "nothing to look up")
        for outcome in report.papers:
            _print_completed(outcome, report)
        _print_totals(report, "paper")
        if report.dry_run:
            print("dry run: nothing was stored (run again without --dry-run to store it; the answers are cached)")
    if report.error:
        print(f"papershelf: {report.error}", file=sys.stderr)
        return 1
    # A service that did not answer left some papers without its answer: not a clean run, even if the other
    # service's answers were stored.
    return 1 if report.failures or report.cancelled or report.unreachable else 0


# ---------------------------------------------------------------------------------------------- printing
def _value(value: Any, limit: int = 90) -> str:
    is_list = isinstance(value, list | tuple)
    text = "; ".join(str(v) for v in value) + f" ({len(value)})" if is_list else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _change_lines(changes: list[FieldChange], mark: str) -> list[str]:
    lines = []
    for change in changes:
        if change.old in (None, "", [], ()):
            lines.append(f"    {mark} {change.field}: {_value(change.new)}")
        else:
            lines.append(f"    {mark} {change.field}: {_value(change.old, 40)} -> {_value(change.new, 60)}")
    return lines


def _message(outcome: PaperLookup, report: LookupReport) -> str:
    """A failure that is a whole service being unreachable is told once, at the end, not for every paper."""
    for service, reason in report.unreachable.items():
        if outcome.message == reason:
            return f"not looked up: {service} did not answer (see below)"
    return outcome.message


def _print_added(outcome: PaperLookup, report: LookupReport) -> None:
    where = f"#{outcome.paper_id}" if outcome.paper_id is not None else "-"
    words = {
        "added": "added",
        "existing": "in library",
        "matched": "in library",
        "not-found": "not found",
        "error": "failed",
        "invalid": "invalid",
        "skipped": "skipped",
    }
    line = f"{words.get(outcome.status, outcome.status):<10} {where:<6} {outcome.identifier}"
    if outcome.paper_id is not None:
        line += f"  {outcome.label}"
    print(line)
    if outcome.message:
        stream = sys.stderr if outcome.status in ("error", "invalid", "not-found") else sys.stdout
        print(f"    {_message(outcome, report)}", file=stream)


def _print_completed(outcome: PaperLookup, report: LookupReport) -> None:
    gained = "would gain" if report.dry_run else "gained"
    asked = f"  [{', '.join(outcome.asked)}]" if outcome.asked else ""
    print(f"#{outcome.paper_id} {outcome.label}{asked}")
    lines = _change_lines(outcome.gained, "+") + _change_lines(outcome.replaced, "~")
    if lines:
        print(f"  {gained}:")
        print("\n".join(lines))
    elif outcome.status == "unchanged":
        print("  nothing new")
    if outcome.withheld:
        print("  kept (the lookup says otherwise; --accept-changes takes it):")
        print("\n".join(_change_lines(outcome.withheld, "=")))
    if outcome.message and outcome.status in ("error", "not-found", "skipped"):
        stream = sys.stderr if outcome.status == "error" else sys.stdout
        print(f"  {outcome.status}: {_message(outcome, report)}", file=stream)
    elif outcome.message:
        print(f"  note: {_message(outcome, report)}")


def _print_totals(report: LookupReport, noun: str) -> None:
    counts = {}
    for outcome in report.papers:
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
    parts = ", ".join(f"{n} {status}" for status, n in counts.items())
    print(
        f"{plural(len(report.papers), noun)}: {parts or 'none'}; {plural(report.requests, 'network request')}, "
        f"{plural(report.cached, 'answer')} from the cache"
    )
    if report.cancelled:
        print("cancelled: nothing was written")
    stored = [] if report.dry_run or report.cancelled else [p for p in report.papers if p.gained or p.replaced]
    for reason in report.unreachable.values():
        if stored:
            # The service's own message ends "Nothing was changed": true of its request, not of this run.
            reason = _NOTHING_CHANGED.sub("", reason).rstrip(" ;,.")
        print(f"papershelf: {reason}", file=sys.stderr)
    if stored and report.unreachable:
        print(f"stored: the values gained above, for {_papers(p.paper_id for p in stored)}")
        for service, reason in report.unreachable.items():
            missed = [p.paper_id for p in report.papers if p.message == reason and p.paper_id is not None]
            if missed:
                ids = ",".join(map(str, missed))
                print(
                    f"not stored: anything from {service} for {_papers(missed)}, as it did not answer; "
                    f"`papershelf complete --ids {ids}` asks it again"
                )


_NOTHING_CHANGED = re.compile(r"[;.]?\s*nothing was changed(, try again later)?", re.IGNORECASE)


def _papers(ids) -> str:
    ids = list(ids)
    return f"paper {ids[0]}" if len(ids) == 1 else "papers " + ", ".join(map(str, ids))
