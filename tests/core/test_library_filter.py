"""Filtering as you type: each keystroke narrows the last result; the answer always equals a
fresh filter of the whole folder."""

from __future__ import annotations

from pathlib import Path

from reader.core.library import Folder, Library
from tests.factories import make_posts, open_synced

TITLES = ["SQLite notes", "sqlalchemy tips", "Squid proxy", "Other", "SQL 入门", "数据库 SQL"]


def _library(tmp_path: Path) -> Library:
    make_posts(
        tmp_path / "site" / "source" / "_posts",
        len(TITLES),
        title=lambda n: TITLES[n],
        date=lambda n: f"2024-01-0{n + 1} 10:00:00",
        body=lambda n: "Text.\n",
    )
    return open_synced(tmp_path / "site", tmp_path / "data")


def _titles(library: Library, text: str) -> list[str]:
    selection = library.posts(Folder("all"), filter_text=text)
    return [row.title for row in selection.rows(0, len(selection))]


def _expected(text: str) -> list[str]:
    words = text.casefold().split()
    newest_first = list(reversed(TITLES))
    return [t for t in newest_first if all(w in t.casefold() for w in words)]


def test_typing_deleting_and_retyping_match_a_fresh_filter(tmp_path: Path) -> None:
    library = _library(tmp_path)
    try:
        for text in ["s", "sq", "sql", "sqli", "sql", "s", "", "sql ", "sql 入", "sq", "q i"]:
            assert _titles(library, text) == _expected(text), text
    finally:
        library.close()


def test_a_changed_index_is_filtered_afresh(tmp_path: Path) -> None:
    library = _library(tmp_path)
    try:
        assert _titles(library, "sq") == _expected("sq")
        posts = tmp_path / "site" / "source" / "_posts"
        (posts / "new.md").write_text(
            "---\ntitle: SQL again\ndate: 2024-02-01 10:00:00\n---\nText.\n", encoding="utf-8"
        )
        for _ in library.sync():
            pass
        assert _titles(library, "sql")[0] == "SQL again"
    finally:
        library.close()


def test_a_result_kept_for_narrowing_follows_a_later_sync(tmp_path: Path) -> None:
    library = _library(tmp_path)
    try:
        assert _titles(library, "squ") == ["Squid proxy"]
        posts = tmp_path / "site" / "source" / "_posts"
        (posts / "p2.md").write_text(
            "---\ntitle: Octopus proxy\ndate: 2024-01-03 10:00:00\n---\nText.\n", encoding="utf-8"
        )
        for _ in library.sync():
            pass
        # "squid" extends "squ": narrowing the result kept before the sync would still list it
        assert _titles(library, "squid") == [] and _titles(library, "octopus") == ["Octopus proxy"]
    finally:
        library.close()
