"""The test command also runs the linters and the type checker, so CI guards them."""

from __future__ import annotations

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
    assert "reader.core.store.db" in core_modules and "reader.core.library" in core_modules
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
