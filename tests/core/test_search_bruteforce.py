"""Search results equal a brute-force substring scan: random texts, updates, a real library.

Acceptance 1 of the search issue. `test_search.py` compares hand-picked queries on hand-made
and corpus texts; here random texts over a mixed alphabet (Chinese, kana, Latin with case,
Greek, digits, punctuation, spaces, characters outside the BMP) are indexed and every kind of
query (1-, 2-, 3+-character terms, phrases, several terms) is checked against a scan, also
after incremental updates, and end to end through `Library` over real post files.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from reader.core.library import Library
from reader.core.sanitize import sanitize_line
from reader.core.search import IndexEntry, SearchIndex, fold, plain_text
from reader.core.search_query import parse_query
from reader.core.search_text import clean
from tests.factories import open_synced, write_post

# Few distinct characters, so 1-, 2- and 3-character substrings recur across posts.
CHINESE = "上市融资公司猫的是人工智能新一轮"
KANA = "のはがをにアニメガンダムです"
LATIN = "abcABCxyzXYZ"
OTHER = "αβΣ12。，!?-"
RARE = "𠮷😀"  # outside the BMP: one code point, two UTF-16 units, 4 bytes of UTF-8
ALPHABET = CHINESE + KANA + LATIN + OTHER + RARE
SPACE_SHARE = 0.12


def _random_text(rng: random.Random, length: int) -> str:
    return "".join(
        " " if rng.random() < SPACE_SHARE else rng.choice(ALPHABET) for _ in range(length)
    )


def _posts(rng: random.Random, count: int) -> list[tuple[IndexEntry, str]]:
    posts = []
    start = datetime(2020, 1, 1, tzinfo=UTC)
    for number in range(count):
        entry = IndexEntry(
            path=f"p/{number:04d}.md",
            content_hash=f"h{number}",
            title=_random_text(rng, rng.randrange(0, 12)),
            date=start + timedelta(days=number),
        )
        posts.append((entry, _random_text(rng, rng.choice((0, 1, 2, 3, 40, 300)))))
    return posts


def _build(path: Path, posts: list[tuple[IndexEntry, str]]) -> SearchIndex:
    index = SearchIndex(path)
    _update(index, posts)
    return index


def _update(index: SearchIndex, posts: list[tuple[IndexEntry, str]]) -> None:
    bodies = {entry.path: body for entry, body in posts}
    progress = list(index.update((entry for entry, _ in posts), bodies.get))
    assert progress[-1].finished


def _fields(posts: Iterable[tuple[IndexEntry, str]]) -> dict[str, tuple[str, str]]:
    """Folded title and text of each post: the title as shown, the text as read."""
    return {
        entry.path: (fold(clean(sanitize_line(entry.title))), fold(plain_text(body)))
        for entry, body in posts
    }


def _brute(fields: dict[str, tuple[str, str]], query: str) -> set[str]:
    terms = parse_query(query).terms
    if not terms:
        return set()
    return {
        path
        for path, (title, body) in fields.items()
        if all(term in title or term in body for term in terms)
    }


def _found(index: SearchIndex, query: str) -> set[str]:
    results = index.query(query, limit=1_000_000)
    assert results.total == len(results.hits)
    assert len({hit.path for hit in results.hits}) == len(results.hits)  # no duplicates
    return {hit.path for hit in results.hits}


def _queries(rng: random.Random, texts: list[str], count: int) -> list[str]:
    """Substrings of the texts of 1 to 6 characters (quoted, so spaces stay inside), random
    strings that may occur nowhere, and two- and three-term AND queries."""
    queries: list[str] = []
    texts = [text for text in texts if text.strip()]
    for _ in range(count):
        text = rng.choice(texts)
        size = rng.randint(1, 6)
        at = rng.randrange(max(1, len(text) - size + 1))
        piece = " ".join(text[at : at + size].split())
        if piece:
            queries.append(f'"{piece}"')
        queries.append("".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 4))))
        words = [rng.choice(ALPHABET) * rng.randint(1, 2) for _ in range(rng.randint(2, 3))]
        queries.append(" ".join(words))
    return queries


def _assert_same(
    index: SearchIndex, posts: list[tuple[IndexEntry, str]], queries: list[str]
) -> None:
    fields = _fields(posts)
    checked = {1: 0, 2: 0, 3: 0}
    for query in queries:
        expected = _brute(fields, query)
        assert _found(index, query) == expected, query
        for term in parse_query(query).terms:
            if expected:
                checked[min(len(term), 3)] += 1
    # The random queries did exercise every path of the index with hits.
    assert all(count > 10 for count in checked.values()), checked


def test_random_mixed_texts_equal_brute_force(tmp_path: Path) -> None:
    rng = random.Random(20240607)
    posts = _posts(rng, 300)
    index = _build(tmp_path / "search.db", posts)
    texts = [body for _, body in posts] + [entry.title for entry, _ in posts]
    _assert_same(index, posts, _queries(rng, texts, 250))


@pytest.fixture(scope="module")
def every_character(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[SearchIndex, dict[str, tuple[str, str]]]]:
    """One index of random posts for the queries below (queries leave it unchanged)."""
    posts = _posts(random.Random(7), 120)
    index = _build(tmp_path_factory.mktemp("every-character") / "search.db", posts)
    yield index, _fields(posts)
    index.close()


@pytest.mark.parametrize(
    "query",
    [
        # every single character of the alphabet, and each with a space after/before it
        *ALPHABET,
        *(f'"{c} "' for c in "猫アaΣ𠮷"),
        *(f'" {c}"' for c in "猫アaΣ𠮷"),
        # case: Latin and Greek fold, CJK does not
        "ABC",
        "abc",
        "aBc",
        "σ",
        "Σ",
        "𠮷😀",
        "😀 上市",
    ],
)
def test_every_character_and_case_equal_brute_force(
    every_character: tuple[SearchIndex, dict[str, tuple[str, str]]], query: str
) -> None:
    index, fields = every_character
    assert _found(index, query) == _brute(fields, query)


def test_short_terms_at_the_edges_of_title_and_text(tmp_path: Path) -> None:
    """A one- or two-character term that starts or ends a title or a text is found."""
    posts = [
        (IndexEntry("a.md", "1", "猫"), ""),
        (IndexEntry("b.md", "2", ""), "猫"),
        (IndexEntry("c.md", "3", "x 上市"), "y"),
        (IndexEntry("d.md", "4", "t"), "上市 公司"),
        (IndexEntry("e.md", "5", "t"), "公司 上市"),
        (IndexEntry("f.md", "6", "Go"), "go"),
        (IndexEntry("g.md", "7", "t"), "上"),  # half of the two-character term only
        (IndexEntry("h.md", "8", "t"), "市上"),  # its characters reversed
    ]
    index = _build(tmp_path / "search.db", posts)
    assert _found(index, "猫") == {"a.md", "b.md"}
    assert _found(index, "上市") == {"c.md", "d.md", "e.md"}
    assert _found(index, "GO") == {"f.md"}
    assert _found(index, "上") == {"c.md", "d.md", "e.md", "g.md", "h.md"}
    for query in ("猫", "上市", "GO", "上", "市", "市上", "t"):
        assert _found(index, query) == _brute(_fields(posts), query), query


def test_title_and_text_are_separate_fields(tmp_path: Path) -> None:
    """A substring across the end of the title and the start of the text is not a hit."""
    posts = [(IndexEntry("a.md", "1", "上"), "市"), (IndexEntry("b.md", "2", "abc"), "def")]
    index = _build(tmp_path / "search.db", posts)
    assert _found(index, "上市") == set()
    assert _found(index, "cde") == set()
    assert _found(index, '"c d"') == set()


def test_updates_and_removals_keep_results_equal_brute_force(tmp_path: Path) -> None:
    """Changed, retitled, emptied and removed posts leave nothing stale in the index."""
    rng = random.Random(99)
    posts = _posts(rng, 200)
    index = _build(tmp_path / "search.db", posts)
    for round_number in range(3):
        changed: list[tuple[IndexEntry, str]] = []
        for entry, body in posts:
            roll = rng.random()
            if roll < 0.15:
                continue  # removed
            if roll < 0.35:
                body = _random_text(rng, rng.choice((0, 2, 50)))
                entry = IndexEntry(entry.path, f"{entry.content_hash}.{round_number}", entry.title)
            elif roll < 0.45:
                title = _random_text(rng, 5)
                entry = IndexEntry(entry.path, entry.content_hash, title, entry.date)
            changed.append((entry, body))
        for number in range(20):  # new posts
            path = f"new/{round_number}-{number}.md"
            changed.append((IndexEntry(path, path, _random_text(rng, 6)), _random_text(rng, 80)))
        posts = changed
        _update(index, posts)
        assert len(index) == len(posts)
        texts = [body for _, body in posts] + [entry.title for entry, _ in posts]
        _assert_same(index, posts, _queries(rng, texts, 120))


# -- end to end: files on disk, through Library ----------------------------------------------

FILES = {
    "cats.md": ("吾輩は猫である", "吾輩は猫である。名前はまだ無い。どこで生れたか見当がつかぬ。"),
    "ipo.md": ("小米上市", "小米集团今日在香港上市，融资规模超过预期。"),
    "funding.md": ("新一轮", "这家公司完成了新一轮融资"),
    "apple.md": ("Apple News", "The APPLE event: iPhone 15 Pro ships. Open Source wins."),
    "mixed.md": ("混合 Mixed", "Re从零开始的异世界生活 2nd season アニメ放送 in 2021年"),
    "gundam.md": ("ガンダム", "機動戦士ガンダム 水星の魔女 ガンダムの新作アニメ"),
    "open.md": ("Open", "open source is the source of open things"),
    "cat1.md": ("猫", "短い"),
    "sub/deep.md": ("Deep 深い", "深层的文章 in a folder, with the word ship"),
}
LIBRARY_QUERIES = [
    "apple",
    "Apple NEWS",
    "ship",
    "source",
    '"open source"',
    '"source of open"',
    '"open  SOURCE"',
    "猫",
    "の",
    "融资",
    "上市",
    "新一轮",
    "异世界生活",
    "吾輩は猫",
    "アニメ",
    "ガ",
    "放送",
    "2021年",
    "2nd アニメ",
    "re从零",
    "猫 名前",
    "深",
    "deep 深い",
    "nothing-like-this",
]


def _write_site(root: Path) -> Path:
    (root / "_config.yml").parent.mkdir(parents=True, exist_ok=True)
    (root / "_config.yml").write_text("title: t\n", encoding="utf-8")
    for name, (title, body) in FILES.items():
        write_post(
            root / "source" / "_posts", name, title, date="2024-01-02 03:04:05", body=f"{body}\n"
        )
    return root


def _open(site: Path, data: Path) -> Library:
    library = open_synced(site, data)
    progress = list(library.update_search())
    assert progress[-1].finished
    return library


@pytest.fixture(scope="module")
def searched_library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    """One indexed library for every query below (the queries only read it)."""
    root = tmp_path_factory.mktemp("searched")
    library = _open(_write_site(root / "site"), root / "data")
    try:
        yield library
    finally:
        library.close()


@pytest.mark.parametrize("query", LIBRARY_QUERIES)
def test_library_search_equals_a_scan_of_the_files(searched_library: Library, query: str) -> None:
    """The bodies are plain text, so a scan of what was written is the reference."""
    terms = parse_query(query).terms
    expected = {
        name
        for name, (title, body) in FILES.items()
        if all(term in fold(title) or term in fold(body) for term in terms)
    }
    results = searched_library.search(query, limit=100)
    assert {hit.path for hit in results.hits} == expected
    assert results.total == len(expected)
    assert results.complete


def test_library_search_follows_file_changes(tmp_path: Path) -> None:
    site = _write_site(tmp_path / "site")
    library = _open(site, tmp_path / "data")
    try:
        assert {h.path for h in library.search("融资").hits} == {"ipo.md", "funding.md"}
        posts = site / "source" / "_posts"
        (posts / "funding.md").unlink()
        text = (posts / "cats.md").read_text(encoding="utf-8").replace("猫", "犬")
        (posts / "cats.md").write_text(text + "\n融资\n", encoding="utf-8")
        for _ in library.sync():
            pass
        assert list(library.update_search())[-1].finished
        assert {h.path for h in library.search("融资").hits} == {"ipo.md", "cats.md"}
        assert {h.path for h in library.search("猫").hits} == {"cat1.md"}
        assert {h.path for h in library.search("犬").hits} == {"cats.md"}
    finally:
        library.close()
