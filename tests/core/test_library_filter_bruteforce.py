"""The title filter and the lists at a few thousand posts against brute force: every answer
equals a casefolded substring match over the titles of the unfiltered list, in its order, for
typing, deleting and retyping, in every kind of folder and sort; All is newest first."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest

from reader.core.library import Folder, Library, PostRow
from reader.core.store.db import path_to_db, write
from tests.conftest import sweep
from tests.factories import open_synced, write_post

COUNT = 2000
WORDS = [
    "SQLite",
    "sql",
    "Straße",
    "STRASSE",
    "Ünïcode",
    "数据库",
    "入门",
    "融资",
    "Rust",
    "İstanbul",
]
TYPED = [
    "s",
    "sq",
    "sql",
    "sqli",
    "sql",
    "s",
    "",
    "融",
    "融资",
    "融",
    "数",
    "数据库 s",
    "ss",
    "stra",
]
TYPED += ["strasse", "ünï", "i̇s", "sql 入门", "q", "  sql   rust ", "zzz", "rust", "r"]


def _title(rng: random.Random, n: int) -> str:
    return " ".join(rng.sample(WORDS, rng.randint(1, 3))) + f" #{n}"


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    root = tmp_path_factory.mktemp("bruteforce")
    posts = root / "site" / "source" / "_posts"
    rng = random.Random(16)
    for n in range(COUNT):
        day = 1 + rng.randrange(28)  # many posts share a date: ties go by id
        write_post(
            posts,
            f"p{n:05}.md",
            _title(rng, n),
            date=f"2024-{1 + rng.randrange(12):02}-{day:02} 10:00:00",
            categories=(rng.choice(["Tech", "Life"]),),
            body="Text.\n",
        )
    library = open_synced(root / "site", root / "data")
    yield library
    library.close()


def _all_rows(library: Library, folder: Folder, sort: str = "date") -> list[PostRow]:
    selection = library.posts(folder, sort=sort)  # type: ignore[arg-type]
    return selection.rows(0, len(selection))


def _paths(library: Library, folder: Folder, sort: str, text: str) -> list[str]:
    selection = library.posts(folder, sort=sort, filter_text=text)  # type: ignore[arg-type]
    return [row.path for row in selection.rows(0, len(selection))]


def test_all_is_every_post_newest_first(library: Library) -> None:
    rows = _all_rows(library, Folder("all"))
    assert len(rows) == COUNT
    dates = [row.date for row in rows]
    assert all(d is not None for d in dates)
    assert dates == sorted(dates, reverse=True)  # type: ignore[type-var]


@pytest.mark.parametrize("titles_read", [False, True], ids=["index scan", "in memory"])
@pytest.mark.parametrize(
    ("folder", "sort"),
    sweep(
        [
            (Folder("all"), "date"),
            (Folder("all"), "title"),
            (Folder("category", ("Tech",)), "date"),
            (Folder("unread"), "date"),
        ],
        unpack=True,
        ids=["all-date", "all-title", "category-date", "unread-date"],
    ),
)
def test_filtering_equals_a_casefolded_substring_match(
    library: Library, folder: Folder, sort: str, titles_read: bool
) -> None:
    """A text typed afresh scans the index until the titles were read, then runs in memory;
    a text that grew narrows the last result."""
    if titles_read:
        library.prepare_filter()
    else:
        library._context.titles = None
    unfiltered = _all_rows(library, folder, sort)
    for text in TYPED:
        words = text.casefold().split()
        expected = [r.path for r in unfiltered if all(w in r.title.casefold() for w in words)]
        assert _paths(library, folder, sort, text) == expected, text
    assert (library._context.titles is not None) == titles_read


def test_all_read_by_window_equals_all_read_at_once(library: Library) -> None:
    """The first screens come from the index by position, the rest from the id list."""
    everything = [row.path for row in _all_rows(library, Folder("all"))]
    for start, count in [(0, 50), (200, 100), (250, 10), (COUNT - 30, 50), (COUNT, 5)]:
        fresh = library.posts(Folder("all"))
        assert [r.path for r in fresh.rows(start, count)] == everything[start : start + count]
    fresh = library.posts(Folder("all"))
    assert len(fresh) == COUNT
    assert fresh.index_of(everything[1500]) == 1500
    assert len(fresh) == COUNT


def test_a_title_holding_a_nul_is_matched_as_any_other(library: Library) -> None:
    first = _all_rows(library, Folder("all"))[0]
    with library._write_lock, write(library._db):
        library._db.execute(
            "UPDATE posts SET title_fold = ? WHERE path = ?",
            ("nul\x00 here", path_to_db(first.path)),
        )
    library._context.posts_written()
    try:
        assert _paths(library, Folder("all"), "date", "here") == [first.path]
        assert len(_paths(library, Folder("all"), "date", "#")) == COUNT - 1
    finally:
        with library._write_lock, write(library._db):
            library._db.execute(
                "UPDATE posts SET title_fold = ? WHERE path = ?",
                (first.title.casefold(), path_to_db(first.path)),
            )
        library._context.posts_written()


@pytest.mark.parametrize("sort", ["date", "title"])
def test_a_virtual_folder_lists_its_posts_in_alls_order(library: Library, sort: str) -> None:
    everything = _all_rows(library, Folder("all"), sort)
    for row in everything[::20]:
        library.mark_read(row.path)
    try:
        everything = _all_rows(library, Folder("all"), sort)
        unread = [r.path for r in _all_rows(library, Folder("unread"), sort)]
        assert unread == [r.path for r in everything if not r.read]
        assert len(unread) == COUNT - len(everything[::20])
    finally:
        for row in everything[::20]:
            library.mark_read(row.path, read=False)


def test_a_text_typed_afresh_is_counted_and_shown_from_the_index(library: Library) -> None:
    """Before the titles are read: length, first screens and positions by index scans; the
    rest once the list is moved through past them."""
    library._context.titles = None
    library._context.last_filter = None
    everything = _all_rows(library, Folder("all"))
    expected = [r.path for r in everything if "st" in r.title.casefold()]
    other = next(r.path for r in everything if "st" not in r.title.casefold())
    assert len(expected) > 300
    selection = library.posts(Folder("all"), filter_text="ST")
    assert len(selection) == len(expected)
    assert [r.path for r in selection.rows(0, 100)] == expected[:100]
    assert [selection.index_of(p) for p in (expected[0], expected[150], other)] == [0, 150, None]
    assert [r.path for r in selection.rows(240, 40)] == expected[240:280]
    assert selection.index_of(expected[-1]) == len(expected) - 1
    assert library._context.last_filter is not None  # read whole: the next key narrows it
