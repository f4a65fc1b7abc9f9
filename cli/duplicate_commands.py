"""Commands for the review queue and for merging: duplicates, merge, unmerge, distinct, why.

Only argument handling and printing live here; the model (model/merge.py) does the work.
"""

from __future__ import annotations

import argparse
from typing import Any

from papershelf.cli.common import (
    CommandError,
    author_json,
    check_paper_ids,
    open_library,
    paper_json,
    parse_ids,
    print_json,
    run,
)
from papershelf.model import merge
from papershelf.model.types import Author, Paper


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "duplicates",
        help="possible duplicate papers and authors, with evidence",
        description="List the review queue: pairs of papers (and of authors) that may be one, each with its score "
        "and the evidence for it. Merge a pair with `papershelf merge`, or keep it apart for good with "
        "`papershelf distinct` (a pair called distinct is never proposed again).",
    )
    p.add_argument("--papers", action="store_true", help="only papers")
    p.add_argument("--authors", action="store_true", help="only authors")
    p.add_argument("--rescan-authors", action="store_true", help="look again for name swaps and initial forms")
    p.add_argument("--json", action="store_true", help="a JSON array of suggestions with both sides")
    p.set_defaults(func=run(cmd_duplicates))

    p = subparsers.add_parser(
        "merge",
        help="merge papers (or --authors) into the first one named",
        description="Merge papers into the first id: their sources become its provenance, tags and notes are "
        "combined, and their citation keys stay valid as aliases of the kept paper's key. With --authors, merge "
        "people: every name variant is kept. Undo with `papershelf unmerge`.",
    )
    p.add_argument("ids", nargs="+", type=int, metavar="ID", help="the id to keep, then the ids to merge into it")
    p.add_argument("--authors", action="store_true", help="the ids are authors")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run(cmd_merge))

    p = subparsers.add_parser(
        "unmerge",
        help="undo a merge (also one made automatically at import)",
        description="Undo the latest merge involving ID (or the one given with --merge): both papers come back "
        "with their own sources, tags, notes, edits and keys, and the pair is remembered as distinct.",
    )
    p.add_argument("id", type=int)
    p.add_argument("--merge", type=int, metavar="N", help="the merge to undo (see `papershelf why ID`)")
    p.add_argument("--authors", action="store_true", help="the id is an author")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run(cmd_unmerge))

    p = subparsers.add_parser(
        "distinct",
        help="mark two papers (or --authors) as different, for good",
        description="Record that two papers (or two authors) are different: the pair leaves the review queue and "
        "is never proposed or joined again.",
    )
    p.add_argument("ids", nargs=2, type=int, metavar="ID")
    p.add_argument("--authors", action="store_true", help="the ids are authors")
    p.set_defaults(func=run(cmd_distinct))

    p = subparsers.add_parser(
        "split",
        help="move some of an author's papers to a new person",
        description="Split an author in two: the places written with the given names (--names), or every place "
        "on the given papers (--papers), including papers the author is known on only as a page's owner behind "
        '"et al.", move to a new person. The two are then remembered as distinct. Undo with '
        "`papershelf merge --authors`.",
    )
    p.add_argument("id", type=int, metavar="AUTHOR_ID")
    p.add_argument("--names", nargs="+", default=[], metavar="NAME", help="the names as written that move")
    p.add_argument("--papers", nargs="+", metavar="ID", help="only (or all) places on these papers (7,14 or 7 14)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run(cmd_split))

    p = subparsers.add_parser(
        "why",
        help="why a paper's (or --authors) records were merged",
        description="Show every merge into (or out of) a paper: when, whether it was automatic, which files' "
        "records joined, and the evidence.",
    )
    p.add_argument("id", type=int)
    p.add_argument("--authors", action="store_true", help="the id is an author")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run(cmd_why))


def _side_json(side: Paper | Author) -> dict[str, Any]:
    return paper_json(side) if isinstance(side, Paper) else author_json(side)


def _describe(side: Paper | Author) -> str:
    if isinstance(side, Paper):
        bits = [
            str(side.year) if side.year else "",
            side.venue or "",
            f"arXiv:{side.arxiv_id}" if side.arxiv_id else "",
        ]
        detail = ", ".join(b for b in bits if b)
        cut = len(side.authors) > 3 or (bool(side.authors) and not side.authors_complete)
        authors = ", ".join(side.author_names()[:3]) + (" et al." if cut else "")
        files = ", ".join(dict.fromkeys(claim.file for claim in side.sources))
        return (
            f"[{side.id}] {side.display_title}"
            + (f" ({detail})" if detail else "")
            + (f"\n      {authors}" if authors else "")
            + (f"\n      from {files}" if files else "")
        )
    variants = f" (also {', '.join(side.variants)})" if side.variants else ""
    return f"[{side.id}] {side.name}{variants}, {side.paper_count} paper{'s' if side.paper_count != 1 else ''}"


