""".bib round trip on real bibliographies (issue 13, "Round trip, measured"): import each file of the corpus in
tests/fixtures/bib/real/ into an empty library, export it again in the file's own flavour, and compare the two.

    python benchmarks/bib_roundtrip.py                      # writes benchmarks/bib_roundtrip.json and a table
    python benchmarks/bib_roundtrip.py --label main --only xampl.bib --workdir /tmp/rt

Both steps go through the `papershelf` command as a user would run them (`--library TMP import FILE`, then
`export --format FLAVOUR`). The comparison is independent of Papershelf: bibtexparser 2.x reads both files with
no middleware, this module expands `@string` macros, `#` concatenation and month names itself, and pylatexenc
decodes LaTeX. Per entry it compares the key and the entry type exactly, and every field of the source after
decoding, whitespace and brace protection aside (names as parsed name lists, `keywords` as a set, months as
numbers, verbatim fields such as `url` and `doi` undecoded). A field is kept, changed (present with another
value) or lost (absent); fields the export adds are counted apart. `latex_verbatim` counts values whose LaTeX
came back exactly as written.

Then the export is read back: into a copy of the same library (the import report must show no new and no updated
paper) and into an empty library, exported again and compared with the first export (everything must come back).
Unless --no-tex, bibtex (style plain) runs on the source and on its bibtex export, and `biber --tool
--validate-datamodel` on the source and on its biblatex export; a warning the source itself causes for the same
entry counts as the source's, any other as new.

The figures (and the first examples of every loss) go to the JSON file, one record per --label, earlier labels
kept; nothing is asserted here: tests/export/test_bib_roundtrip_real.py holds the issue's thresholds. This module
must not import Papershelf: the comparison would then share the code it checks.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import bibtexparser
from bibtexparser.middlewares.names import parse_single_name_into_parts, split_multiple_persons_names
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS = ROOT / "tests" / "fixtures" / "bib" / "real"
MANIFEST = CORPUS / "corpus.json"
DEFAULT_OUT = HERE / "bib_roundtrip.json"

KEY_GOAL = 1.0
TYPE_GOAL = 1.0
FIELD_GOAL = 0.995
EXAMPLES = 5

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
# BibTeX's styles define these twelve macros; a file may use them without an @string.
MONTH_MACROS = {
    abbreviation: full
    for abbreviation, full in zip(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        (
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ),
        strict=True,
    )
}
NAME_FIELDS = {"author", "editor", "translator", "bookauthor", "editora", "editorb", "editorc", "annotator"}
NAME_FIELDS |= {"commentator", "introduction", "foreword", "afterword", "holder", "shortauthor", "shorteditor"}
# Read by TeX as verbatim (url.sty, biblatex's verbatim fields) or by programs, never typeset as LaTeX.
VERBATIM_FIELDS = {"url", "doi", "eprint", "file", "pdf", "urldate", "isbn", "issn", "bdsk-url-1", "bdsk-url-2"}
VERBATIM_FIELDS |= {"journal-url", "bibsource", "biburl", "verba", "verbb", "verbc"}
SET_FIELDS = {"keywords"}
# Commands that act when a document compiles (issue 13): an export must neutralise them, even in a @preamble.
COMPILE_TIME = re.compile(r"\\(input|include|write18|openout|immediate|def|csname|catcode)(?![A-Za-z])|\^\^")
# Papershelf owns these (tags and notes become them on export), so they must survive above all.
OWNED_FIELDS = ("keywords", "annote")


@dataclass
class FileResult:
    file: str
    flavour: str
    label: str = ""
    entries_in: int = 0
    entries_out: int = 0
    reference_parser_skipped: list[str] = field(default_factory=list)
    keys_kept: int = 0
    keys_lost: list[str] = field(default_factory=list)
    types_kept: int = 0
    types_changed: list[dict[str, str]] = field(default_factory=list)
    fields_total: int = 0
    fields_kept: int = 0
    fields_changed: int = 0
    fields_lost: int = 0
    fields_added: int = 0
    fields_renamed: int = 0  # part of fields_lost: the value came back under another name (address -> location)
    renamed_by_field: dict[str, int] = field(default_factory=dict)
    latex_verbatim: int = 0
    lost_by_field: dict[str, int] = field(default_factory=dict)
    changed_by_field: dict[str, int] = field(default_factory=dict)
    added_by_field: dict[str, int] = field(default_factory=dict)
    first_lost: list[dict[str, str]] = field(default_factory=list)
    first_changed: list[dict[str, str]] = field(default_factory=list)
    first_added: list[dict[str, str]] = field(default_factory=list)
    owned: dict[str, dict[str, int]] = field(default_factory=dict)
    blocks: dict[str, dict[str, int]] = field(default_factory=dict)
    import_seconds: float = 0.0
    export_seconds: float = 0.0
    import_status: int = 0
    export_status: int = 0
    import_messages: str = ""
    export_notes: int = 0
    tex: dict[str, dict[str, object]] = field(default_factory=dict)
    own_export: dict[str, object] = field(default_factory=dict)
    error: str = ""

    @property
    def key_share(self) -> float:
        return self.keys_kept / self.entries_in if self.entries_in else 1.0

    @property
    def type_share(self) -> float:
        compared = self.keys_kept
        return self.types_kept / compared if compared else 1.0

    @property
    def field_share(self) -> float:
        return self.fields_kept / self.fields_total if self.fields_total else 1.0

    def summary(self) -> dict[str, object]:
        data = asdict(self)
        data["key_share"] = round(self.key_share, 5)
        data["type_share"] = round(self.type_share, 5)
        data["field_share"] = round(self.field_share, 5)
        data["meets_goals"] = self.meets_goals()
        return data

    def meets_goals(self) -> bool:
        return (
            not self.error
            and self.key_share >= KEY_GOAL
            and self.type_share >= TYPE_GOAL
            and self.field_share >= FIELD_GOAL
        )

    def explain(self) -> str:
        """What fell short, in words a failing test can print: the lost and changed fields, with examples."""
        lines = [
            f"{self.file} ({self.flavour}): keys {self.keys_kept}/{self.entries_in}, "
            f"types {self.types_kept}/{self.keys_kept}, fields kept {self.fields_kept}/{self.fields_total} "
            f"({self.field_share:.1%}; changed {self.fields_changed}, lost {self.fields_lost})"
        ]
        if self.error:
            lines.append(f"  error: {self.error}")
        if self.keys_lost:
            lines.append(f"  keys lost: {', '.join(self.keys_lost[:10])}")
        for change in self.types_changed[:EXAMPLES]:
            lines.append(f"  type of {change['key']}: @{change['before']} became @{change['after']}")
        if self.lost_by_field:
            ranked = sorted(self.lost_by_field.items(), key=lambda item: -item[1])
            lines.append("  lost fields: " + ", ".join(f"{name} ({count})" for name, count in ranked))
        if self.renamed_by_field:
            lines.append(
                "  of which written under another name: "
                + ", ".join(f"{name} ({count})" for name, count in self.renamed_by_field.items())
            )
        for loss in self.first_lost:
            lines.append(f"    {loss['key']}.{loss['field']} = {loss['before']!r} is missing")
        if self.changed_by_field:
            ranked = sorted(self.changed_by_field.items(), key=lambda item: -item[1])
            lines.append("  changed fields: " + ", ".join(f"{name} ({count})" for name, count in ranked))
        for change in self.first_changed:
            lines.append(f"    {change['key']}.{change['field']}: {change['before']!r} -> {change['after']!r}")
        return "\n".join(lines)


# -- reading a .bib independently of Papershelf ------------------------------------------------------------------


def read_text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _split_concatenation(raw: str) -> list[str]:
    """The parts of `a # "b" # {c}` at brace depth 0 and outside quotes."""
    parts, depth, quoted, start = [], 0, False, 0
    for index, char in enumerate(raw):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0:
            quoted = not quoted
        elif char == "#" and depth == 0 and not quoted:
            parts.append(raw[start:index])
            start = index + 1
    parts.append(raw[start:])
    return [part.strip() for part in parts]


def expand(raw: str, macros: dict[str, str]) -> str:
    """A field's value as BibTeX reads it: delimiters off, macros and month names expanded, parts joined."""
    out = []
    for part in _split_concatenation(raw.strip()):
        if len(part) >= 2 and ((part[0] == "{" and part[-1] == "}") or (part[0] == '"' and part[-1] == '"')):
            out.append(part[1:-1])
        elif part.isdigit():
            out.append(part)
        else:
            name = part.lower()
            out.append(macros.get(name, MONTH_MACROS.get(name, part)))
    return "".join(out)


