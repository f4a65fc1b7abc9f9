"""Shared test setup: offscreen Qt, libraries in temporary folders, the seed pages. Tests never touch the
user's real data folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Set before anything imports Qt: the suite runs on machines without a screen.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.pop("PAPERSHELF_LIBRARY", None)

from seedfiles import (
    ALL_SEEDS,
    FIXTURES,
    SEED_AGGREGATOR,
    SEED_ARXIV,
    SEED_ARXIV_JOURNAL,
    SEED_AS_OF,
    SEED_HOMEPAGE,
    SEED_SCHOLARLY,
    SEEDS,
)

__all__ = [
    "ALL_SEEDS",
    "FIXTURES",
    "SEEDS",
    "SEED_AGGREGATOR",
    "SEED_ARXIV",
    "SEED_ARXIV_JOURNAL",
    "SEED_AS_OF",
    "SEED_HOMEPAGE",
    "SEED_SCHOLARLY",
]


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.delenv("PAPERSHELF_LIBRARY", raising=False)


@pytest.fixture
def library_path(tmp_path: Path) -> Path:
    return tmp_path / "library.sqlite"


@pytest.fixture
def library(library_path: Path):
    from papershelf.model import Library

    lib = Library.open(library_path)
    yield lib
    lib.close()


@pytest.fixture
def seed_library(library):
    """A library with all five seed pages imported, as the README's first command makes it."""
    import datetime as dt

    from papershelf.pipeline import import_file

    for seed in ALL_SEEDS:
        report = import_file(library, seed, as_of=dt.date.fromisoformat(SEED_AS_OF))
        assert report.ok, report.error
    return library


def pytest_runtest_teardown(item: pytest.Item) -> None:
    # Once a window test has moved Python's collector onto the interface thread (as the app does), tests that
    # never run Qt's event loop must still collect, or cycles pile up for the rest of the session.
    import sys

    collector = sys.modules.get("papershelf.gui.main_thread_gc")
    if collector is not None:
        collector.collect_if_due()
