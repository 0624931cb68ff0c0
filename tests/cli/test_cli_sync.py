"""`reader sync`, `reader stats`, and `reader list` reading a current index."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from reader.core.library import current_posts
from reader.core.paths import StorePaths
from reader.core.scan import detect_site
from tests.conftest import reader_here, run_reader
from tests.factories import make_posts


@pytest.fixture
def blog(tmp_path: Path) -> Path:
    root = tmp_path / "blog"
    make_posts(root, 5, rel=lambda n: f"Cat{n % 2}/p{n}.md", date=lambda n: f"2024-02-0{n + 1}")
    return root


def test_sync_prints_one_summary_line(blog: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = reader_here("--data-dir", str(data), "sync", str(blog))
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("posts 5, new 5, changed 0, removed 0, errors 0, ")
    assert first.stdout.endswith(" s\n") and first.stdout.count("\n") == 1
    assert first.stderr == ""  # not a terminal: no progress bar
    (blog / "Cat0" / "p0.md").unlink()
    again = reader_here("--data-dir", str(data), "sync", str(blog))
    assert again.stdout.startswith("posts 4, new 0, changed 0, removed 1, errors 0, ")
    assert (data / "state.db").exists() and list((data / "cache").rglob("index.db"))


def test_sync_honours_xdg_dirs(blog: Path, isolated_dirs: Path) -> None:
    result = reader_here("sync", str(blog))
    assert result.returncode == 0, result.stderr
    assert list((isolated_dirs / "xdg_cache_home").rglob("index.db"))
    assert list((isolated_dirs / "xdg_data_home").rglob("state.db"))


def test_sync_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    result = reader_here("sync", str(tmp_path / "nope"))
    assert result.returncode == 2 and "no such folder" in result.stderr


def test_stats(blog: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = reader_here("--data-dir", str(data), "stats", str(blog))
    assert result.returncode == 0, result.stderr
    fields = dict(line.split(None, 1) for line in result.stdout.splitlines())
    assert fields["posts"] == "5" and fields["unread"] == "5" and fields["bookmarks"] == "0"
    assert fields["categories"] == "2" and fields["kind"] == "folder"
    assert fields["state"].startswith(str(data / "state.db"))
    assert str(data / "cache") in fields["index"]


def test_list_uses_the_index_only_when_current(blog: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    paths = StorePaths.default(data)
    site = detect_site(blog)
    assert current_posts(site, paths) is None  # never synced
    assert reader_here("--data-dir", str(data), "sync", str(blog)).returncode == 0
    posts = current_posts(site, paths)
    assert posts is not None and sorted(p.title for p in posts)[0] == "Post 0"
    listed = reader_here("--data-dir", str(data), "list", "--json", str(blog))
    parsed = reader_here("list", "--json", str(blog))  # another data dir: no index
    assert listed.returncode == parsed.returncode == 0
    assert listed.stdout == parsed.stdout
    changed = blog / "Cat1" / "p1.md"
    changed.write_text("---\ntitle: Renamed\n---\nx\n")
    os.utime(changed, ns=(5_000_000_000, 5_000_000_000))
    assert current_posts(site, paths) is None
    assert "Renamed" in reader_here("--data-dir", str(data), "list", str(blog)).stdout


@pytest.mark.slow  # a process of its own (see the marker)
def test_sync_draws_a_progress_bar_when_stderr_is_a_terminal(blog: Path, tmp_path: Path) -> None:
    import pty

    master, slave = pty.openpty()
    try:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "reader",
                "--data-dir",
                str(tmp_path / "data"),
                "sync",
                str(blog),
            ],
            stdout=subprocess.PIPE,
            stderr=slave,
            text=True,
            timeout=120,
            check=False,
        )
        os.close(slave)
        shown = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the terminal's other end is closed and drained
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(master)
    assert result.returncode == 0
    assert result.stdout.startswith("posts 5, new 5, ")  # the summary still goes to stdout
    text = shown.decode()
    assert "[##############################] 5/5 parsed 5, errors 0" in text
    assert text.endswith("\r\x1b[K")  # the bar is wiped at the end


def test_sync_with_a_read_only_data_dir(blog: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert reader_here("--data-dir", str(data), "sync", str(blog)).returncode == 0
    (blog / "Cat0" / "new.md").write_text("---\ntitle: New\n---\nx\n")
    for path in [data, *data.rglob("*")]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        result = run_reader("--data-dir", str(data), "sync", str(blog), unprivileged_user=True)
    finally:
        for path in [data, *data.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
    assert result.returncode == 0, result.stderr
    # the index in the read-only cache is copied, not rebuilt: only the new post is parsed
    assert result.stdout.startswith("posts 6, new 1, changed 0, ")
    assert "not being saved" in result.stderr and "cannot write the index" in result.stderr