@dataclass
class BibEntry:
    key: str
    entry_type: str
    fields: dict[str, str]  # lower-case name -> expanded LaTeX value, in the file's order


@dataclass
class BibFile:
    entries: dict[str, BibEntry]
    order: list[str]
    skipped: list[str]
    strings: int
    preambles: list[str]
    comments: list[str]


def read_bib(text: str) -> BibFile:
    library = bibtexparser.parse_string(text, parse_stack=[])
    macros: dict[str, str] = {}
    for string in library.strings:
        macros[string.key.lower()] = expand(string.value, macros)
    entries: dict[str, BibEntry] = {}
    order: list[str] = []
    for entry in library.entries:
        if entry.key in entries:
            continue
        values: dict[str, str] = {}
        for item in entry.fields:
            values.setdefault(item.key.lower(), expand(str(item.value), macros))
        entries[entry.key] = BibEntry(entry.key, entry.entry_type.lower(), values)
        order.append(entry.key)
    skipped = [f"line {block.start_line}: {type(block).__name__}" for block in library.failed_blocks]
    comments = [block.comment.strip() for block in library.comments if type(block).__name__ == "ExplicitComment"]
    preambles = [expand(block.value, macros) for block in library.preambles]
    return BibFile(entries, order, skipped, len(library.strings), preambles, comments)


