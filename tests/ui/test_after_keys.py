"""News from background work waits for the keys to pause (reader.after_keys)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from textual.app import App, ComposeResult
from textual.message import Message
from textual.screen import Screen

from reader import after_keys as module
from reader.after_keys import after_keys
from reader.foreground import Foreground
from reader.widgets.article_document import Chunk, Document
from reader.widgets.article_messages import Rendered
from reader.widgets.sync_status import SyncStatus
from tests.ui_helpers import PostSpec, async_test, make_site, running_main, settle


@dataclass
class News(Message):
    number: int


class NewsScreen(Screen[None]):
    def __init__(self) -> None:
        super().__init__()
        self.shown: list[int] = []

    @after_keys
    def on_news(self, message: News) -> None:
        self.shown.append(message.number)


class NewsApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.foreground = Foreground()

    def on_mount(self) -> None:
        self.push_screen(NewsScreen())


async def _until(condition: object, pilot: object, seconds: float = 3.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:  # type: ignore[operator]
        await pilot.pause(0.02)  # type: ignore[attr-defined]


@async_test
async def test_news_waits_for_a_pause_in_the_keys_and_only_the_latest_is_shown() -> None:
    app = NewsApp()
    async with app.run_test() as pilot:
        screen = app.screen
        assert isinstance(screen, NewsScreen)
        screen.post_message(News(1))  # no key: at once
        await pilot.pause()
        assert screen.shown == [1]
        app.foreground.input_arrived()  # a key came
        for number in (2, 3, 4):
            screen.post_message(News(number))
        await pilot.pause()
        assert screen.shown == [1]  # held while the key is answered
        await _until(lambda: len(screen.shown) > 1, pilot)
        assert screen.shown == [1, 4]


@async_test
async def test_keys_held_down_never_hold_news_back_for_long() -> None:
    app = NewsApp()
    async with app.run_test() as pilot:
        screen = app.screen
        assert isinstance(screen, NewsScreen)
        app.foreground.input_arrived()
        screen.post_message(News(1))
        started = time.monotonic()
        while not screen.shown and time.monotonic() - started < 3:
            app.foreground.input_arrived()  # a key every 20 ms, without pause
            await pilot.pause(0.02)
        assert screen.shown == [1]
        assert time.monotonic() - started >= module.LONGEST_WAIT - 0.05


class StatusApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.foreground = Foreground()

    def compose(self) -> ComposeResult:
        yield SyncStatus()


@async_test
async def test_the_status_line_goes_away_once_the_keys_pause_unless_news_came() -> None:
    app = StatusApp()
    async with app.run_test() as pilot:
        status = app.query_one(SyncStatus)
        status.remove_class("-idle")
        app.foreground.input_arrived()  # a key came just now
        status.hide_later(0.01)
        await pilot.pause(0.05)
        assert status.display  # its time is up, but the key is being answered
        await _until(lambda: not status.display, pilot)
        assert not status.display
        status.remove_class("-idle")
        status.hide_later(0.01)
        status.hide_later(None)  # a newer report keeps it
        await pilot.pause(0.1)
        assert status.display


@async_test
async def test_the_rest_of_a_post_waits_while_a_key_is_answered(tmp_path: Path) -> None:
    """Lines after a post's first screen, rendered while a key is answered, are added once
    the keys pause (its repaint is not part of that key's answer), all of them, in order."""
    body = "".join(f"Paragraph {n} of a post longer than the screen.\n\n" for n in range(60))
    site = make_site(tmp_path / "site", [PostSpec("long.md", "Long", "2024-01-01", ["T"], body)])
    async with running_main(site, tmp_path / "data", size=(80, 24)) as (app, pilot, screen):
        await pilot.press("enter")
        await settle(app, pilot)
        view = screen.article
        doc = view._doc
        assert doc is not None and doc.complete
        lines = list(doc.lines)
        first, second = doc.lines[:3], doc.lines[3:8]
        app.foreground.input_arrived()  # a key is being answered
        for chunk, done in ((first, False), (second, True)):
            more = Chunk(chunk, [], [], doc.consumed)
            view.post_message(Rendered(view._generation, more, done, None))
        await pilot.pause()
        assert doc.lines == lines  # held
        await _until(lambda: len(doc.lines) > len(lines), pilot)
        assert doc.lines == lines + first + second
        empty = Document(doc.path, doc.article, doc.width, look=doc.look)
        view._set_document(empty)  # a post loading: its first screen is never held
        app.foreground.input_arrived()
        view.post_message(Rendered(view._generation, Chunk(first, [], [], 0), False, None))
        await pilot.pause()
        assert empty.lines == first
