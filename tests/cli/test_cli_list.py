"""`reader list`: the table, the JSON lines contract, exit codes, and hostile folders."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import reader_here, run_reader
from tests.factories import write_file

KEYS = [
    "path",
    "title",
    "date",
    "date_source",
    "categories",
    "tags",
    "author",
    "url",
    "format",
    "error",
]


def json_lines(stdout: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in stdout.splitlines()]


def test_json_lines_sorted_with_exact_keys_relative_to_path_given(tmp_path: Path) -> None:
    site = tmp_path / "blog"
    write_file(
        site / "source" / "_posts" / "b" / "two.md", "---\ntitle: Two\ndate: 2020-01-02\n---\nx"
    )
    write_file(
        site / "source" / "_posts" / "a.md", "---\ntitle: One\ncategories: [X, Y]\n---\n<p>x</p>"
    )
    result = reader_here("list", str(site), "--json")
    assert result.returncode == 0, result.stderr
    records = json_lines(result.stdout)
    assert [list(r) for r in records] == [KEYS, KEYS]
    assert [r["path"] for r in records] == ["source/_posts/a.md", "source/_posts/b/two.md"]
    first, second = records
    assert first["categories"] == [["X", "Y"]]
    assert first["format"] == "html"
    assert second["date"] == "2020-01-02T00:00:00+00:00"
    assert second["date_source"] == "front-matter"
    assert second["categories"] == [["b"]]
    # The posts root given directly: same posts, paths relative to it.
    result = reader_here("list", str(site / "source" / "_posts"), "--json")
    assert [r["path"] for r in json_lines(result.stdout)] == ["a.md", "b/two.md"]


def test_drafts_listed_only_with_the_flag(tmp_path: Path) -> None:
    write_file(tmp_path / "_posts" / "2021-05-06-p.md", "---\ntitle: P\n---\n")
    write_file(tmp_path / "_drafts" / "d.md", "---\ntitle: D\n---\n")
    plain = json_lines(reader_here("list", str(tmp_path), "--json").stdout)
    assert [r["path"] for r in plain] == ["_posts/2021-05-06-p.md"]
    assert plain[0]["date_source"] == "filename"
    with_drafts = json_lines(reader_here("list", str(tmp_path), "--json", "--drafts").stdout)
    assert [r["path"] for r in with_drafts] == ["_drafts/d.md", "_posts/2021-05-06-p.md"]


def test_table_shows_date_category_and_title(tmp_path: Path) -> None:
    write_file(tmp_path / "notes" / "a.md", "---\ntitle: Hello 世界\ndate: 2019/05/14\n---\n")
    result = reader_here("list", str(tmp_path))
    assert result.returncode == 0
    first, summary = result.stdout.splitlines()
    assert first.split() == ["2019-05-14", "notes", "Hello", "世界"]
    assert summary == "1 post"


@pytest.mark.parametrize("args", [["list"], ["list", "/no/such/folder"], ["list", "--bogus", "."]])
def test_usage_errors_exit_2_with_one_line(args: list[str]) -> None:
    result = reader_here(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("reader: ")


def test_a_file_instead_of_a_folder_is_usage_error(tmp_path: Path) -> None:
    path = write_file(tmp_path / "a.md", "x")
    result = reader_here("list", str(path))
    assert result.returncode == 2
    assert result.stderr.strip() == f"reader: not a folder: {path}"


@pytest.mark.slow  # a process of its own (see the marker)
def test_hostile_folder_finishes_lists_everything_exits_0(tmp_path: Path) -> None:
    """Acceptance 5: FIFO, link loop, link out of the root, unreadable file, binary file,
    empty file and a non-UTF-8 name in one folder."""
    root = tmp_path / "lib"
    write_file(root / "good.md", "---\ntitle: Good\n---\nbody")
    os.mkfifo(root / "fifo.md")
    (root / "loop.md").symlink_to(root / "loop.md")
    (root / "dirloop").symlink_to(root, target_is_directory=True)
    outside = write_file(tmp_path / "outside.md", "---\ntitle: Secret\n---\n")
    (root / "escape.md").symlink_to(outside)
    unreadable = write_file(root / "locked.md", "---\ntitle: Locked\n---\n")
    unreadable.chmod(0)
    (root / "binary.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (root / "empty.md").write_bytes(b"")
    with open(os.fsencode(root) + b"/latin1-caf\xe9.md", "wb") as handle:
        handle.write(b"---\ntitle: Caf\xc3\xa9\n---\n")
    # The folder itself may not be readable by the unprivileged user; the tree is made
    # traversable, only locked.md is not.
    for folder in (tmp_path, root):
        folder.chmod(0o755)
    result = run_reader("list", str(root), "--json", unprivileged_user=True, timeout=120)
    assert result.returncode == 0, result.stderr
    by_path = {r["path"]: r for r in json_lines(result.stdout)}
    assert set(by_path) == {
        "good.md",
        "fifo.md",
        "loop.md",
        "dirloop",
        "escape.md",
        "locked.md",
        "binary.md",
        "empty.md",
        "latin1-caf\udce9.md",
    }
    assert by_path["good.md"]["error"] is None
    assert by_path["fifo.md"]["error"] == "not a regular file"
    assert by_path["loop.md"]["error"] == "symlink loop"
    assert by_path["dirloop"]["error"] == "symlink loop"
    assert by_path["escape.md"]["error"] == "link leaves the library"
    assert by_path["locked.md"]["error"] == "permission denied"
    assert by_path["binary.md"]["error"] == "not text"
    assert by_path["empty.md"]["error"] == "empty file"
    odd = by_path["latin1-caf\udce9.md"]
    assert odd["title"] == "Café"
    assert odd["error"] is None
    # The raw line carries the escape itself, so the name round-trips to the original bytes.
    assert "latin1-caf\\udce9.md" in result.stdout
    assert os.fsencode(root / str(odd["path"])).endswith(b"caf\xe9.md")
    # The table finishes too, and shows the odd name readably.
    table = run_reader("list", str(root), unprivileged_user=True, timeout=120)
    assert table.returncode == 0
    assert "9 posts, 7 with errors" in table.stdout
