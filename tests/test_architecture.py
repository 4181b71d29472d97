"""The layering ARCHITECTURE.md promises, checked on every module's imports."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
MODULES = sorted(SRC.glob("hubkb/**/*.py"))

# Which top-level packages a module may import at run time, by who it is.
ONLY = {
    "click": lambda module: module.startswith("hubkb.cli"),
    "datasette": lambda module: module == "hubkb.serve" or module.startswith("hubkb.plugin"),
    "sqlite3": lambda module: module.startswith("hubkb.db"),
    "sqlite_utils": lambda module: module.startswith("hubkb.db"),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def runtime_imports(tree: ast.Module) -> list[tuple[str, int]]:
    """Top-level package of every import, but those under `if TYPE_CHECKING:` (types only)."""
    found: list[tuple[str, int]] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.extend((alias.name.split(".")[0], node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.module.split(".")[0], node.lineno))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def test_the_package_has_modules_to_check() -> None:
    names = {module_name(p) for p in MODULES}
    assert {"hubkb.cli", "hubkb.serve", "hubkb.plugin", "hubkb.db.write", "hubkb.writer.export"} <= names


@pytest.mark.parametrize("package", sorted(ONLY))
def test_only_its_layer_imports(package: str) -> None:
    offenders = [
        f"{path.relative_to(SRC)}:{line} imports {package}"
        for path in MODULES
        for name, line in runtime_imports(ast.parse(path.read_text(encoding="utf-8")))
        if name == package and not ONLY[package](module_name(path))
    ]
    assert offenders == []