# -- comparing values --------------------------------------------------------------------------------------------

# pylatexenc's own table prints nothing for \texttt{...} or \TeX, which would make "\texttt{set}" equal "" and
# hide a lost word: these print their argument or their name, as TeX does.
_TEXT_MACROS = ("texttt", "textrm", "textsf", "textbf", "textit", "textsc", "textup", "textsl", "textmd", "textnormal")
_TEXT_MACROS += ("mbox", "url")
_TEXT_MACROS += ("textsuperscript", "textsubscript")
_LOGOS = ("TeX", "LaTeX", "LaTeXe", "BibTeX", "AmS", "AMS", "ConTeXt", "XeTeX", "XeLaTeX", "LuaTeX", "METAFONT", "MF")


def _decoder() -> LatexNodes2Text:
    context = get_default_latex_context_db()
    macros = [MacroTextSpec(name, simplify_repl="%s") for name in _TEXT_MACROS]
    macros += [MacroTextSpec(name, simplify_repl=name) for name in _LOGOS]
    macros.append(MacroTextSpec("slash", simplify_repl="/"))
    context.add_context_category("bib-roundtrip", prepend=True, macros=macros)
    return LatexNodes2Text(latex_context=context, math_mode="with-delimiters", strict_latex_spaces=False)


_DECODER = _decoder()


@lru_cache(maxsize=200_000)
def decode(latex: str) -> str:
    """Unicode text of a LaTeX value, whitespace and brace protection aside."""
    try:
        text = _DECODER.latex_to_text(latex)
    except Exception:  # a value pylatexenc cannot parse is compared as written
        text = latex
    # \- (a hyphenation hint) decodes to a soft hyphen, which prints nothing.
    text = text.replace("{", "").replace("}", "").replace("\u00ad", "")
    return " ".join(unicodedata.normalize("NFC", text).split())


def _verbatim(value: str) -> str:
    value = re.sub(r"\\([%_#&$~{}])", r"\1", value)
    value = re.sub(r"\\(url|href)\s*", "", value)
    return " ".join(value.replace("{", "").replace("}", "").split())


def _month(value: str) -> str:
    text = decode(value).strip().rstrip(".").lower()
    if text.isdigit():
        return str(int(text))
    return str(MONTHS.get(text, text))


def _names(value: str) -> tuple[tuple[str, ...], ...]:
    people = []
    for person in split_multiple_persons_names(" ".join(value.split())):
        try:
            parts = parse_single_name_into_parts(person, strict=False)
        except Exception:
            people.append((decode(person),))
            continue
        people.append(tuple(decode(" ".join(part)) for part in (parts.first, parts.von, parts.last, parts.jr)))
    return tuple(people)


