"""Search index: results equal a brute-force substring scan; qualifiers; incremental updates."""

from __future__ import annotations

import random
import threading
import zlib
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from reader.core import search_select
from reader.core.sanitize import sanitize_line
from reader.core.search import (
    SCHEMA_VERSION,
    IndexEntry,
    QueryError,
    SearchIndex,
    find_all,
    fold,
    plain_text,
)
from reader.core.search_bench import corpus_texts, synthetic_library
from reader.core.search_query import parse_query
from reader.core.search_text import clean, make_snippet, snippet_of_packed

HANDMADE: list[tuple[str, str]] = [
    ("猫の日", "今日は猫の日です。吾輩は猫である。名前はまだ無い。"),
    ("小米上市", "小米集团今日在香港上市，融资规模超过预期。"),
    ("融资", "这家公司完成了新一轮融资"),  # the term ends the text
    ("Apple News", "The APPLE event: iPhone 15 Pro ships. Open Source wins."),
    ("Straße café", "Über die STRASSE ins Café; naïve résumé. Καλημέρα κόσμε."),
    ("混合 mixed", "Re：从零开始的异世界生活 2nd season, アニメ放送 in 2021年"),
    ("短", "猫"),  # a one-character text
    ("", "open source is the source of open things"),
    ("Empty body", ""),
    ("ガンダム", "機動戦士ガンダム 水星の魔女 — ガンダムの新作アニメ"),
]

QUERIES = [
    # Latin words, any case, and phrases
    "apple",
    "APPLE",
    "the",
    "source",
    "open source",
    '"open source"',
    '"source of open"',
    "café",
    "straße",
    "καλημέρα",
    "a",
    "go",
    "s",
    # Chinese: 1, 2, 3+ characters
    "猫",
    "的",
    "上",
    "上市",
    "融资",
    "公司",
    "人工智能",
    "异世界",
    # Japanese
    "の",
    "ガ",
    "アニメ",
    "放送",
    "吾輩は猫",
    "ガンダム",
    # mixed and several terms (AND)
    "Re：从零",
    "iphone 15",
    "2021年",
    "猫 日",
    "上市 融资",
    "猫 the",
    "source 的",
    '"2nd season"',
    "zzzz-not-there",
    "猫猫",
]


def _entries(texts: Iterable[tuple[str, str]]) -> list[tuple[IndexEntry, str]]:
    rng = random.Random(3)
    posts = []
    for number, (title, body) in enumerate(texts):
        entry = IndexEntry(
            path=f"posts/{number:04d}.md",
            content_hash=str(number),
            title=title,
            date=datetime(2020, 1, 1, tzinfo=UTC).replace(day=1 + rng.randrange(28)),
        )
        posts.append((entry, body))
    return posts


def _build(tmp_path: Path, posts: list[tuple[IndexEntry, str]]) -> SearchIndex:
    index = SearchIndex(tmp_path / "search.db")
    bodies = {entry.path: body for entry, body in posts}
    progress = list(index.update((e for e, _ in posts), bodies.get))
    assert progress[-1].finished
    assert progress[-1].done == progress[-1].total == len(posts)
    return index


def _brute(posts: list[tuple[IndexEntry, str]], query: str) -> set[str]:
    """A plain substring scan over the same plain text the index holds."""
    terms = parse_query(query).terms
    found = set()
    for path, fields in _folded(posts):
        if all(any(term in field for field in fields) for term in terms):
            found.add(path)
    return found


_FOLDED: list[tuple[list[tuple[IndexEntry, str]], list[tuple[str, tuple[str, str]]]]] = []


def _title_text(title: str) -> str:
    """A title is text, not Markdown: "+ 287" keeps its "+" (no list marker to strip)."""
    return clean(sanitize_line(title))


def _folded(posts: list[tuple[IndexEntry, str]]) -> list[tuple[str, tuple[str, str]]]:
    """Folded plain text of `posts`, computed once per list (the cache keeps the list alive)."""
    if not _FOLDED or _FOLDED[0][0] is not posts:
        folded = [(e.path, (fold(_title_text(e.title)), fold(plain_text(b)))) for e, b in posts]
        _FOLDED[:] = [(posts, folded)]
    return _FOLDED[0][1]


