"""Running the `papershelf` command in-process and reading a library file whole, shared by the CLI tests."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from papershelf.cli.main import main


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Exit status, standard output and standard error of one command."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def dump(path: Path) -> list[tuple]:
    """Every row of every table but the full-text index's: what 'the library is unchanged' means."""
    connection = sqlite3.connect(path)
    try:
        tables = [
            r[0]
            for r in connection.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE '%fts%' ORDER BY name"
            )
        ]
        return [(t, *row) for t in tables for row in connection.execute(f"SELECT * FROM {t} ORDER BY 1")]
    finally:
        connection.close()