def normal(name: str, value: str) -> object:
    """The form two values of field `name` are compared in."""
    if name in VERBATIM_FIELDS:
        return _verbatim(value)
    if name == "month":
        return _month(value)
    if name in NAME_FIELDS:
        return _names(value)
    if name in SET_FIELDS:
        return frozenset(decode(item) for item in re.split(r"[,;]", value) if item.strip())
    return decode(value)


def _spaced(text: str) -> str:
    return " ".join(text.split())


def _shown(value: str) -> str:
    value = " ".join(value.split())
    return value if len(value) <= 120 else value[:117] + "..."


def _renamed_to(name: str, value: str, before: BibEntry, after: BibEntry) -> str:
    """The field of `after` the source didn't have that holds `value` (a lost field written under another name)."""
    wanted = decode(value)
    for other, text in after.fields.items():
        if other not in before.fields and other != name and decode(text) == wanted:
            return other
    return ""


def compare(source: BibFile, exported: BibFile, result: FileResult) -> None:
    """Fill `result` with the per-entry comparison of `source` against `exported`."""
    result.entries_in = len(source.entries)
    result.entries_out = len(exported.entries)
    result.reference_parser_skipped = source.skipped
    lost, changed, added, renamed = Counter(), Counter(), Counter(), Counter()
    owned = {name: Counter() for name in OWNED_FIELDS}
    for key in source.order:
        before = source.entries[key]
        after = exported.entries.get(key)
        if after is None:
            result.keys_lost.append(key)
            continue
        result.keys_kept += 1
        if before.entry_type == after.entry_type:
            result.types_kept += 1
        else:
            result.types_changed.append({"key": key, "before": before.entry_type, "after": after.entry_type})
        for name, value in before.fields.items():
            result.fields_total += 1
            if name in owned:
                owned[name]["total"] += 1
            if name not in after.fields:
                result.fields_lost += 1
                lost[name] += 1
                target = _renamed_to(name, value, before, after)
                if target:
                    result.fields_renamed += 1
                    renamed[f"{name} -> {target}"] += 1
                if len(result.first_lost) < EXAMPLES:
                    result.first_lost.append({"key": key, "field": name, "before": _shown(value)})
                continue
            other = after.fields[name]
            if normal(name, value) == normal(name, other):
                result.fields_kept += 1
                if name in owned:
                    owned[name]["kept"] += 1
                if " ".join(value.split()) == " ".join(other.split()):
                    result.latex_verbatim += 1
            else:
                result.fields_changed += 1
                changed[name] += 1
                if len(result.first_changed) < EXAMPLES:
                    result.first_changed.append(
                        {"key": key, "field": name, "before": _shown(value), "after": _shown(other)}
                    )
        for name, value in after.fields.items():
            if name not in before.fields:
                result.fields_added += 1
                added[name] += 1
                if len(result.first_added) < EXAMPLES:
                    result.first_added.append({"key": key, "field": name, "after": _shown(value)})
    result.lost_by_field = dict(lost.most_common())
    result.changed_by_field = dict(changed.most_common())
    result.added_by_field = dict(added.most_common())
    result.renamed_by_field = dict(renamed.most_common())
    result.owned = {name: dict(counts) for name, counts in owned.items() if counts}
    # Blocks are compared as written: a preamble is LaTeX definitions, which decode to nothing.
    preambles = {_spaced(text) for text in exported.preambles}
    comments = {_spaced(text) for text in exported.comments}
    result.blocks = {
        "strings": {"in": source.strings, "out": exported.strings},
        "preambles": {
            "in": len(source.preambles),
            "kept": sum(_spaced(p) in preambles for p in source.preambles),
            # Issue 13 wants these neutralised (and reported), so their absence is no loss.
            "neutralised": sum(_spaced(p) not in preambles and bool(COMPILE_TIME.search(p)) for p in source.preambles),
        },
        "comments": {"in": len(source.comments), "kept": sum(_spaced(c) in comments for c in source.comments)},
    }


# -- running Papershelf as a user would ------------------------------------------------------------------------


def cli_env(home: Path) -> dict[str, str]:
    """The environment of a `papershelf` run that must not touch the real user folders."""
    env = dict(os.environ)
    env.pop("PAPERSHELF_LIBRARY", None)
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CONFIG_HOME=str(home / ".config"),
        QT_QPA_PLATFORM="offscreen",
    )
    return env