def _paths(index: SearchIndex, query: str, **kwargs: object) -> set[str]:
    results = index.query(query, limit=100_000, **kwargs)  # type: ignore[arg-type]
    assert results.total == len(results.hits)
    return {hit.path for hit in results.hits}


@pytest.fixture
def handmade(tmp_path: Path) -> tuple[SearchIndex, list[tuple[IndexEntry, str]]]:
    posts = _entries(HANDMADE)
    return _build(tmp_path, posts), posts


@pytest.mark.parametrize("query", QUERIES)
def test_results_equal_brute_force_handmade(
    handmade: tuple[SearchIndex, list[tuple[IndexEntry, str]]], query: str
) -> None:
    index, posts = handmade
    assert _paths(index, query) == _brute(posts, query)


def test_handmade_expectations(
    handmade: tuple[SearchIndex, list[tuple[IndexEntry, str]]],
) -> None:
    index, posts = handmade
    titles = {e.path: e.title for e, _ in posts}
    assert {titles[p] for p in _paths(index, "猫")} == {"猫の日", "短"}
    assert {titles[p] for p in _paths(index, "融资")} == {"小米上市", "融资"}
    assert {titles[p] for p in _paths(index, "STRASSE")} == {"Straße café"}
    assert _paths(index, '"source of open"') == _paths(index, '"SOURCE OF OPEN"')
    assert not _paths(index, '"open  wins"')


@pytest.mark.slow
def test_results_equal_brute_force_on_corpus_posts(corpus: Path, tmp_path: Path) -> None:
    posts = synthetic_library(corpus, 600, seed=5)
    posts += [
        (IndexEntry(f"real/{n}.md", "r", t), b) for n, (t, b) in enumerate(corpus_texts(corpus))
    ]
    index = _build(tmp_path, posts)
    rng = random.Random(9)
    bodies = [fold(body) for _, body in posts]
    queries = list(QUERIES)
    for size in (1, 2, 3, 5):  # substrings drawn from the texts: CJK, Latin, mixed
        for _ in range(15):
            body = rng.choice([b for b in bodies if len(b) > size])
            at = rng.randrange(len(body) - size)
            term = body[at : at + size].strip().replace('"', "")
            if term:
                queries.append(f'"{term}"')
    for query in queries:
        assert _paths(index, query) == _brute(posts, query), query


def test_ranking_title_hits_then_relevance_then_recency(tmp_path: Path) -> None:
    posts = [
        (IndexEntry("a.md", "1", "nothing", datetime(2024, 1, 1, tzinfo=UTC)), "猫"),
        (IndexEntry("b.md", "2", "猫 in title", datetime(2020, 1, 1, tzinfo=UTC)), "x"),
        (IndexEntry("c.md", "3", "more", datetime(2021, 1, 1, tzinfo=UTC)), "猫 猫 猫"),
        (IndexEntry("d.md", "4", "newest", datetime(2025, 1, 1, tzinfo=UTC)), "猫"),
    ]
    index = _build(tmp_path, posts)
    assert [h.path for h in index.query("猫").hits] == ["b.md", "c.md", "d.md", "a.md"]
    posts = [
        (IndexEntry("e.md", "1", "zebra crossing", datetime(2020, 1, 1, tzinfo=UTC)), "x"),
        (IndexEntry("f.md", "2", "other", datetime(2024, 1, 1, tzinfo=UTC)), "zebra " * 9),
        (IndexEntry("g.md", "3", "other", datetime(2025, 1, 1, tzinfo=UTC)), "zebra " + "y " * 500),
    ]
    index = _build(tmp_path / "2", posts)
    assert [h.path for h in index.query("zebra").hits] == ["e.md", "f.md", "g.md"]
    assert [h.path for h in index.query("zebra", limit=1).hits] == ["e.md"]
    assert index.query("zebra", limit=1).total == 3


