"""The layering rules: gui → app → (storage | media) → domain, and Qt only under gui."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "vigstudio"

# package → vigstudio packages it may not import
FORBIDDEN = {
    "domain": {"storage", "media", "app", "gui", "cli", "demo"},
    "storage": {"media", "app", "gui", "cli", "demo"},
    "media": {"storage", "app", "gui", "cli", "demo"},
    "app": {"gui", "cli"},
    "interchange": {"storage", "media", "app", "gui", "cli", "demo"},
}
QT_MODULES = ("PySide6", "PyQt5", "PyQt6", "shiboken6")


def _imports(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, node.lineno))
    return found


def _modules() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_module_respects_layers(path: Path) -> None:
    rel = path.relative_to(SRC)
    package = rel.parts[0] if len(rel.parts) > 1 else rel.stem
    for name, line in _imports(path):
        top = name.split(".")[0]
        if package != "gui":
            assert top not in QT_MODULES, f"{rel}:{line} imports {name}; Qt belongs under gui/"
        if top == "vigstudio" and "." in name:
            target = name.split(".")[1]
            assert target not in FORBIDDEN.get(package, set()), (
                f"{rel}:{line} imports {name}: {package} may not depend on {target}")


def test_domain_imports_only_the_standard_library() -> None:
    import sys

    for path in (SRC / "domain").rglob("*.py"):
        for name, line in _imports(path):
            top = name.split(".")[0]
            assert top in sys.stdlib_module_names or name.startswith("vigstudio.domain") or (
                top == "__future__"), f"domain/{path.name}:{line} imports {name}"