def papershelf(library: Path, args: list[str], home: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    command = [sys.executable, "-m", "papershelf", "--library", str(library), *args]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=cli_env(home), cwd=home, timeout=1800)
    return done, time.perf_counter() - start


def export(library: Path, flavour: str, output: Path, home: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    return papershelf(library, ["export", "--format", flavour, "--output", str(output), "--report", "json"], home)


def round_trip(path: Path, flavour: str, workdir: Path, label: str = "") -> FileResult:
    """Import `path` into an empty library, export it in `flavour` to workdir, and compare the two files."""
    result = FileResult(file=path.name, flavour=flavour, label=label)
    folder = workdir / path.stem
    folder.mkdir(parents=True, exist_ok=True)
    home = folder / "home"
    home.mkdir(exist_ok=True)
    library = folder / "library.sqlite"
    library.unlink(missing_ok=True)
    output = folder / f"export.{flavour}.bib"
    output.unlink(missing_ok=True)
    done, result.import_seconds = papershelf(library, ["import", "--format", "bibtex", str(path)], home)
    result.import_status = done.returncode
    result.import_messages = (done.stdout + done.stderr)[-4000:]
    if done.returncode != 0:
        result.error = f"import failed ({done.returncode}): {(done.stderr or done.stdout).strip()[-500:]}"
        compare(read_bib(read_text(path)), BibFile({}, [], [], 0, [], []), result)
        return result
    done, result.export_seconds = export(library, flavour, output, home)
    result.export_status = done.returncode
    try:
        result.export_notes = len(json.loads(done.stderr or "{}").get("notes", []))
    except json.JSONDecodeError:
        result.export_notes = -1
    if done.returncode != 0 or not output.exists():
        result.error = f"export failed ({done.returncode}): {done.stderr.strip()[-500:]}"
        compare(read_bib(read_text(path)), BibFile({}, [], [], 0, [], []), result)
        return result
    compare(read_bib(read_text(path)), read_bib(read_text(output)), result)
    return result


def own_export_checks(path: Path, flavour: str, workdir: Path) -> dict[str, object]:
    """Papershelf's own export read back: into a copy of the same library (nothing may change, and the report must
    say so) and into an empty one (exported again, it must give the same entries, fields and values).

    Uses the library and export round_trip left in workdir, which stay as they were.
    """
    folder = workdir / path.stem
    home, exported = folder / "home", folder / f"export.{flavour}.bib"
    same = folder / "library-reimport.sqlite"
    shutil.copyfile(folder / "library.sqlite", same)
    out: dict[str, object] = {}
    done, _ = papershelf(same, ["import", "--json", "--format", "bibtex", str(exported)], home)
    try:
        report = json.loads(done.stdout)[0]
        out["same_library"] = {
            name: len(report[name]) if isinstance(report[name], list) else report[name]
            for name in ("found", "new", "updated", "unchanged", "merged")
        }
    except (json.JSONDecodeError, IndexError, KeyError, TypeError):
        out["same_library"] = {"error": f"status {done.returncode}: {(done.stderr or done.stdout).strip()[-500:]}"}
    if out["same_library"].get("new"):
        # Name the papers the second import added: they are the entries whose match failed.
        whole = folder / f"export-reimport.{flavour}.bib"
        export(same, flavour, whole, home)
        first = read_bib(read_text(exported)).entries
        out["same_library"]["new_keys"] = [key for key in read_bib(read_text(whole)).order if key not in first]
    empty = folder / "library-empty.sqlite"
    empty.unlink(missing_ok=True)
    again = folder / f"export-again.{flavour}.bib"
    again.unlink(missing_ok=True)
    second = FileResult(file=exported.name, flavour=flavour)
    done, _ = papershelf(empty, ["import", "--format", "bibtex", str(exported)], home)
    if done.returncode == 0:
        done, _ = export(empty, flavour, again, home)
    if done.returncode != 0 or not again.exists():
        second.error = f"status {done.returncode}: {done.stderr.strip()[-500:]}"
        out["empty_library"] = second.summary()
        return out
    compare(read_bib(read_text(exported)), read_bib(read_text(again)), second)
    out["empty_library"] = {
        name: value
        for name, value in second.summary().items()
        if name not in ("blocks", "tex", "import_messages", "reference_parser_skipped")
    }
    out["empty_library"]["explain"] = second.explain()
    return out


# -- what bibtex and biber say about a file ---------------------------------------------------------------------


@dataclass
class ToolCheck:
    """Errors and warnings of one tool on one .bib, warnings normalised so a source's and its export's compare."""

    tool: str
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    missing: str = ""  # the tool is not installed

    def new_against(self, source: ToolCheck) -> list[str]:
        """Warnings the export has that the source file itself does not cause."""
        known = Counter(source.warnings)
        new = []
        for warning in self.warnings:
            if known[warning] > 0:
                known[warning] -= 1
            else:
                new.append(warning)
        return new

    def summary(self, source: ToolCheck) -> dict[str, object]:
        new = self.new_against(source)
        return {
            "errors": self.errors[:EXAMPLES],
            "error_count": len(self.errors),
            "warnings": len(self.warnings),
            "from_source": len(self.warnings) - len(new),
            "source_warnings": len(source.warnings),
            "new": new[:20],
            "new_count": len(new),
        }


def _tool_run(command: list[str], folder: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, HOME=str(folder), max_print_line="10000")
    return subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, errors="replace", timeout=900)


