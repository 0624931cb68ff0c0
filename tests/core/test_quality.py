"""The test command also runs the linters and the type checker, so CI guards them."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "command",
    [
        ["ruff", "check", "."],
        ["ruff", "format", "--check", "."],
        ["mypy"],
    ],
    ids=["ruff-check", "ruff-format", "mypy"],
)
def test_code_quality_gate(command: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_core_is_headless() -> None:
    """The domain layer must stay headless: importing all of it (reader.core and its packages,
    reader.core.store among them) and the command line leaves Textual and Rich unloaded."""
    core = ROOT / "reader" / "core"
    core_modules = sorted(
        ".".join(("reader", *p.relative_to(ROOT / "reader").with_suffix("").parts))
        for p in core.rglob("*.py")
        if p.stem != "__init__"
    )
    assert "reader.core.store.db" in core_modules and "reader.core.library.facade" in core_modules
    code = (
        "import importlib, sys\n"
        f"for name in {core_modules!r}: importlib.import_module(name)\n"
        "import reader.cli\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


UI_PACKAGES = ("widgets", "screens")
MAX_UI_MODULE_LINES = 400


@pytest.mark.parametrize("package", [*UI_PACKAGES, "core/library"])
def test_modules_stay_small(package: str) -> None:
    """One job per module: no widget, screen or library-service module grows past
    MAX_UI_MODULE_LINES."""
    sizes = {
        path.name: len(path.read_text(encoding="utf-8").splitlines())
        for path in sorted((ROOT / "reader" / package).glob("*.py"))
    }
    too_long = {name: lines for name, lines in sizes.items() if lines > MAX_UI_MODULE_LINES}
    assert not too_long, f"over {MAX_UI_MODULE_LINES} lines in reader/{package}: {too_long}"


def test_widgets_import_no_screen() -> None:
    """Widgets post messages and screens open dialogs: no widget module imports a screen
    (not even under TYPE_CHECKING or inside a function)."""
    offenders = []
    for path in sorted((ROOT / "reader" / "widgets").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            if any(
                name == "reader.screens" or name.startswith("reader.screens.") for name in names
            ):
                offenders.append(f"{path.name}:{node.lineno}")
    assert not offenders, offenders
