"""The app takes the interpreter back from background threads quickly (reader.launch)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from reader import launch
from reader.app import ReaderApp
from tests.ui_helpers import make_site


def test_the_app_runs_with_a_short_switch_interval(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[float] = []
    monkeypatch.setattr(
        ReaderApp, "run", lambda self, *a, **k: seen.append(sys.getswitchinterval())
    )
    monkeypatch.setattr(launch, "terminal_problem", lambda: None)  # pytest has no terminal
    before = sys.getswitchinterval()
    try:
        launch.run(str(make_site(tmp_path / "site")), str(tmp_path / "data"))
    finally:
        sys.setswitchinterval(before)
    assert seen and seen[0] < before == pytest.approx(0.005)