def bibtex_check(bib: Path, folder: Path, style: str = "plain") -> ToolCheck:
    """Run the real bibtex on every entry of `bib` (\\nocite{*}) with `style`, reading its .blg."""
    check = ToolCheck("bibtex")
    if shutil.which("bibtex") is None:
        check.missing = "bibtex"
        return check
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(bib, folder / "refs.bib")
    (folder / "doc.aux").write_text(
        f"\\relax\n\\citation{{*}}\n\\bibstyle{{{style}}}\n\\bibdata{{refs}}\n", encoding="utf-8"
    )
    _tool_run(["bibtex", "doc"], folder)
    blg = (folder / "doc.blg").read_text(encoding="utf-8", errors="replace") if (folder / "doc.blg").exists() else ""
    for line in blg.splitlines():
        if re.search(r"---line \d+ of file|---this can't happen|I couldn't open|I found no", line):
            check.errors.append(line.strip())
        elif line.startswith("Warning--"):
            check.warnings.append(re.sub(r"\bline \d+\b", "line N", line.strip()))
    counted = re.search(r"\(There (?:was|were) (\d+) error messages?\)", blg)
    if counted and not check.errors:
        check.errors.append(counted.group(0))
    if not blg:
        check.errors.append("bibtex wrote no .blg")
    return check


def biber_check(bib: Path, folder: Path) -> ToolCheck:
    """Run `biber --tool --validate-datamodel` on `bib`: ERROR lines are errors, WARN lines warnings."""
    check = ToolCheck("biber")
    if shutil.which("biber") is None:
        check.missing = "biber"
        return check
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(bib, folder / "refs.bib")
    done = _tool_run(["biber", "--tool", "--validate-datamodel", "--output-directory", ".", "refs.bib"], folder)
    for line in (done.stdout + done.stderr).splitlines():
        if line.startswith("ERROR - "):
            check.errors.append(line.strip())
        elif line.startswith("WARN - "):
            # The same problem is named the same way whatever type the export chose for the entry.
            warning = re.sub(r" \((?:\./)?refs\.bib\)", "", line.strip())
            warning = re.sub(r" for entrytype '[^']*'", "", warning)
            # "legacy month field '10~1'" (source: 10~ # jan) and "'10~January'" (export, expanded) are one problem.
            warning = re.sub(r"legacy (\w+) field '.*' in entry", r"legacy \1 field in entry", warning)
            # Biber's parser names a temporary copy and its line numbers, which differ between source and export.
            warning = re.sub(r"BibTeX subsystem: \S+, line \d+", "BibTeX subsystem: line N", warning)
            check.warnings.append(re.sub(r"started at line \d+", "started at line N", warning))
    if done.returncode != 0 and not check.errors:
        check.errors.append(f"biber stopped with status {done.returncode}: {done.stderr.strip()[-300:]}")
    return check