def test_hits_carry_snippet_and_highlights(tmp_path: Path) -> None:
    body = "lead " * 100 + "The Quick brown 狐狸 jumps" + " tail" * 100
    entry = IndexEntry("x.md", "1", "Quick title", datetime(2022, 5, 6, tzinfo=UTC), (("A", "B"),))
    index = _build(tmp_path, [(entry, body)])
    hit = index.query("quick 狐狸").hits[0]
    assert hit.path == "x.md" and hit.title == "Quick title"
    assert hit.date == datetime(2022, 5, 6, tzinfo=UTC)
    assert hit.categories == (("A", "B"),)
    assert hit.snippet.startswith("…") and hit.snippet.endswith("…")
    assert len(hit.snippet) <= 170
    marked = [hit.snippet[s:e] for s, e in hit.highlights]
    assert marked == ["Quick", "狐狸"]
    assert [hit.title[s:e] for s, e in hit.title_highlights] == ["Quick"]


def test_snippet_is_sanitized_plain_text(tmp_path: Path) -> None:
    markdown = "# Head\n\nSome **bold** [link](http://x.test) \x1b]52;c;aGk=\x07evil\x1b[31m red\n"
    index = _build(tmp_path, [(IndexEntry("m.md", "1", "T\x1b[2J"), markdown)])
    hit = index.query("bold").hits[0]
    assert hit.snippet == "Head Some bold link evil red"
    assert hit.title == "T"
    assert "\x1b" not in hit.snippet


