"""The layering rules hold: importers never see the library or Qt, the model never sees Qt or importers,
only gui/ imports PySide6, and SQL is executed in model/ only."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
PACKAGE_FOLDERS = ("importers", "model", "exporters", "gui", "cli", "lookup")


def modules(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def imported_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


FORBIDDEN = {
    # Pure tables such as model.venues may be read; the library itself may not be opened.
    "importers": (
        "papershelf.model.library",
        "papershelf.model.store",
        "papershelf.model.schema",
        "papershelf.model.reconcile",
        "papershelf.gui",
        "papershelf.pipeline",
        "PySide6",
        "sqlite3",
        "sqlite_utils",
    ),
    "model": (
        "PySide6",
        "papershelf.gui",
        "papershelf.importers",
        "papershelf.exporters",
        "papershelf.pipeline",
        "papershelf.cli",
    ),
    "exporters": ("PySide6", "papershelf.gui", "sqlite_utils"),
    "lookup": ("PySide6", "papershelf.gui", "sqlite_utils"),
    "cli": ("sqlite_utils",),
}


@pytest.mark.parametrize("folder", sorted(FORBIDDEN))
def test_layers_import_only_what_they_may(folder):
    for path in modules(folder):
        for name in imported_names(path):
            for forbidden in FORBIDDEN[folder]:
                assert not (name == forbidden or name.startswith(forbidden + ".")), (
                    f"{path.relative_to(ROOT)} imports {name}"
                )


def test_only_gui_imports_qt():
    allowed = {ROOT / "cli" / "gui_commands.py"}
    for folder in PACKAGE_FOLDERS:
        if folder == "gui":
            continue
        for path in modules(folder):
            if path in allowed:
                continue
            assert not any(n.startswith("PySide6") for n in imported_names(path)), path.relative_to(ROOT)


def test_sql_runs_only_in_the_model():
    folders = [f for f in PACKAGE_FOLDERS if f != "model"]
    paths = [p for f in folders for p in modules(f)] + [ROOT / "pipeline.py", ROOT / "paths.py"]
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                assert node.func.attr not in {"execute", "executemany", "executescript"}, (
                    f"{path.relative_to(ROOT)}:{node.lineno} runs SQL outside model/"
                )


def test_installed_names_stay_under_one_namespace():
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    packages = config["tool"]["setuptools"]["packages"]
    assert all(name == "papershelf" or name.startswith("papershelf.") for name in packages)
    mapped = config["tool"]["setuptools"]["package-dir"]
    for folder in ("gui", "model", "importers", "resources"):
        assert mapped[f"papershelf.{folder}"] == folder


def model_imports(path: Path) -> set[str]:
    """The model modules one model file imports, at module level or inside functions alike; an import under
    `if TYPE_CHECKING:` never runs, so it is left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            if node.module == "papershelf.model":  # from papershelf.model import reconcile
                found.update(f"papershelf.model.{alias.name}" for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    own = {p.stem for p in modules("model")} - {"__init__"}
    return {name.split(".")[2] for name in found if name.startswith("papershelf.model.")} & own - {path.stem}


def test_the_model_has_no_import_cycles():
    graph = {path.stem: model_imports(path) for path in modules("model") if path.stem != "__init__"}
    state: dict[str, str] = {}
    trail: list[str] = []

    def walk(module: str) -> None:
        state[module] = "open"
        trail.append(module)
        for other in sorted(graph[module]):
            if state.get(other) == "open":
                cycle = [*trail[trail.index(other) :], other]
                pytest.fail("model modules import each other in a loop: " + " -> ".join(cycle))
            if other not in state:
                walk(other)
        trail.pop()
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            walk(module)
    # The walk sees every module: a model file that imports nothing from the model still counts.
    assert {"store", "plan", "apply", "library", "reconcile", "merge"} <= set(graph)


def test_model_import_cycle_check_finds_a_cycle(tmp_path):
    # The check above must be able to fail: two files importing each other inside functions are a loop.
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "a.py").write_text("def f():\n    from papershelf.model import b\n", encoding="utf-8")
    (folder / "b.py").write_text("from papershelf.model.a import f\n", encoding="utf-8")
    (folder / "c.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from papershelf.model import a\n", encoding="utf-8"
    )
    globals()["ROOT"] = tmp_path  # `modules` reads the folders under ROOT
    try:
        assert model_imports(folder / "a.py") == {"b"}
        assert model_imports(folder / "c.py") == set()
        with pytest.raises(pytest.fail.Exception, match="a -> b -> a"):
            test_the_model_has_no_import_cycles()
    finally:
        globals()["ROOT"] = Path(__file__).parents[1]
