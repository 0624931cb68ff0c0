"""`reader search PATH QUERY [--json] [--limit N]` through the real command line."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from reader.core.library import Library
from reader.core.paths import StorePaths
from tests.conftest import reader_here
from tests.factories import write_post

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")

POSTS = {
    "news/ipo.md": (
        "小米上市 [b]x[/b]",
        "2024-01-02 03:04:05",
        "[新媒体, 36kr]",
        "[ipo]",
        "王五",
        "小米集团今日在香港**上市**，融资规模超过预期。\x1b]52;c;aGk=\x07\n",
    ),
    "cats.md": (
        "吾輩は猫である",
        "2023-05-06 10:00:00",
        "[日記]",
        "[neko]",
        "夏目",
        "吾輩は猫である。名前はまだ無い。\n",
    ),
    "apple.md": (
        "Apple event",
        "2022-09-10 10:00:00",
        "[Tech, Apple]",
        "[ipo, apple]",
        "Tim",
        "The *Apple* event: a new iPhone. " + "filler words " * 40 + "Then the open source news.\n",
    ),
    "empty.md": ("Nothing here", "2021-01-01 10:00:00", "[Tech]", "[]", "Nobody", "plain\n"),
}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return _write_site(tmp_path / "blog")


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(data dir, site) searched once already: indexed for the tests that only read it."""
    root = tmp_path_factory.mktemp("indexed")
    data, site = root / "data", _write_site(root / "blog")
    assert search(data, site, "x")[0] == 0
    return data, site


def _write_site(root: Path) -> Path:
    (root / "source" / "_posts").mkdir(parents=True)
    (root / "_config.yml").write_text("title: t\n", encoding="utf-8")
    for name, (title, date, cats, tags, author, body) in POSTS.items():
        extra = f"categories: {cats}\ntags: {tags}\nauthor: {author}\n"
        write_post(root / "source" / "_posts", name, title, date=date, extra=extra, body=body)
    return root


def search(data: Path, site: Path, *args: str) -> tuple[int, str, str]:
    result = reader_here("--data-dir", str(data), "search", str(site), *args)
    return result.returncode, result.stdout, result.stderr


def json_lines(out: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.splitlines()]


def test_json_lines_carry_path_title_date_snippet_highlights(indexed: tuple[Path, Path]) -> None:
    code, out, err = search(*indexed, "上市", "--json")
    assert code == 0, err
    assert "Traceback" not in err
    assert not UNSAFE.search(out)
    [hit] = json_lines(out)
    assert hit["path"] == "news/ipo.md"  # relative to the posts root
    assert hit["title"] == "小米上市 [b]x[/b]"  # literal, markup-like text kept as text
    assert isinstance(hit["date"], str) and hit["date"].startswith("2024-01-02")
    assert hit["categories"] == [["新媒体", "36kr"]]
    snippet = hit["snippet"]
    assert isinstance(snippet, str)
    assert snippet == "小米集团今日在香港上市，融资规模超过预期。"  # plain text: no ** and no ESC
    highlights = hit["highlights"]
    assert isinstance(highlights, list) and highlights
    assert [snippet[start:end] for start, end in highlights] == ["上市"]


def test_json_highlights_are_offsets_in_the_snippet(indexed: tuple[Path, Path]) -> None:
    code, out, err = search(*indexed, "apple", '"open source"', "--json")
    assert code == 0, err
    [hit] = json_lines(out)
    assert hit["path"] == "apple.md"
    snippet = str(hit["snippet"])
    spans = hit["highlights"]
    assert isinstance(spans, list)
    marked = [snippet[start:end] for start, end in spans]
    assert marked and {m.lower() for m in marked} <= {"apple", "open source"}
    assert "*" not in snippet


def test_text_output_one_line_per_result(indexed: tuple[Path, Path]) -> None:
    code, out, err = search(*indexed, "猫")
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == 1
    path, title, date, snippet = lines[0].split("\t")
    assert (path, title, date) == ("cats.md", "吾輩は猫である", "2023-05-06")
    assert "猫" in snippet
    assert "\x1b" not in err  # stderr is not a terminal: no progress line


