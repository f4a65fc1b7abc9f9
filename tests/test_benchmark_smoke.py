"""The benchmark runs end to end at a tiny size and reports every named ratio (no timing is asserted here:
the figures depend on the machine; docs/benchmarks.md holds a real run's)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]
RATIOS = {
    "store_vs_bare_sql",
    "import_scaling",
    "reconcile_scaling",
    "search_first_page_p95_ms",
    "first_paint_scaling",
    "filter_p95_scaling",
    "import_bib_vs_parse",
    "namesake_import_ratio",
    "reimport_vs_import",
    "search_p95_vs_like_p50",
    "gui_sort_vs_sorted",
    "export_vs_bibtexparser",
    "import_vs_papis",
    "import_vs_pubs",
    "gui_rss_growth_mb",
}


def test_benchmark_writes_every_ratio_at_a_tiny_size(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    options = ["--quick", "--sizes", "30,90", "--incoming", "20", "--no-external", "--workdir", tmp_path / "work"]
    done = subprocess.run(
        [sys.executable, ROOT / "benchmarks" / "run.py", *options, "--json", out],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(out.read_text(encoding="utf-8"))
    assert set(result["ratios"]) == RATIOS
    # Everything but the external tools (skipped here) was measured at both sizes and has a number.
    measured = {name: value for name, value in result["ratios"].items() if not name.startswith("import_vs_p")}
    assert all(isinstance(value, float) for value in measured.values()), measured
    assert result["ratios"]["import_vs_papis"] is None and "skipped" in result["notes"]["import_vs_papis"]
    # A re-import of the same papers must leave papers, people and the full-text index untouched.
    for size in ("30", "90"):
        assert result["figures"][size]["reimport"]["tables_changed"] == []
        assert result["figures"][size]["reimport"]["unchanged"] == int(size)
    assert "| `import_scaling` |" in done.stdout


def test_bulk_tags_benchmark_times_every_step_and_keeps_earlier_runs(tmp_path: Path) -> None:
    out = tmp_path / "bulk.json"
    out.write_text(json.dumps({"an earlier run": {"papers": 20000}}))
    # Past the background writer's threshold, so the window's steps go through it.
    options = ["--papers", "1100", "--repeats", "1", "--window", "--label", "smoke", "--out", out]
    done = subprocess.run(
        [sys.executable, ROOT / "benchmarks" / "bulk_tags.py", *options], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(out.read_text(encoding="utf-8"))
    assert set(result) == {"an earlier run", "smoke"}
    figures = result["smoke"]["milliseconds"]
    for step in ("add tag", "undo add", "window: select all", "window: first Authors view"):
        assert isinstance(figures[step], float), step
    for step in ("add tag", "undo", "redo"):
        assert figures[f"window: {step} (shown)"] <= figures[f"window: {step} (written)"]
    assert figures["window: landing of a write (longest)"] > 0  # the writes really went through the writer
