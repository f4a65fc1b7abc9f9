"""Files that are not what they claim: each is imported correctly or refused with a message naming the file and
the reason, within seconds, without a traceback, with a non-zero exit and the library unchanged.

How: the real command line in a child process, and a dump of every row before and after.
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import random
from pathlib import Path

import pytest
from reliability_support import (
    FIXTURES,
    SEED_AS_OF,
    SEED_HOMEPAGE,
    SEED_SCHOLARLY,
    SEEDS,
    arxiv_listing,
    assert_no_traceback,
    bib_file,
    dump,
    papershelf,
)

from papershelf.importers.encoding import MAX_BYTES
from papershelf.model import Library
from papershelf.pipeline import import_file

FAST = 15  # seconds, including the child Python's start

# The homepage seed with accented names, in characters every tested encoding can hold.
ACCENTED = (
    SEED_HOMEPAGE.read_text(encoding="utf-8")
    .replace("•", "-")
    .replace("Chang Zhou", "Chang Zhöu")
    .replace("Hongxia Yang", "Hóngxia Yäng")
)
# Windows-1252's own characters (curly quotes, en dash) that Latin-1 lacks.
WINDOWS_1252 = ACCENTED.replace("Global Encoding for Abstractive", "Global “Encoding” – for Abstractive")


@pytest.fixture
def library(tmp_path: Path) -> Path:
    path = tmp_path / "library.sqlite"
    with Library.open(path) as opened:
        assert import_file(opened, SEED_HOMEPAGE, as_of=dt.date.fromisoformat(SEED_AS_OF)).ok
    return path


def _refused(library: Path, bad: Path, reason: str) -> None:
    before = dump(library)
    run = papershelf(library, "import", str(bad))
    assert_no_traceback(run)
    assert run.code != 0, run.out
    assert run.seconds < FAST
    lines = [line for line in run.err.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, run.err
    assert bad.name in lines[0] and reason in lines[0], lines[0]
    assert dump(library) == before


def _papers(library: Path) -> list[tuple]:
    with Library.open(library, read_only=True) as opened:
        return sorted(
            (p.title or "", tuple(p.author_names()), p.venue or "", p.year or 0) for p in opened.list_papers()
        )


BAD = {
    "empty": (b"", "empty"),
    "blank": (b" \n\n\t\n", "empty"),
    "binary": (b"\x89PNG\r\n\x1a\n" + random.Random(1).randbytes(6000), "binary"),
    "truncated-utf8": ((ACCENTED + "\nMore by José").encode("utf-8")[:-1], "truncated"),
    "bib-unclosed": (b"@article{x,\n title={Unclosed {{ title,\n author={A. Person},\n year={2020}\n", "BibTeX"),
    "utf16-odd-length": (ACCENTED.encode("utf-16")[:-1], f"UTF-16 (line {ACCENTED.count(chr(10)) + 1})"),
    # LaTeX nested past what its decoder can follow is kept as written, and reported, not a crash
    "tex-nested": (
        b"\\section{Publications}\n\\item " + b"{" * 5000 + b"x" + b"}" * 5000 + b"\n\\item b\n",
        "no publication list",
    ),
}


# Saved HTML was refused until issue 12; the general page reader now reads it. Both renderings of the homepage
# seed must give exactly the papers its text gives.
HTML = {
    "html": (
        "<!DOCTYPE html>\n<html><head><title>Publications</title></head><body>\n"
        + "\n".join(f"<p>{line}</p>" for line in ACCENTED.splitlines() if line.strip())
        + "\n</body></html>\n"
    ).encode(),
    "html-fragment": "".join(
        f'<div class="pub"><span>{line}</span><br></div>\n' for line in ACCENTED.splitlines()
    ).encode(),
}


@pytest.mark.parametrize("name", list(HTML))
def test_html_of_a_page_imports_the_papers_its_text_gives(tmp_path: Path, name: str) -> None:
    text_library = tmp_path / "text.sqlite"
    html_library = tmp_path / "html.sqlite"
    page = tmp_path / "page.txt"
    page.write_text(ACCENTED, encoding="utf-8")
    saved = tmp_path / f"{name}.html"
    saved.write_bytes(HTML[name])
    for library, source in ((text_library, page), (html_library, saved)):
        run = papershelf(library, "import", str(source))
        assert_no_traceback(run)
        assert run.code == 0, run.err
    assert [t for t, *_ in _papers(html_library)] == [t for t, *_ in _papers(text_library)]


@pytest.mark.parametrize("name", list(BAD))
def test_bad_file_is_refused_with_the_reason(library: Path, tmp_path: Path, name: str) -> None:
    content, reason = BAD[name]
    bad = tmp_path / (
        f"{name}.bib" if name.startswith("bib") else f"{name}.tex" if name.startswith("tex") else f"{name}.txt"
    )
    bad.write_bytes(content)
    _refused(library, bad, reason)


def test_missing_file_and_folder_are_refused(library: Path, tmp_path: Path) -> None:
    _refused(library, tmp_path / "not-there.txt", "no such file")
    folder = tmp_path / "a-folder.txt"
    folder.mkdir()
    _refused(library, folder, "folder")


def test_file_over_the_size_limit_is_refused_without_being_read(library: Path, tmp_path: Path) -> None:
    # Sparse files: instant to make, and reading even the smaller one would take far longer than allowed here.
    for size in (MAX_BYTES + 1, 64 * MAX_BYTES):
        huge = tmp_path / f"huge-{size}.txt"
        with huge.open("wb") as handle:
            handle.truncate(size)
        _refused(library, huge, "MB limit")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_endless_device_is_refused_after_reading_at_most_the_limit(library: Path) -> None:
    before = dump(library)
    run = papershelf(library, "import", "/dev/zero")
    assert_no_traceback(run)
    assert run.code != 0 and "zero" in run.err and "limit" in run.err, run.err
    assert run.seconds < FAST
    assert dump(library) == before


ENCODINGS = {
    "utf-8-bom": codecs.BOM_UTF8 + ACCENTED.encode("utf-8"),
    "utf-16-bom": ACCENTED.encode("utf-16"),
    "utf-16-be-bom": codecs.BOM_UTF16_BE + ACCENTED.encode("utf-16-be"),
    "utf-16-le-no-bom": ACCENTED.encode("utf-16-le"),
    "utf-16-be-no-bom": ACCENTED.encode("utf-16-be"),
    "latin-1": ACCENTED.encode("latin-1"),
    "crlf": ACCENTED.replace("\n", "\r\n").encode("utf-8"),
}


@pytest.mark.parametrize("name", list(ENCODINGS))
def test_other_encodings_import_exactly_as_utf8(tmp_path: Path, name: str) -> None:
    expected = tmp_path / "utf8.sqlite"
    plain = tmp_path / "utf8" / "page.txt"
    plain.parent.mkdir()
    plain.write_bytes(ACCENTED.encode("utf-8"))
    assert papershelf(expected, "import", str(plain), "--as-of", SEED_AS_OF).code == 0

    other = tmp_path / name / "page.txt"
    other.parent.mkdir()
    other.write_bytes(ENCODINGS[name])
    library = tmp_path / f"{name}.sqlite"
    run = papershelf(library, "import", str(other), "--as-of", SEED_AS_OF)
    assert_no_traceback(run)
    assert run.code == 0, run.err
    papers = _papers(library)
    assert papers == _papers(expected)
    assert any("Chang Zhöu" in p[1] for p in papers)


def test_windows_1252_is_read_with_its_own_characters(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_bytes(WINDOWS_1252.encode("cp1252"))
    library = tmp_path / "library.sqlite"
    run = papershelf(library, "import", str(page), "--as-of", SEED_AS_OF)
    assert run.code == 0, run.err
    titles = [p[0] for p in _papers(library)]
    assert any("“Encoding” – for" in t for t in titles), titles


def test_stray_latin1_bytes_in_a_utf8_file_do_not_garble_the_rest(tmp_path: Path) -> None:
    """A .bib pasted together from two sources: mostly UTF-8, one entry written in Latin-1."""
    text = bib_file(3) + "\n@article{mixed,\n title={Café Society},\n author={Müller, Hans},\n year={2001}\n}\n"
    data = text.encode("utf-8").replace("Café".encode(), "Café".encode("latin-1"))
    page = tmp_path / "mixed.bib"
    page.write_bytes(data)
    library = tmp_path / "library.sqlite"
    run = papershelf(library, "import", str(page))
    assert run.code == 0, run.err
    papers = _papers(library)
    assert ("Café Society", ("Hans Müller",), "", 2001) in papers


def test_stray_windows_bytes_after_a_utf8_bom_are_read_as_without_it(tmp_path: Path) -> None:
    """A BOM promises UTF-8, but a pasted entry may still hold Windows-1252 quotes: read as a file without BOM."""
    text = bib_file(2) + "\n@article{quoted,\n title={A \x93Quoted\x94 Title},\n author={Doe, Jane},\n year={2001}\n}\n"
    data = codecs.BOM_UTF8 + text.encode("utf-8").replace("\x93".encode(), b"\x93").replace("\x94".encode(), b"\x94")
    page = tmp_path / "bom.bib"
    page.write_bytes(data)
    library = tmp_path / "library.sqlite"
    run = papershelf(library, "import", str(page))
    assert_no_traceback(run)
    assert run.code == 0, run.err
    assert ("A “Quoted” Title", ("Jane Doe",), "", 2001) in _papers(library)


def test_bib_with_one_unbalanced_entry_imports_the_others_and_names_the_broken_one(library: Path, tmp_path: Path):
    page = tmp_path / "refs.bib"
    broken_line = 8
    page.write_text(
        "@article{good1,\n title={A Good Paper},\n author={Ada Lovelace},\n year={2020},\n journal={J. Good}\n}\n\n"
        "@article{broken,\n title={Missing {brace here},\n author={Bob Broken},\n year={2021}\n}\n\n"
        "@inproceedings{good2,\n title={Another Good One},\n author={Alan Turing},\n year={2019},\n"
        " booktitle={Proc. Good}\n}\n",
        encoding="utf-8",
    )
    run = papershelf(library, "import", str(page), "--json")
    assert_no_traceback(run)
    assert run.code == 0, run.err
    [report] = json.loads(run.out)
    assert report["new"] == 2
    assert [w["line"] for w in report["warnings"]] == [broken_line]
    titles = [p[0] for p in _papers(library)]
    assert "A Good Paper" in titles and "Another Good One" in titles
    assert not any("brace here" in t for t in titles)


def test_a_page_read_as_the_wrong_format_is_refused_and_stores_nothing(library: Path) -> None:
    """A scholarly profile read as an aggregator page once stored its chrome as an owner and 0 papers."""
    before = dump(library)
    run = papershelf(library, "import", "--format", "aggregator", str(SEED_SCHOLARLY))
    assert_no_traceback(run)
    assert run.code != 0, run.out
    assert SEED_SCHOLARLY.name in run.err and "no papers found" in run.err and "without --format" in run.err
    assert "Researcher profile" not in run.out + run.err
    assert dump(library) == before


def test_an_unknown_format_names_the_file(library: Path) -> None:
    run = papershelf(library, "import", "--format", "nope", str(SEED_SCHOLARLY))
    assert_no_traceback(run)
    assert run.code != 0
    assert SEED_SCHOLARLY.name in run.err and "<text>" not in run.err


def test_a_page_cut_off_mid_card_reports_it_and_stores_no_half_paper(tmp_path: Path) -> None:
    text = (SEEDS / "001_b8138a3e09088a1a.txt").read_text(encoding="utf-8")
    page = tmp_path / "profile.txt"
    page.write_text(text[: text.index("Active Sampler: Ligh") + len("Active Sampler: Ligh")], encoding="utf-8")
    library = tmp_path / "library.sqlite"
    run = papershelf(library, "import", str(page), "--as-of", SEED_AS_OF)
    assert_no_traceback(run)
    assert run.code == 0, run.err
    assert "32 papers found (the page claims 33)" in run.out
    assert "line 236: the page ends in the middle of this entry" in run.out
    titles = [p[0] for p in _papers(library)]
    assert len(titles) == 32 and not any(t.startswith("Active Sampler") for t in titles)


def test_an_arxiv_listing_without_owner_prints_how_to_name_one(tmp_path: Path) -> None:
    run = papershelf(tmp_path / "library.sqlite", "import", str(SEEDS / "002_3e77bbf1de03bcad.txt"))
    assert run.code == 0, run.err
    assert "line 1: the listing does not name its owner" in run.out and "--owner NAME" in run.out


def test_one_bad_file_does_not_stop_the_others(library: Path, tmp_path: Path) -> None:
    first, bad, last = tmp_path / "first.txt", tmp_path / "bad.txt", tmp_path / "last.txt"
    first.write_text(arxiv_listing(5, start=0), encoding="utf-8")
    bad.write_bytes(BAD["binary"][0])
    last.write_text(arxiv_listing(5, start=100), encoding="utf-8")
    run = papershelf(library, "import", str(first), str(bad), str(last))
    assert_no_traceback(run)
    assert run.code == 1
    assert "bad.txt" in run.err and "binary" in run.err
    assert "2 of 3 files imported" in run.out
    with Library.open(library, read_only=True) as opened:
        assert len(opened.search("setting")) == 10


@pytest.mark.slow
def test_page_with_tens_of_thousands_of_entries_imports_completely(tmp_path: Path) -> None:
    entries = 20000
    page = tmp_path / "listing.txt"
    page.write_text(arxiv_listing(entries), encoding="utf-8")
    library = tmp_path / "library.sqlite"
    run = papershelf(library, "import", str(page), "--json", timeout=600)
    assert_no_traceback(run)
    assert run.code == 0, run.err
    [report] = json.loads(run.out)
    assert (report["found"], report["new"], report["error"]) == (entries, entries, None)
    with Library.open(library, read_only=True) as opened:
        assert opened.count_papers() == entries
        assert len(opened.search("w19999x")) == 1


@pytest.mark.slow
def test_bib_with_thousands_of_entries_imports_completely(tmp_path: Path) -> None:
    entries = 4000
    page = tmp_path / "big.bib"
    page.write_text(bib_file(entries), encoding="utf-8")
    library = tmp_path / "library.sqlite"
    run = papershelf(library, "import", str(page), "--json", timeout=600)
    assert run.code == 0, run.err
    [report] = json.loads(run.out)
    assert (report["found"], report["new"]) == (entries, entries)
    with Library.open(library, read_only=True) as opened:
        assert opened.count_papers() == entries
        assert opened.paper_by_key("gen3999") is not None


# Lines built to make a reader's patterns try every way of splitting them: a pattern like "[\w-]+(?:-\w+)*" takes
# minutes on "Smith-Jones-Smith-Jones-...x" (stop 26's PubMed and Pure names did; 18 s for this page).
_ADVERSARIAL_UNITS = ("Smith-Jones-", "A.", "A. ", "Aa ", "J. Doe, ", "(x), ", "Ab, C. ", "Aa-", "A.-", " · ", " | ")


@pytest.mark.parametrize("suffix", [".txt", ".html"])
def test_lines_made_to_stall_pattern_matching_are_read_at_once(tmp_path: Path, suffix: str) -> None:
    """Not a speed goal: a page that stalls the reader never finishes, and the alarm (a minute, where reading
    takes milliseconds) turns that into a failure instead of a hung import."""
    import signal

    lines = [unit * 40 + tail for unit in _ADVERSARIAL_UNITS for tail in ("x", "!", ",", ".")]
    text = "Jane Doe\n\nPublications\n\n" + "\n\n".join(lines) + "\n"
    if suffix == ".html":
        text = "<html><body><h2>Publications</h2><ul>" + "".join(f"<li>{line}</li>" for line in lines) + "</ul>"
    page = tmp_path / f"page{suffix}"
    page.write_text(text, encoding="utf-8")

    def stalled(signum, frame):
        raise TimeoutError("the reader stalled on a line built to make its patterns backtrack")

    previous = signal.signal(signal.SIGALRM, stalled)
    signal.alarm(60)
    try:
        with Library.open(tmp_path / "library.sqlite") as library:
            report = import_file(library, page, as_of=dt.date(2026, 3, 1))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert report.ok or "no publication list" in (report.error or "")


def _mhtml(html: bytes, encoding: str) -> bytes:
    """A page as Chrome saves it as one file ("Webpage, Single File"), its HTML in `encoding`."""
    import base64
    import quopri

    body = quopri.encodestring(html) if encoding == "quoted-printable" else base64.encodebytes(html)
    head = (
        "From: <Saved by Blink>\r\nSnapshot-Content-Location: https://example.edu/~jdoe/cv.html\r\n"
        "Subject: Jane Doe\r\nMIME-Version: 1.0\r\nContent-Type: multipart/related;\r\n"
        '\ttype="text/html";\r\n\tboundary="----MultipartBoundary--abc----"\r\n\r\n\r\n'
        "------MultipartBoundary--abc----\r\nContent-Type: text/html\r\n"
        f"Content-Transfer-Encoding: {encoding}\r\nContent-Location: https://example.edu/~jdoe/cv.html\r\n\r\n"
    )
    tail = (
        "\r\n------MultipartBoundary--abc----\r\nContent-Type: text/css\r\nContent-Location: cid:css@mhtml.blink\r\n"
        "\r\nbody { font-family: serif; }\r\n------MultipartBoundary--abc------\r\n"
    )
    return head.encode() + body.replace(b"\n", b"\r\n") + tail.encode()


@pytest.mark.parametrize("encoding", ["quoted-printable", "base64"])
def test_a_page_saved_as_one_file_imports_the_papers_of_its_html(tmp_path: Path, encoding: str) -> None:
    html = (FIXTURES / "pages" / "math_cv.html").read_bytes()
    saved = tmp_path / "cv.mhtml"
    saved.write_bytes(_mhtml(html, encoding))
    (tmp_path / "cv.html").write_bytes(html)
    titles = {}
    for name in ("cv.html", "cv.mhtml"):
        with Library.open(tmp_path / f"{name}.sqlite") as library:
            report = import_file(library, tmp_path / name, as_of=dt.date(2026, 3, 1))
            assert report.ok and report.format == "page", report.error
            titles[name] = [library.get_paper(i).title for i in library.paper_ids(order_by="id")]
    assert titles["cv.mhtml"] == titles["cv.html"] and len(titles["cv.html"]) == 8


@pytest.mark.parametrize("encoding", ["quoted-printable", "base64"])
def test_a_saved_pages_papers_name_the_lines_of_the_archive(tmp_path: Path, encoding: str) -> None:
    """The reader numbers the lines of the page inside; the claims name the .mhtml's own lines, where a user
    looking for the entry finds it (quoted-printable runs a long line over several, joined by soft breaks)."""
    import quopri

    html = (FIXTURES / "pages" / "math_cv.html").read_bytes()
    archive = _mhtml(html, encoding)
    (tmp_path / "cv.mhtml").write_bytes(archive)
    (tmp_path / "cv.html").write_bytes(html)
    lines = {}
    for name in ("cv.html", "cv.mhtml"):
        with Library.open(tmp_path / f"{name}.sqlite") as library:
            assert import_file(library, tmp_path / name, as_of=dt.date(2026, 3, 1)).ok
            lines[name] = [r[0] for r in library.conn.execute("SELECT line FROM claims ORDER BY paper_id")]
    body = archive.index(b"\r\n\r\n", archive.index(b"Content-Type: text/html")) + 4
    first = archive[:body].count(b"\n") + 1  # the archive's line where the page's part begins
    if encoding == "base64":
        expected = [first if line else 0 for line in lines["cv.html"]]
    else:
        # Each line of the page, encoded alone, takes as many lines of the archive as it does in the whole.
        taken = [quopri.encodestring(line + b"\n").count(b"\n") for line in html.split(b"\n")]
        expected = [first + sum(taken[: line - 1]) if line else 0 for line in lines["cv.html"]]
        assert max(taken) > 1 and expected != lines["cv.html"]  # soft breaks move the lines
    assert lines["cv.mhtml"] == expected and any(lines["cv.mhtml"])
    if encoding == "quoted-printable":
        # The archive's line begins as the page's line the entry starts on does (both as written here).
        found = archive.decode("latin-1").split("\n")
        page = html.decode("utf-8").split("\n")
        for at_page, at_archive in zip(lines["cv.html"], lines["cv.mhtml"], strict=True):
            assert found[at_archive - 1].startswith(page[at_page - 1][:12]), (at_page, at_archive)


def test_a_saved_web_archive_without_a_page_in_it_is_refused_by_name(tmp_path: Path) -> None:
    archive = tmp_path / "empty.mhtml"
    archive.write_bytes(_mhtml(b"", "base64").replace(b"Content-Type: text/html", b"Content-Type: image/png"))
    with Library.open(tmp_path / "library.sqlite") as library:
        report = import_file(library, archive, as_of=dt.date(2026, 3, 1))
        assert not report.ok and library.count_papers() == 0
    assert "empty.mhtml" in report.error and "no HTML page" in report.error
