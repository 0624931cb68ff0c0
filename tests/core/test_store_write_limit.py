"""A file-size limit (`ulimit -f`): every write past it fails with EFBIG ("disk I/O error"
from SQLite). The index and the search index go on in memory with a notice, state.db in
memory with "state is not being saved"; nothing crashes. Real subprocesses under
RLIMIT_FSIZE, with SIGXFSZ ignored so the writes fail instead of killing the process."""

from __future__ import annotations

import json
import resource
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from reader.core.library import Library
from reader.core.paths import StorePaths
from tests.factories import make_posts

pytestmark = pytest.mark.slow

PROBE = """
import json, sys
from reader.core.library import Folder, Library
from reader.core.paths import StorePaths
library = Library.open(sys.argv[1], paths=StorePaths.default(sys.argv[2]))
for _ in library.sync():
    pass
for _ in library.update_search():
    pass
rows = library.posts(Folder("all")).rows(0, 1000)
library.mark_read(rows[0].path)
library.add_bookmark(rows[1].path, note="n")
hits = library.search("needle").total
rows = library.posts(Folder("all")).rows(0, 1000)
print(json.dumps({
    "posts": len(rows),
    "read": sum(r.read for r in rows),
    "bookmarks": len(library.bookmarks()),
    "hits": hits,
    "notices": library.notices,
}))
library.close()
"""


def _limit(size: int) -> Callable[[], None]:
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return apply


def _site(root: Path, count: int) -> Path:
    filler = " ".join(f"word{i}" for i in range(300))
    make_posts(
        root / "source" / "_posts",
        count,
        rel=lambda i: f"post-{i:03}.md",
        date=lambda i: f"2020-01-{i % 28 + 1:02}",
        categories=lambda i: [f"C{i % 5}"],
        body=lambda i: f"needle {filler}\n",
    )
    return root


@pytest.mark.parametrize("limit_kib", [24, 96, 160])  # state+index, index, search.db
def test_a_write_limit_keeps_the_session_working_in_memory(tmp_path: Path, limit_kib: int) -> None:
    site = _site(tmp_path / "site", 120)
    data = tmp_path / "data"
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(site), str(data)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        preexec_fn=_limit(limit_kib * 1024),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout)
    assert report["posts"] == 120
    assert report["read"] == 1 and report["bookmarks"] == 1
    assert report["hits"] == 120
    notices = " | ".join(report["notices"])
    assert "index" in notices and "memory" in notices
    if limit_kib == 24:
        assert "state is not being saved" in notices
    if "state is not being saved" not in notices:  # then the marks were saved for real
        library = Library.open(site, paths=StorePaths.default(data))
        try:
            assert len(library.bookmarks()) == 1
        finally:
            library.close()


def test_reader_sync_under_a_write_limit_finishes(tmp_path: Path) -> None:
    site = _site(tmp_path / "site", 40)
    result = subprocess.run(
        [sys.executable, "-m", "reader", "--data-dir", str(tmp_path / "data"), "sync", str(site)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        preexec_fn=_limit(24 * 1024),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
