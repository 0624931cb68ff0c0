"""Real processes against one state.db: SIGKILL mid-write, and two writers at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.store.crashcheck import crash_rounds, two_writers


@pytest.mark.slow
def test_sigkill_never_loses_a_reported_change(tmp_path: Path) -> None:
    result = crash_rounds(tmp_path / "data", 120, seed=7)
    assert result.lost == []
    assert result.committed > 120  # the children did get work done between kills


@pytest.mark.slow
def test_two_processes_500_changes_each_all_present(tmp_path: Path) -> None:
    assert two_writers(tmp_path / "data", 500) == []
