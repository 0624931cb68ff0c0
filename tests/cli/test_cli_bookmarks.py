"""`reader bookmarks`, `reader export-bookmarks`, `reader import-bookmarks` end to end."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from reader.core.library import known_libraries
from reader.core.paths import StorePaths
from tests.conftest import run_reader
from tests.factories import BlogPost, cli, sync_once, write_blog, write_post

DATE = "2026-02-03 10:00:00"
POSTS = {
    "tech/first.md": BlogPost("First *post*", "## Install it\n\nsteps\n", "https://b.example/1"),
    "tech/中文 文章.md": BlogPost("中文 [标题]", "## 第一节\n\n内容\n"),
    "life/third.md": BlogPost("Third", "text\n"),
}


@pytest.fixture
def blog(tmp_path: Path, data: Path) -> Path:
    """A folder library, opened and synced once, so reader knows it."""
    root = write_blog(tmp_path / "blog", POSTS, date=DATE)
    sync_once(root, data)
    return root


def test_add_list_remove(capsys: pytest.CaptureFixture[str], blog: Path, data: Path) -> None:
    first = str(blog / "tech/first.md")
    code, out, _ = cli(capsys, data, "bookmarks", "add", first, "--note", "keep [this]")
    assert code == 0 and "Bookmarked First *post*" in out
    code, out, _ = cli(capsys, data, "bookmarks", "add", first, "--heading", "install it")
    assert code == 0 and "First *post* › Install it" in out
    chinese = str(blog / "tech/中文 文章.md")
    assert cli(capsys, data, "bookmarks", "add", chinese)[0] == 0

    code, out, _ = cli(capsys, data, "bookmarks", "list", "--json")
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["path"] for r in records] == ["tech/中文 文章.md", "tech/first.md", "tech/first.md"]
    assert set(records[0]) >= {"path", "library", "title", "url", "heading", "note", "created"}
    assert records[2]["note"] == "keep [this]" and records[2]["heading"] is None
    assert records[1]["heading"] == "Install it" and records[1]["anchor"]
    assert records[1]["url"] == "https://b.example/1"
    assert records[0]["library"] == str(blog.resolve())

    code, out, _ = cli(capsys, data, "bookmarks", "list")
    assert code == 0 and "中文 [标题]" in out and "note: keep [this]" in out

    code, out, _ = cli(capsys, data, "bookmarks", "remove", first, "--heading", "Install it")
    assert code == 0 and "Removed 1 bookmark" in out
    code, out, _ = cli(capsys, data, "bookmarks", "remove", first)
    assert code == 0
    code, _, err = cli(capsys, data, "bookmarks", "remove", first)
    assert code == 1 and "no bookmark" in err
    code, out, _ = cli(capsys, data, "bookmarks", "list", "--json")
    assert [json.loads(line)["path"] for line in out.splitlines()] == ["tech/中文 文章.md"]


def test_file_outside_known_libraries(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, data: Path, blog: Path
) -> None:
    other = tmp_path / "other"
    post = write_post(other, "x.md", "X", date=DATE, body="## A\n\nb\n")
    code, _, err = cli(capsys, data, "bookmarks", "add", str(post))
    assert code == 2 and "--library" in err and "not in a library" in err
    code, out, _ = cli(capsys, data, "bookmarks", "add", str(post), "--library", str(other))
    assert code == 0 and "Bookmarked X" in out
    code, _, err = cli(capsys, data, "bookmarks", "add", str(post), "--library", str(blog))
    assert code == 2 and "not inside the library" in err
    code, _, err = cli(capsys, data, "bookmarks", "add", str(blog / "nope.md"))
    assert code == 2 and "not a file" in err


def test_unknown_heading_lists_the_headings(
    capsys: pytest.CaptureFixture[str], blog: Path, data: Path
) -> None:
    code, _, err = cli(
        capsys, data, "bookmarks", "add", str(blog / "tech/first.md"), "--heading", "Nope"
    )
    assert code == 1 and "no heading 'Nope'" in err and "Install it" in err


def test_new_file_is_indexed_on_add(
    capsys: pytest.CaptureFixture[str], blog: Path, data: Path
) -> None:
    post = write_post(blog, "life/new.md", "Brand new", date=DATE, body="text\n")
    code, out, _ = cli(capsys, data, "bookmarks", "add", str(post))
    assert code == 0 and "Brand new" in out


def test_export_to_stdout_and_file(
    capsys: pytest.CaptureFixture[str], blog: Path, data: Path, tmp_path: Path
) -> None:
    cli(capsys, data, "bookmarks", "add", str(blog / "tech/first.md"), "--note", "n1")
    cli(capsys, data, "bookmarks", "add", str(blog / "tech/中文 文章.md"))
    code, out, _ = cli(capsys, data, "export-bookmarks")
    assert code == 0 and out.startswith("# Bookmarks\n")
    links = _links(out)
    assert links["First *post*"] == "https://b.example/1"
    assert links["中文 [标题]"].endswith("/tech/%E4%B8%AD%E6%96%87%20%E6%96%87%E7%AB%A0.md")

    target = tmp_path / "out" / "bookmarks.md"
    target.parent.mkdir()
    code, out, _ = cli(
        capsys, data, "export-bookmarks", "-o", str(target), "--link", "file", "--group-by", "date"
    )
    assert code == 0 and f"Wrote 2 bookmarks to {target}" in out
    text = target.read_text(encoding="utf-8")
    assert "## 2026-02" in text
    assert _links(text)["First *post*"] == "../blog/tech/first.md"  # relative to the file

    link = tmp_path / "link.md"
    link.symlink_to(target)
    code, _, err = cli(capsys, data, "export-bookmarks", "-o", str(link))
    assert code == 1 and "symlink" in err
    assert target.read_text(encoding="utf-8") == text


def _links(document: str) -> dict[str, str]:
    links = {}
    for token in MarkdownIt("commonmark").parse(document):
        children = token.children or []
        if children and children[0].type == "link_open":
            close = next(i for i, c in enumerate(children) if c.type == "link_close")
            title = "".join(c.content for c in children[1:close])
            links[title] = str(children[0].attrGet("href"))
    return links


def test_export_import_round_trip_through_the_cli(
    capsys: pytest.CaptureFixture[str], blog: Path, data: Path, tmp_path: Path
) -> None:
    first = str(blog / "tech/first.md")
    cli(capsys, data, "bookmarks", "add", first, "--note", "line one\nline two")
    cli(capsys, data, "bookmarks", "add", first, "--heading", "Install it", "--note", "setup")
    cli(capsys, data, "bookmarks", "add", str(blog / "life/third.md"))
    exported = tmp_path / "bookmarks.md"
    assert cli(capsys, data, "export-bookmarks", "-o", str(exported))[0] == 0
    _, before, _ = cli(capsys, data, "bookmarks", "list", "--json")

    shutil.rmtree(data)
    sync_once(blog, data)
    code, out, _ = cli(capsys, data, "import-bookmarks", str(exported))
    assert code == 0 and "Restored 3 bookmarks" in out
    _, after, _ = cli(capsys, data, "bookmarks", "list", "--json")
    strip = ("path", "heading", "anchor", "note", "title", "url")
    assert [{k: json.loads(x)[k] for k in strip} for x in after.splitlines()] == [
        {k: json.loads(x)[k] for k in strip} for x in before.splitlines()
    ]

    (blog / "life/third.md").unlink()
    shutil.rmtree(data)
    sync_once(blog, data)
    code, out, _ = cli(capsys, data, "import-bookmarks", str(exported))
    assert code == 1 and "Restored 2 bookmarks" in out
    assert "1 matched no post" in out and "life/third.md" in out

    code, _, err = cli(capsys, data, "import-bookmarks", str(tmp_path / "missing.md"))
    assert code == 2 and "cannot read" in err


def test_import_needs_a_library_it_can_tell(
    capsys: pytest.CaptureFixture[str], blog: Path, data: Path, tmp_path: Path
) -> None:
    cli(capsys, data, "bookmarks", "add", str(blog / "life/third.md"))
    exported = tmp_path / "b.md"
    cli(capsys, data, "export-bookmarks", "-o", str(exported))
    moved = tmp_path / "moved-blog"
    shutil.copytree(blog, moved)
    other = tmp_path / "other"
    write_post(other, "x.md", "X", date=DATE, body="x\n")
    new_data = tmp_path / "data2"
    sync_once(moved, new_data)
    sync_once(other, new_data)
    shutil.rmtree(blog)  # the library the file records is gone: only then ask
    code, _, err = cli(capsys, new_data, "import-bookmarks", str(exported))
    assert code == 2 and "--library" in err
    code, out, _ = cli(capsys, new_data, "import-bookmarks", str(exported), "--library", str(moved))
    assert code == 0 and "Restored 1 bookmark" in out


def test_import_on_a_fresh_store_uses_the_library_the_file_records(
    capsys: pytest.CaptureFixture[str], blog: Path, data: Path, tmp_path: Path
) -> None:
    cli(capsys, data, "bookmarks", "add", str(blog / "life/third.md"))
    exported = tmp_path / "b.md"
    cli(capsys, data, "export-bookmarks", "-o", str(exported))
    fresh = tmp_path / "fresh-data"  # no library known here at all
    code, out, err = cli(capsys, fresh, "import-bookmarks", str(exported))
    assert code == 0, err
    assert "Restored 1 bookmark into" in out
    assert "recorded in" in err and blog.name in err  # says which library it chose
    _, listed, _ = cli(capsys, fresh, "bookmarks", "list", "--json")
    assert [json.loads(line)["path"] for line in listed.splitlines()] == ["life/third.md"]


def test_bookmarks_survive_rename_and_index_rebuild(
    capsys: pytest.CaptureFixture[str], blog: Path, data: Path
) -> None:
    first = blog / "tech/first.md"
    cli(capsys, data, "bookmarks", "add", str(first), "--note", "survives")
    renamed = blog / "archive/first-renamed.md"
    renamed.parent.mkdir()
    first.rename(renamed)  # same title and date: relinked on sync
    sync_once(blog, data)
    code, out, _ = cli(capsys, data, "export-bookmarks", "--link", "file")
    assert code == 0
    assert _links(out)["First *post*"].endswith("/archive/first-renamed.md")
    assert "tech/first.md" not in out

    paths = StorePaths.default(data)
    shutil.rmtree(paths.cache_dir)  # the index is a cache: rebuilt from the files
    sync_once(blog, data)
    _, out, _ = cli(capsys, data, "bookmarks", "list", "--json")
    records = [json.loads(line) for line in out.splitlines()]
    assert [(r["path"], r["note"], r["missing"]) for r in records] == [
        ("archive/first-renamed.md", "survives", False)
    ]


def test_listing_keeps_the_last_opened_library(
    capsys: pytest.CaptureFixture[str], blog: Path, data: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other"
    write_post(other, "x.md", "X", date=DATE, body="x\n")
    sync_once(other, data)
    paths = StorePaths.default(data)
    before = known_libraries(paths)
    assert cli(capsys, data, "bookmarks", "list")[0] == 0
    assert known_libraries(paths) == before


def test_export_without_any_library(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    code, _, err = cli(capsys, data, "export-bookmarks")
    assert code == 2 and "no library known yet" in err


@pytest.mark.slow
def test_real_command_exports(blog: Path, data: Path, tmp_path: Path) -> None:
    post = blog / "tech/first.md"
    added = run_reader("--data-dir", str(data), "bookmarks", "add", str(post), "--note", "x")
    assert added.returncode == 0, added.stderr
    result = run_reader("--data-dir", str(data), "export-bookmarks", "--group-by", "none")
    assert result.returncode == 0, result.stderr
    assert _links(result.stdout) == {"First *post*": "https://b.example/1"}
    assert os.environ.get("XDG_DATA_HOME")  # the conftest isolation is in effect


@pytest.mark.slow  # a process of its own (see the marker)
def test_bookmarks_list_ends_with_a_newline_in_every_form(
    capsys: pytest.CaptureFixture[str], blog: Path, data: Path
) -> None:
    _, empty, _ = cli(capsys, data, "bookmarks", "list")
    assert empty == "No bookmarks.\n"
    cli(capsys, data, "bookmarks", "add", str(blog / "life/third.md"), "--note", "n\n")
    for args in ([], ["--json"]):
        _, out, _ = cli(capsys, data, "bookmarks", "list", *args)
        assert out.endswith("\n") and not out.endswith("\n\n"), args
    result = run_reader("--data-dir", str(data), "bookmarks", "list")  # the real command
    assert result.returncode == 0 and result.stdout.endswith("note: n\n")
