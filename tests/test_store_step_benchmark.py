"""The store-step benchmark runs end to end at a tiny size and writes its ratio; no timing is asserted (the
figures depend on the machine; benchmarks/store_step.json holds a real run's)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]


def test_store_step_benchmark_compares_with_the_same_rows(tmp_path: Path) -> None:
    out = tmp_path / "store_step.json"
    done = subprocess.run(
        [sys.executable, ROOT / "benchmarks" / "store_step.py", "--sizes", "60", "--repeats", "1", "--out", out],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    figures = json.loads(out.read_text(encoding="utf-8"))["sizes"]["60"]
    assert figures["new"] == 60
    # The bare side writes every table the import wrote, the full-text ones and the match keys included.
    rows = figures["rows"]
    assert rows["papers"] == rows["claims"] == rows["papers_fts"] == 60
    assert rows["authorships"] >= 60 and rows["authors"] == rows["authors_fts"] and rows["match_keys"] > 0
    assert figures["store_vs_bare_sql"] > 0 and figures["store_s"] > 0 and figures["bare_sql_s"] > 0