def cmd_duplicates(args: argparse.Namespace) -> int:
    kind = "paper" if args.papers and not args.authors else "author" if args.authors and not args.papers else None
    library = open_library(args, read_only=not args.rescan_authors)
    if args.rescan_authors:
        merge.author_suggestions(library)
    suggestions = merge.open_suggestions(library, kind)
    if args.json:
        print_json(
            [
                {
                    "id": s.id,
                    "kind": s.kind,
                    "score": s.score,
                    "evidence": list(s.evidence),
                    "a": _side_json(s.a),
                    "b": _side_json(s.b),
                }
                for s in suggestions
            ]
        )
        return 0
    if not suggestions:
        print("No possible duplicates to review.")
        return 0
    for s in suggestions:
        print(f"{s.kind} {s.a.id} ~ {s.b.id}  score {s.score:.2f}")
        print(f"  a {_describe(s.a)}")
        print(f"  b {_describe(s.b)}")
        for line in s.evidence:
            print(f"    - {line}")
        flag = " --authors" if s.kind == "author" else ""
        pair = f"{s.a.id} {s.b.id}"
        print(f"  merge: papershelf merge{flag} {pair}   keep apart: papershelf distinct{flag} {pair}")
        print()
    print(f"{len(suggestions)} possible duplicate{'s' if len(suggestions) != 1 else ''} to review.")
    return 0


def cmd_merge(args: argparse.Namespace) -> int:
    if len(args.ids) < 2:
        raise CommandError("name the id to keep and at least one id to merge into it")
    library = open_library(args)
    keep, others = args.ids[0], args.ids[1:]
    if not args.authors:
        check_paper_ids(library, args.ids, writing=True)
    if args.authors:
        merge.merge_authors(library, keep, others)
        author = library.get_author(keep)
        if args.json:
            print_json(author_json(author))
        else:
            print(f"Merged {', '.join(map(str, others))} into author {keep}: {_describe(author)}")
        return 0
    merge.merge_papers(library, keep, others)
    paper = library.get_paper(keep)
    if args.json:
        print_json(paper_json(paper))
    else:
        print(f"Merged {', '.join(map(str, others))} into paper {keep}:")
        print(f"  {_describe(paper)}")
        if paper.key_aliases:
            print(f"  key {paper.citekey} (still valid: {', '.join(paper.key_aliases)})")
            # Plain BibTeX knows one key per entry: say so now, not when a document stops compiling.
            print(
                f"  with biblatex the other keys keep working (exported as `ids`); with plain BibTeX cite "
                f"{paper.citekey}, or run `papershelf key {keep} --set OLDKEY` to keep citing an older one"
            )
    return 0


def cmd_unmerge(args: argparse.Namespace) -> int:
    library = open_library(args)
    kind = "author" if args.authors else "paper"
    # A merged-away id is what unmerge is for, so only an id that never named anything is refused here.
    library.get_author(args.id) if args.authors else library.get_paper(args.id)
    unmerge = merge.unmerge_author if args.authors else merge.unmerge_paper
    change = unmerge(library, args.id, args.merge)
    ids = sorted(change.author_ids if args.authors else change.paper_ids)
    if args.json:
        sides = [library.get_author(i) for i in ids] if args.authors else [library.get_paper(i) for i in ids]
        print_json([_side_json(side) for side in sides])
        return 0
    print(f"Unmerged: {change.description}. The two {kind}s are now remembered as distinct.")
    for item in ids:
        side = library.get_author(item) if args.authors else library.get_paper(item)
        print(f"  {_describe(side)}")
    return 0


def cmd_distinct(args: argparse.Namespace) -> int:
    library = open_library(args)
    kind = "author" if args.authors else "paper"
    if not args.authors:
        check_paper_ids(library, args.ids, writing=True)
    merge.mark_distinct(library, kind, args.ids[0], args.ids[1])
    print(f"{kind.capitalize()}s {args.ids[0]} and {args.ids[1]} are distinct; they will not be proposed again.")
    return 0


def cmd_split(args: argparse.Namespace) -> int:
    papers = parse_ids(args.papers) if args.papers else None
    if not args.names and not papers:
        raise CommandError("name the variants (--names) or the papers (--papers) that belong to another person")
    library = open_library(args)
    library.get_author(args.id)
    if papers:
        papers = check_paper_ids(library, papers, writing=True)
    new_id = merge.split_author(library, args.id, args.names, papers)
    old, new = library.get_author(args.id), library.get_author(new_id)
    if args.json:
        print_json([author_json(old), author_json(new)])
        return 0
    print(f"Split author {old.id}: the moved places now belong to a new person.")
    print(f"  {_describe(old)}")
    print(f"  {_describe(new)}")
    print(f"  undo: papershelf merge --authors {old.id} {new.id}")
    return 0


def cmd_why(args: argparse.Namespace) -> int:
    library = open_library(args, read_only=True)
    kind = "author" if args.authors else "paper"
    if args.authors:
        library.get_author(args.id)
    else:
        library.get_paper(args.id)
    history = merge.merge_history(library, kind, args.id)
    if args.json:
        print_json(
            [
                {
                    "merge": m.id,
                    "kept_id": m.kept_id,
                    "merged_id": m.merged_id if m.merged_id != m.kept_id else None,
                    "automatic": m.automatic,
                    "evidence": list(m.evidence),
                    "sources": list(m.sources),
                    "created_at": m.created_at,
                    "undone_at": m.undone_at,
                }
                for m in history
            ]
        )
        return 0
    if not history:
        print(f"{kind.capitalize()} {args.id} was never merged: it stands on its own records.")
        return 0
    for m in history:
        how = "automatically at import" if m.automatic else "by you"
        if m.merged_id == m.kept_id:
            what = "a record from " + (", ".join(m.sources) or "an imported page") + f" joined {kind} {m.kept_id}"
        else:
            what = f"{kind} {m.merged_id} was merged into {m.kept_id}"
        undone = f" (undone {m.undone_at[:19]})" if m.undone_at else ""
        print(f"merge {m.id}: {what}, {how}, {m.created_at[:19]}{undone}")
        for line in m.evidence:
            print(f"    - {line}")
    return 0