def test_snippet_of_packed_text_equals_the_snippet_of_the_whole_text() -> None:
    """Unpacking only the start of a post gives the same snippet as unpacking all of it."""
    rng = random.Random(12)
    words = ["猫", "上市", "融资", "open", "Source", "ΣΑΣ", "𠮷", "x", "の", "公司"]
    for _ in range(400):
        size = rng.choice((0, 5, 150, 159, 160, 161, 700, 5000, 40_000))
        body = " ".join(rng.choice(words) for _ in range(size // 3))
        if rng.random() < 0.3:
            body = "lead " * rng.randrange(2000) + body
        terms = tuple(fold(t) for t in rng.sample(words, rng.randint(1, 3)))
        packed = zlib.compress(body.encode("utf-8"), 6)
        assert snippet_of_packed(packed, terms) == make_snippet(body, terms), (size, terms)
    # the exact lengths around the end of the window: "…" only where text was cut
    for length in range(150, 175):
        body = "猫" + "字" * (length - 1)
        packed = zlib.compress(body.encode("utf-8"), 6)
        assert snippet_of_packed(packed, ("猫",)) == make_snippet(body, ("猫",)), length


def test_find_all() -> None:
    assert find_all("Hello hello HELLO", "hello") == [(0, 5), (6, 11), (12, 17)]
    assert find_all("吾輩は猫である。猫", "猫") == [(3, 4), (8, 9)]
    assert find_all("上市上市", "上市") == [(0, 2), (2, 4)]
    assert find_all("aaaa", "aa") == [(0, 2), (2, 4)]
    assert find_all("İstanbul istanbul", "istanbul") == [(9, 17)]  # offsets stay valid
    assert find_all("text", "") == []
    assert find_all("Straße", "STRASSE") == []  # no expanding case folds


def test_plain_text_strips_markdown() -> None:
    markdown = (
        "# Title\n\n> quoted *em* and __strong__ snake_case_name\n\n- item one\n1. first\n\n"
        "```python\ncode_here()\n```\n\n![alt text](img.png) [image: a cat]\n"
        "[ref]: http://example.test\n<div>html &amp; entity</div>\n| a | b |\n|---|---|\n"
        "\\<tag\\> 1\\*2\n"
    )
    text = plain_text(markdown)
    assert text == (
        "Title quoted em and strong snake_case_name item one first code_here() "
        "alt text a cat html & entity a b <tag> 1*2"
    )


def test_incremental_update_and_removal(tmp_path: Path) -> None:
    posts = _entries(HANDMADE)
    index = _build(tmp_path, posts)
    asked: list[str] = []
    bodies = {entry.path: body for entry, body in posts}

    def markdown_for(path: str) -> str:
        asked.append(path)
        return "一个新的句子 zebra" if path == posts[1][0].path else bodies[path]

    changed = IndexEntry(posts[1][0].path, "new-hash", posts[1][0].title, posts[1][0].date)
    entries = [changed] + [e for e, _ in posts[2:]]  # posts[0] is gone
    progress = list(index.update(entries, markdown_for))
    assert asked == [changed.path]
    assert progress[-1].removed == 1 and progress[-1].total == 1 and progress[-1].finished
    assert _paths(index, "zebra") == {changed.path}
    assert _paths(index, "融资") == {posts[2][0].path}  # the old text is gone from the index
    assert posts[0][0].path not in _paths(index, "猫")
    assert len(index) == len(posts) - 1
    assert list(index.update(entries, markdown_for))[-1].total == 0  # nothing to do


def test_an_update_indexes_exactly_the_changed_posts_of_a_big_library(tmp_path: Path) -> None:
    """Changed posts are looked up chunk by chunk: those on both sides of a chunk's end count."""
    posts = _entries((f"title {n}", f"body {n}") for n in range(2000))
    index = _build(tmp_path, posts)
    picked = {0, 899, 900, 901, 1799, 1999}
    asked: list[str] = []

    def markdown_for(path: str) -> str:
        asked.append(path)
        return "quokka"

    entries = [
        IndexEntry(e.path, "new", e.title, e.date) if n in picked else e
        for n, (e, _) in enumerate(posts)
    ]
    progress = list(index.update(entries, markdown_for))
    assert sorted(asked) == sorted(posts[n][0].path for n in picked)
    assert progress[-1].total == progress[-1].done == len(picked)
    assert _paths(index, "quokka") == {posts[n][0].path for n in picked}


def test_update_with_nothing_to_do_keeps_the_index_complete(tmp_path: Path) -> None:
    """A reader querying while an idle update runs never sees the index as incomplete."""
    posts = _entries(HANDMADE)
    index = _build(tmp_path, posts)
    bodies = {entry.path: body for entry, body in posts}
    progress = []
    for step in index.update((e for e, _ in posts), bodies.get):
        assert index.query("猫").complete
        progress.append(step)
    assert progress == [progress[-1]] and progress[-1].finished and progress[-1].total == 0


def test_cancel_keeps_work_and_flags_incomplete(tmp_path: Path) -> None:
    posts = _entries([(f"title {n}", f"body {n} 猫") for n in range(450)])
    index = SearchIndex(tmp_path / "search.db")
    assert not index.complete
    cancel = threading.Event()
    bodies = {entry.path: body for entry, body in posts}
    for progress in index.update((e for e, _ in posts), bodies.get, cancel):
        if progress.done:
            cancel.set()
    assert not progress.finished
    assert 0 < len(index) < len(posts)
    results = index.query("猫")
    assert not results.complete
    assert results.total == len(index)
    assert list(index.update((e for e, _ in posts), bodies.get))[-1].finished
    assert index.query("猫").complete
    assert index.query("猫").total == len(posts)


def test_query_while_updating_from_another_thread(tmp_path: Path) -> None:
    posts = _entries([(f"t{n}", "猫 " * 50) for n in range(600)])
    index = SearchIndex(tmp_path / "search.db")
    bodies = {entry.path: body for entry, body in posts}
    worker = threading.Thread(target=lambda: list(index.update((e for e, _ in posts), bodies.get)))
    worker.start()
    while worker.is_alive():
        index.query("猫")
    worker.join()
    assert index.query("猫").total == 600


def test_two_indexes_on_one_file_update_concurrently(tmp_path: Path) -> None:
    """Two instances (as two app sessions) indexing the same library at once stay consistent."""
    posts = _entries([(f"t{n}", f"正文 {n} 猫") for n in range(500)])
    bodies = {entry.path: body for entry, body in posts}
    first = SearchIndex(tmp_path / "search.db")
    second = SearchIndex(tmp_path / "search.db")
    threads = [
        threading.Thread(target=lambda i=i: list(i.update((e for e, _ in posts), bodies.get)))
        for i in (first, second)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for index in (first, second):
        assert len(index) == 500
        assert _paths(index, "猫") == {e.path for e, _ in posts}
        assert _paths(index, "正文 1") == _brute(posts, "正文 1")


def test_damaged_index_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "search.db"
    path.write_bytes(b"this is not a database" * 100)
    index = SearchIndex(path)
    assert index.notices and "rebuilt" in index.notices[0]
    assert index.query("x").total == 0
    _build(tmp_path / "again", _entries(HANDMADE))


def test_index_of_an_older_version_is_rebuilt(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "search.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE docs(x)")  # the last version kept bodies in docs
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    connection.close()
    index = SearchIndex(path)
    assert index.notices and "rebuilt" in index.notices[0]
    posts = _entries(HANDMADE)
    bodies = {entry.path: body for entry, body in posts}
    assert list(index.update((e for e, _ in posts), bodies.get))[-1].finished
    assert _paths(index, "猫") == _brute(posts, "猫")


def test_removing_every_post_leaves_no_rows_behind(tmp_path: Path) -> None:
    posts = _entries(HANDMADE)
    index = _build(tmp_path, posts)
    assert list(index.update([], lambda path: None))[-1].removed == len(posts)
    connection = index._conn()
    for table in ("docs", "bodies", "chars", "fts_terms"):
        assert connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table
    assert index.query("猫").total == 0


def test_undecodable_path_round_trips(tmp_path: Path) -> None:
    path = b"caf\xe9/\xff.md".decode("utf-8", "surrogateescape")
    index = _build(tmp_path, [(IndexEntry(path, "1", "t\udcff"), "unique words")])
    assert [h.path for h in index.query("unique").hits] == [path]


# -- qualifiers -------------------------------------------------------------------------------


@pytest.fixture
def library(tmp_path: Path) -> SearchIndex:
    def entry(path: str, title: str, day: str, **kw: object) -> IndexEntry:
        date = datetime.fromisoformat(day).replace(tzinfo=UTC) if day else None
        return IndexEntry(path, path, title, date, **kw)  # type: ignore[arg-type]

    posts = [
        (
            entry(
                "a.md",
                "Alpha",
                "2020-01-01",
                categories=(("Tech", "Linux"),),
                tags=("Shell",),
                author="Alice Smith",
            ),
            "cat text",
        ),
        (
            entry(
                "b.md",
                "Beta",
                "2021-06-15",
                categories=(("Tech", "Mac OS"),),
                tags=("apple",),
                author="Bob",
            ),
            "cat text",
        ),
        (
            entry(
                "c.md",
                "Gamma",
                "2021-06-16T00:00:00",
                categories=(("生活", "猫"),),
                tags=("日記", "shell"),
                author="猫好き",
            ),
            "cat text",
        ),
        (entry("d.md", "Delta", "", categories=(), author=None), "cat text"),
    ]
    return _build(tmp_path, posts)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("cat:tech", {"a.md", "b.md"}),
        ("cat:LINUX", {"a.md"}),
        ('cat:"mac os"', {"b.md"}),
        ("cat:tech/linux", {"a.md"}),
        ("cat:tech/lin", set()),
        ("cat:猫", {"c.md"}),
        ("cat:lin", set()),
        ("tag:shell", {"a.md", "c.md"}),
        ("tag:日記", {"c.md"}),
        ("tag:app", set()),
        ("author:alice", {"a.md"}),
        ('author:"alice smith"', {"a.md"}),
        ("author:猫", {"c.md"}),
        ("after:2021-06-15", {"b.md", "c.md"}),
        ("after:2021-06-16", {"c.md"}),
        ("before:2021-06-16", {"a.md", "b.md"}),
        ("after:2020-06-01 before:2021-06-16", {"b.md"}),
        ("cat:tech tag:apple", {"b.md"}),
        ("text cat:tech after:2021-01-01", {"b.md"}),
        ("te cat:生活", {"c.md"}),
        ("CAT:tech AUTHOR:bob", {"b.md"}),
        ("http://x.test", set()),  # a colon alone makes a word, not a qualifier
    ],
)
def test_qualifiers(library: SearchIndex, query: str, expected: set[str]) -> None:
    assert _paths(library, query) == expected


def test_is_unread_and_is_bookmarked(library: SearchIndex) -> None:
    def read() -> list[str]:
        return ["a.md", "b.md"]

    def marked() -> list[str]:
        return ["b.md", "d.md", "gone.md"]

    assert _paths(library, "is:unread", read=read, bookmarked=marked) == {"c.md", "d.md"}
    assert _paths(library, "is:bookmarked", read=read, bookmarked=marked) == {"b.md", "d.md"}
    assert _paths(library, "cat is:bookmarked is:unread", read=read, bookmarked=marked) == {"d.md"}
    with pytest.raises(QueryError):
        library.query("is:unread")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('"open source', "quote is not closed"),
        ("cat:", "needs a value"),
        ('tag:"', "quote is not closed"),
        ("is:starred", "is:starred is not known"),
        ("after:2021-13-01", "not a date"),
        ("before:yesterday", "not a date"),
        ("after:2021-1-1", "not a date"),
    ],
)
def test_bad_queries_give_short_messages(library: SearchIndex, query: str, message: str) -> None:
    with pytest.raises(QueryError) as caught:
        library.query(query)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value) and len(str(caught.value)) < 80


