"""The search benchmark (`python -m reader.core.search_bench`) runs and finds what a scan finds."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from reader.core.search_bench import run


@pytest.mark.slow
def test_bench_reports_every_kind_and_agrees_with_the_scan(corpus: Path, tmp_path: Path) -> None:
    out = io.StringIO()
    db = tmp_path / "search.db"
    assert run(corpus, 150, 6, db, out) == 0  # 0: every query found what the scan found
    text = out.getvalue()
    assert db.is_file()
    assert "index build:" in text and "MB" in text
    rows = {line.split()[0]: line for line in text.splitlines() if "| CPU:" in line}
    assert set(rows) == {"queries", "cjk-1", "cjk-2", "cjk-4", "english"}
    for kind in ("cjk-1", "cjk-2", "cjk-4", "english"):
        assert " yes " in rows[kind], rows[kind]