def test_several_results_best_first_and_limit(indexed: tuple[Path, Path]) -> None:
    code, out, _ = search(*indexed, "tag:ipo", "--json")
    assert code == 0
    assert [h["path"] for h in json_lines(out)] == ["news/ipo.md", "apple.md"]  # newest first
    code, out, _ = search(*indexed, "tag:ipo", "--json", "--limit", "1")
    assert code == 0
    assert [h["path"] for h in json_lines(out)] == ["news/ipo.md"]
    code, out, _ = search(*indexed, "zzz-nowhere")
    assert code == 0 and out == ""


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("cat:新媒体", {"news/ipo.md"}),
        ("cat:tech/apple", {"apple.md"}),
        ("tag:NEKO", {"cats.md"}),
        ("author:夏目", {"cats.md"}),
        ("after:2023-01-01", {"news/ipo.md", "cats.md"}),
        ("before:2022-09-10", {"empty.md"}),
        ("is:unread", set(POSTS)),
        ("is:bookmarked", set()),
        ("cat:tech plain", {"empty.md"}),
    ],
)
def test_qualifiers_on_the_command_line(
    indexed: tuple[Path, Path], query: str, expected: set[str]
) -> None:
    code, out, err = search(*indexed, query, "--json")
    assert code == 0, err
    assert {h["path"] for h in json_lines(out)} == expected


def test_is_unread_and_is_bookmarked_use_the_saved_state(site: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    library = Library.open(site, paths=StorePaths.default(data))
    try:
        for _ in library.sync():
            pass
        library.mark_read("cats.md")
        library.add_bookmark("apple.md")
    finally:
        library.close()
    code, out, err = search(data, site, "is:unread", "--json")
    assert code == 0, err
    assert {h["path"] for h in json_lines(out)} == {"news/ipo.md", "apple.md", "empty.md"}
    code, out, err = search(data, site, "is:bookmarked", "--json")
    assert code == 0, err
    assert {h["path"] for h in json_lines(out)} == {"apple.md"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (['"open source'], "quote is not closed"),
        (["after:2024-13-01"], "not a date"),
        (["before:soon"], "not a date"),
        (["is:starred"], "is:starred is not known"),
        (["cat:"], "needs a value"),
        (["x", "--limit", "0"], "not a positive number"),
        (["x", "--limit", "many"], "not a positive number"),
    ],
)
def test_bad_query_short_message_exit_2(
    indexed: tuple[Path, Path], args: list[str], message: str
) -> None:
    code, out, err = search(*indexed, *args)
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    last = err.strip().splitlines()[-1]
    assert last.startswith("reader: ") and message in last
    assert len(last) < 120


def test_missing_library_exit_2(tmp_path: Path) -> None:
    code, out, err = search(tmp_path / "data", tmp_path / "nowhere", "x")
    assert code == 2 and out == ""
    assert "Traceback" not in err and err.startswith("reader: ")


@pytest.mark.slow  # a process of its own (see the marker)
def test_index_follows_changes_between_runs(site: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert {h["path"] for h in json_lines(search(data, site, "融资", "--json")[1])} == {
        "news/ipo.md"
    }
    posts = site / "source" / "_posts"
    (posts / "news" / "ipo.md").unlink()
    with (posts / "cats.md").open("a", encoding="utf-8") as file:
        file.write("\n新一轮融资\n")
    code, out, err = search(data, site, "融资", "--json")
    assert code == 0, err
    assert {h["path"] for h in json_lines(out)} == {"cats.md"}


@pytest.mark.slow  # a process of its own (see the marker)
def test_progress_and_count_on_stderr_when_it_is_a_terminal(site: Path, tmp_path: Path) -> None:
    command = [sys.executable, "-m", "reader", "--data-dir", str(tmp_path / "data")]
    controller, terminal = pty.openpty()
    try:
        result = subprocess.run(
            [*command, "search", str(site), "猫"],
            stdout=subprocess.PIPE,
            stderr=terminal,
            text=True,
            timeout=120,
            check=False,
        )
        os.close(terminal)
        terminal = -1
        err = b""
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # EIO: the other side is closed and everything was read
                break
            if not chunk:
                break
            err += chunk
    finally:
        if terminal >= 0:
            os.close(terminal)
        os.close(controller)
    assert result.returncode == 0
    assert result.stdout.startswith("cats.md\t")  # results on stdout, progress kept off it
    text = err.decode("utf-8", "replace")
    assert "indexing for search" in text
    assert "1 result" in text