def test_empty_query_finds_nothing(library: SearchIndex) -> None:
    assert library.query("").hits == []
    assert library.query('   ""  ').total == 0


def test_parse_query() -> None:
    query = parse_query('Foo  "Bar   Baz" cat:"A b" tag:x is:UNREAD after:2020-01-02 foo')
    assert query.terms == ("foo", "bar baz")
    assert query.categories == ("a b",)
    assert query.tags == ("x",)
    assert query.unread and not query.bookmarked
    assert str(query.after) == "2020-01-02"


@pytest.mark.parametrize("bound", ["COUNT_LIMIT", "COUNT_BYTES"])
def test_past_the_count_limit_a_page_is_checked_and_the_total_estimated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bound: str
) -> None:
    """Many candidates: only enough are checked to fill the page, which is still exactly the
    first page of the full answer; asking for every result checks every candidate."""
    posts = []
    for number in range(40):
        # every post holds the trigrams 上市 / 市融; only some hold the term 上市融资
        body = "上市融资 公司" if number % 3 else "上市 市融 资公司"
        title = "上市融资 title" if number % 7 == 0 else f"post {number}"
        date = datetime(2020, 1, 1, tzinfo=UTC) + timedelta(days=number)
        posts.append((IndexEntry(f"p{number:02d}.md", str(number), title, date), body))
    index = _build(tmp_path, posts)
    everything = index.query('"上市融资"', limit=1000)
    assert everything.total_exact and everything.total == len(everything.hits)
    expected = {e.path for e, body in posts if "上市融资" in body or "上市融资" in e.title}
    assert {h.path for h in everything.hits} == expected
    monkeypatch.setattr(search_select, bound, 5)  # now ranked by title hits, then newest
    whole = index.query('"上市融资"', limit=1000)
    assert whole.total_exact and {h.path for h in whole.hits} == expected
    page = index.query('"上市融资"', limit=4)
    assert [h.path for h in page.hits] == [h.path for h in whole.hits[:4]]
    assert not page.total_exact and len(page.hits) <= page.total <= len(posts)


def test_a_page_counts_only_the_posts_still_indexed(tmp_path: Path) -> None:
    """A removed post's ids stay in the postings until they are merged: the total of a page
    must not count them."""
    posts = [(IndexEntry(f"p{n:02d}.md", str(n), f"title {n}"), "猫 and a word") for n in range(20)]
    index = _build(tmp_path, posts)
    assert index.query("猫", limit=2).total == 20
    assert index.query("word", limit=2).total == 20
    bodies = {entry.path: body for entry, body in posts}
    list(index.update([entry for entry, _ in posts[1:]], bodies.get))  # too few to merge
    assert index.query("猫", limit=2).total == 19
    assert index.query("word", limit=2).total == 19
    list(index.update([entry for entry, _ in posts[10:]], bodies.get))  # merged
    assert index.query("猫", limit=2).total == 10
    assert index.query("word", limit=2).total == 10
