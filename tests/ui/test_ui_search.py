"""Pilot tests of the search screen: search as you type, status, bad queries, Enter opens."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from reader.core.search import IndexEntry, IndexProgress, SearchIndex, SearchResults
from reader.screens.search import SearchResult, SearchScreen
from tests.ui_helpers import async_test

POSTS = [
    (
        "cats.md",
        "吾輩は猫である",
        "吾輩は猫である。名前はまだ無い。どこで生れたかとんと見当がつかぬ。",
    ),
    ("ipo.md", "小米上市", "小米集团今日在香港上市，融资规模超过预期，猫也来了。"),
    ("apple.md", "Apple news", "The Apple event: a new iPhone. Nothing about [markup] here."),
    ("esc.md", "Evil \x1b]0;title\x07 post", "contains \x1b[31mred\x1b[0m words and 猫"),
]


class FakeLibrary:
    """The two Library methods the screen uses, over a real SearchIndex."""

    def __init__(self, db: Path, *, built: bool = True) -> None:
        self.index = SearchIndex(db)
        self.entries = [
            IndexEntry(path, path, title, datetime(2021, 1, 1 + n, tzinfo=UTC), (("Cat", "Sub"),))
            for n, (path, title, _) in enumerate(POSTS)
        ]
        self.bodies = {path: body for path, _, body in POSTS}
        self.updates = 0
        if built:
            list(self.update_search())

    def search(self, query: str, *, limit: int = 50) -> SearchResults:
        return self.index.query(query, limit=limit)

    def update_search(self, cancel: threading.Event | None = None) -> Iterator[IndexProgress]:
        self.updates += 1
        return self.index.update(self.entries, self.bodies.get, cancel)


class SearchApp(App[None]):
    def __init__(self, library: FakeLibrary) -> None:
        super().__init__()
        self.library = library
        self.answer: SearchResult | str | None = "not yet"

    def on_mount(self) -> None:
        self.push_screen(SearchScreen(self.library), self._done)

    def _done(self, result: SearchResult | None) -> None:
        self.answer = result


async def _settle(pilot: object, screen: SearchScreen) -> None:
    for _ in range(100):
        await pilot.pause(0.02)  # type: ignore[attr-defined]
        if not screen.pending and not screen.workers:
            return
    raise AssertionError("search did not settle")


@asynccontextmanager
async def search_screen(
    library: FakeLibrary,
) -> AsyncIterator[tuple[SearchApp, Pilot[None], SearchScreen]]:
    """The search screen over `library` in a bare app; yields (app, pilot, screen)."""
    app = SearchApp(library)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        yield app, pilot, screen


async def _search(pilot: Pilot[None], screen: SearchScreen, text: str) -> None:
    """Set the query to `text` (no typing) and wait for its results."""
    screen.query_one(Input).value = text
    await _settle(pilot, screen)


def _titles(screen: SearchScreen) -> list[str]:
    return [hit.title for hit in screen.hits]


@async_test
async def test_results_update_as_you_type(tmp_path: Path) -> None:
    async with search_screen(FakeLibrary(tmp_path / "search.db")) as (_app, pilot, screen):
        await pilot.press("猫")
        await _settle(pilot, screen)
        assert set(_titles(screen)) == {"吾輩は猫である", "小米上市", "Evil post"}
        assert _titles(screen)[0] == "吾輩は猫である"  # title hits first
        status = str(screen.query_one("#search-status", Static).render())
        assert "3 results" in status
        await pilot.press("で")  # 猫で: one post
        await _settle(pilot, screen)
        assert _titles(screen) == ["吾輩は猫である"]
        hit = screen.hits[0]
        assert [hit.snippet[s:e] for s, e in hit.highlights] == ["猫で"]
        options = screen.query_one(OptionList)
        assert options.option_count == 1
        await pilot.press("backspace", "backspace")
        for key in "APPLE":
            await pilot.press(key)
        await _settle(pilot, screen)
        assert _titles(screen) == ["Apple news"]


@async_test
async def test_enter_opens_the_highlighted_result_with_its_find_text(tmp_path: Path) -> None:
    async with search_screen(FakeLibrary(tmp_path / "search.db")) as (app, pilot, screen):
        await _search(pilot, screen, "小米上市 融资")
        assert _titles(screen) == ["小米上市"]
        await pilot.press("enter")
        await pilot.pause()
        # "小米上市" is only in the title: find the first term that is in the text
        assert app.answer == SearchResult("ipo.md", "融资")


@async_test
async def test_arrows_move_and_escape_closes(tmp_path: Path) -> None:
    async with search_screen(FakeLibrary(tmp_path / "search.db")) as (app, pilot, screen):
        await pilot.press("猫")
        await _settle(pilot, screen)
        await pilot.press("down", "down", "down", "up")
        assert screen.query_one(OptionList).highlighted == 1
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.answer, SearchResult)
        assert app.answer.path == screen.hits[1].path and app.answer.find == "猫"
    async with search_screen(FakeLibrary(tmp_path / "search2.db")) as (app, pilot, _screen):
        await pilot.press("escape")
        await pilot.pause()
        assert app.answer is None


@async_test
async def test_bad_query_shows_a_message_and_keeps_going(tmp_path: Path) -> None:
    async with search_screen(FakeLibrary(tmp_path / "search.db")) as (_app, pilot, screen):
        await _search(pilot, screen, "猫 after:2021-99-01")
        status = screen.query_one("#search-status", Static)
        assert "not a date" in str(status.render())
        assert status.has_class("-error")
        await _search(pilot, screen, "猫 after:2021-01-02")
        assert not status.has_class("-error")
        assert set(_titles(screen)) == {"小米上市", "Evil post"}


@async_test
async def test_untrusted_text_is_shown_literally(tmp_path: Path) -> None:
    async with search_screen(FakeLibrary(tmp_path / "search.db")) as (_app, pilot, screen):
        await _search(pilot, screen, "words")
        assert _titles(screen) == ["Evil post"]
        await _search(pilot, screen, "markup")
        prompt = screen.query_one(OptionList).get_option_at_index(0).prompt
        assert "[markup]" in str(prompt)
        for hit in screen.hits:
            assert "\x1b" not in hit.title + hit.snippet


@async_test
async def test_incomplete_index_is_built_and_the_query_rerun(tmp_path: Path) -> None:
    library = FakeLibrary(tmp_path / "search.db", built=False)
    async with search_screen(library) as (_app, pilot, screen):
        await pilot.press("猫")
        for _ in range(200):
            await pilot.pause(0.02)
            if len(screen.hits) == 3 and not screen.pending:
                break
        assert library.updates == 1
        assert screen.results is not None and screen.results.complete
        assert len(screen.hits) == 3
        assert "incomplete" not in str(screen.query_one("#search-status", Static).render())