def tool_checks(
    path: Path, workdir: Path, flavours: tuple[str, ...] = ("bibtex", "biblatex")
) -> dict[str, dict[str, object]]:
    """bibtex on the source and on its bibtex export, biber on the source and on its biblatex export.

    Uses the library round_trip left in workdir; the export in the other flavour is written here.
    """
    folder = workdir / path.stem
    library, home = folder / "library.sqlite", folder / "home"
    out: dict[str, dict[str, object]] = {}
    for flavour, check in (("bibtex", bibtex_check), ("biblatex", biber_check)):
        if flavour not in flavours:
            continue
        exported = folder / f"export.{flavour}.bib"
        if not exported.exists():
            done, _ = export(library, flavour, exported, home)
            if done.returncode != 0:
                out[flavour] = {"error": done.stderr.strip()[-500:]}
                continue
        source = check(path, folder / f"{flavour}-source")
        result = check(exported, folder / f"{flavour}-export")
        out[flavour] = {"missing": result.missing} if result.missing else result.summary(source)
    return out


def corpus() -> list[dict[str, str]]:
    """The corpus files with their flavour, origin and license (tests/fixtures/bib/real/corpus.json)."""
    return json.loads(MANIFEST.read_text(encoding="utf-8"))["files"]


def table(results: list[FileResult]) -> str:
    header = (
        f"{'file':<24}{'flavour':<10}{'entries':>8}{'keys':>8}{'types':>8}{'fields':>8}"
        f"{'kept':>8}{'changed':>9}{'lost':>7}{'added':>7}{'verbatim':>10}{'import s':>10}{'export s':>10}"
    )
    rows = [header, "-" * len(header)]
    for r in results:
        rows.append(
            f"{r.file:<24}{r.flavour:<10}{r.entries_in:>8}{r.key_share:>8.1%}{r.type_share:>8.1%}"
            f"{r.fields_total:>8}{r.field_share:>8.1%}{r.fields_changed:>9}{r.fields_lost:>7}{r.fields_added:>7}"
            f"{r.latex_verbatim:>10}{r.import_seconds:>10.2f}{r.export_seconds:>10.2f}"
        )
    total = sum(r.fields_total for r in results)
    kept = sum(r.fields_kept for r in results)
    rows.append(f"all fields kept: {kept}/{total} ({kept / total if total else 1:.2%}); goal >= {FIELD_GOAL:.1%}")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="JSON file to write (earlier labels kept)")
    parser.add_argument("--label", default="current", help="name of this run in the JSON file")
    parser.add_argument("--only", action="append", default=[], help="only this corpus file (repeatable)")
    parser.add_argument("--workdir", type=Path, help="keep libraries and exports here (default: a temp dir)")
    parser.add_argument("--no-tex", action="store_true", help="skip bibtex and biber on the sources and exports")
    args = parser.parse_args(argv)

    chosen = [item for item in corpus() if not args.only or item["file"] in args.only]
    with tempfile.TemporaryDirectory(prefix="bib-roundtrip-") as scratch:
        workdir = args.workdir or Path(scratch)
        results = []
        for item in chosen:
            result = round_trip(CORPUS / item["file"], item["flavour"], workdir, args.label)
            if not result.error:
                result.own_export = own_export_checks(CORPUS / item["file"], item["flavour"], workdir)
            if not args.no_tex and not result.error:
                result.tex = tool_checks(CORPUS / item["file"], workdir)
            results.append(result)
    print(table(results))
    for r in results:
        if not r.meets_goals():
            print(r.explain())
        same = r.own_export.get("same_library", {})
        if same.get("new") or same.get("updated") or "error" in same:
            print(f"  {r.file}, its export imported again into the same library: {same}")
        empty = r.own_export.get("empty_library", {})
        if empty and not empty.get("meets_goals"):
            print(f"  {r.file}, its export through an empty library and out again:\n    {empty.get('explain')}")
        for flavour, check in r.tex.items():
            if check.get("error_count") or check.get("new_count") or check.get("error"):
                print(f"  {r.file}, {flavour} export: {json.dumps(check, ensure_ascii=False)[:1500]}")

    record = {
        "label": args.label,
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": platform.platform(),
        "python": platform.python_version(),
        "goals": {"keys": KEY_GOAL, "types": TYPE_GOAL, "fields": FIELD_GOAL},
        "files": [r.summary() for r in results],
        "table": table(results).splitlines(),
    }
    runs = []
    if args.out.exists():
        runs = [
            run
            for run in json.loads(args.out.read_text(encoding="utf-8")).get("runs", [])
            if run["label"] != args.label
        ]
    runs.append(record)
    args.out.write_text(json.dumps({"runs": runs}, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
