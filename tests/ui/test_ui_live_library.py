"""The library followed while the app runs: posts written, changed and removed on disk show up
without a key (real files, the real watcher, the app under Pilot). Nothing is timed: each test
waits for what it expects, with a generous deadline."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.widgets import Label

from reader.app import ReaderApp
from reader.core.config import Config
from reader.core.library import Library
from reader.core.paths import StorePaths
from reader.screens.live_library import LiveLibrary
from reader.screens.main import MainScreen
from reader.widgets.footer import ReaderFooter
from tests.factories import write_post
from tests.ui_helpers import (
    PostSpec,
    async_test,
    main_screen,
    make_site,
    running_main,
    screen_lines,
    send_batch,
    settle,
)

WATCHING = Config(search_index="on_search", watch=True)
DEADLINE = 20.0


def titles(screen: MainScreen) -> list[str]:
    rows = (screen.posts.row(index) for index in range(len(screen.posts)))
    return [row.title for row in rows if row is not None]


def status(screen: MainScreen) -> str:
    return str(screen.query_one("#sync-label", Label).content)


async def until(app: ReaderApp, pilot: Any, condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + DEADLINE
    while not condition():
        assert time.monotonic() < deadline, "not seen in time"
        await asyncio.sleep(0.05)
        await settle(app, pilot)


@async_test
async def test_posts_written_and_removed_on_disk_come_and_go_by_themselves(
    tmp_path: Path,
) -> None:
    site = make_site(tmp_path / "site", (PostSpec("a.md", "First", "2024-01-02", ["Tech"]),))
    posts = site / "source" / "_posts"
    async with running_main(site, tmp_path / "data", config=WATCHING) as (app, pilot, screen):
        assert titles(screen) == ["First"]
        write_post(posts, "b.md", "Written later", date="2024-01-03 10:00:00")
        await until(app, pilot, lambda: "Written later" in titles(screen))
        assert status(screen) == "1 new post"
        write_post(posts, "a.md", "First, retitled", date="2024-01-02 10:00:00")
        await until(app, pilot, lambda: "First, retitled" in titles(screen))
        (posts / "b.md").unlink()
        await until(app, pilot, lambda: titles(screen) == ["First, retitled"])
        (posts / "broken.md").write_text("---\ntitle: [unclosed\n---\nBody\n", encoding="utf-8")
        await until(app, pilot, lambda: "with errors" in status(screen))
        assert status(screen) == "1 new post, 1 with errors (see Errors)"


@async_test
async def test_with_watch_off_the_folder_is_left_alone(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", (PostSpec("a.md", "First", "2024-01-02", ["Tech"]),))
    off = Config(search_index="on_search", watch=False)
    async with running_main(site, tmp_path / "data", config=off) as (app, pilot, screen):
        assert not [w for w in app.workers if w.group == "watch"]
        write_post(site / "source" / "_posts", "b.md", "Written later")
        await settle(app, pilot)
        assert titles(screen) == ["First"]


def no_watches_left(*paths: Any, **options: Any) -> Any:
    raise OSError(28, "OS file watch limit reached")


@async_test
async def test_where_watching_fails_it_says_so_and_resyncs_now_and_then(
    tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setattr("reader.screens.live_library.POLL_EVERY", 0.1)
    monkeypatch.setattr("reader.core.watch.POLL_EVERY", 0.1)
    original = LiveLibrary.__init__

    def failing(self: LiveLibrary, screen: Any, watcher: Any = None) -> None:
        original(self, screen, no_watches_left)

    monkeypatch.setattr(LiveLibrary, "__init__", failing)
    site = make_site(tmp_path / "site", (PostSpec("a.md", "First", "2024-01-02", ["Tech"]),))
    paths = StorePaths.default(tmp_path / "data")
    app = ReaderApp(Library.open(site, paths=paths), WATCHING, paths=paths)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            screen = main_screen(app)
            await until(app, pilot, lambda: bool(app._notifications))
            said = [n.message for n in app._notifications]
            assert any("Cannot watch the library" in m and "watch limit" in m for m in said)
            write_post(site / "source" / "_posts", "b.md", "Found by a resync")
            await until(app, pilot, lambda: "Found by a resync" in titles(screen))
    finally:
        app.library.close()


def notices(app: ReaderApp) -> list[str]:
    return [notification.message for notification in app._notifications]


def shown(screen: MainScreen) -> str:
    doc = screen.article._doc
    assert doc is not None
    return "\n".join("".join(segment.text for segment in line) for line in doc.lines)


def footer_keys(screen: MainScreen) -> list[str]:
    return [hint.description for hint in screen.query_one(ReaderFooter).hints]


@async_test
async def test_the_open_post_changed_on_disk_is_said_and_r_reloads_it(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", (PostSpec("a.md", "First", "2024-01-02", ["Tech"]),))
    posts = site / "source" / "_posts"
    async with running_main(site, tmp_path / "data", config=WATCHING) as (app, pilot, screen):
        await pilot.press("enter")
        await settle(app, pilot)
        assert "Reload" not in footer_keys(screen)
        write_post(posts, "a.md", "First", date="2024-01-02 10:00:00", body="Words added.\n")
        await until(app, pilot, lambda: any("changed on disk" in n for n in notices(app)))
        assert "Reload" in footer_keys(screen)
        assert "Words added." not in shown(screen)
        await pilot.press("R")
        await settle(app, pilot)
        assert "Words added." in shown(screen)
        assert "Reload" not in footer_keys(screen)


@async_test
async def test_new_posts_show_above_a_cursor_on_top_and_leave_one_below_in_place(
    tmp_path: Path,
) -> None:
    specs = tuple(
        PostSpec(f"p{n}.md", f"Post {n}", f"2024-01-{n + 1:02d}", ["Tech"]) for n in range(40)
    )
    site = make_site(tmp_path / "site", specs)
    posts = site / "source" / "_posts"
    async with running_main(site, tmp_path / "data", config=WATCHING) as (app, pilot, screen):
        assert screen.posts.cursor == 0 and titles(screen)[0] == "Post 39"
        write_post(posts, "new1.md", "Newest one", date="2030-01-01 10:00:00")
        await until(app, pilot, lambda: "Newest one" in titles(screen))
        assert screen.posts.cursor == 0 and screen.posts.scroll_offset.y == 0
        await pilot.press("j", "j")
        await settle(app, pilot)
        below = screen.posts.current
        assert below is not None
        write_post(posts, "new2.md", "Newest two", date="2030-01-02 10:00:00")
        await until(app, pilot, lambda: "Newest two" in titles(screen))
        current = screen.posts.current
        assert current is not None and current.path == below.path


@async_test
async def test_a_closed_post_changed_on_disk_is_not_told_of(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", (PostSpec("a.md", "First", "2024-01-02", ["Tech"]),))
    posts = site / "source" / "_posts"
    async with running_main(site, tmp_path / "data", config=WATCHING) as (app, pilot, screen):
        await pilot.press("enter", "q")
        await settle(app, pilot)
        write_post(posts, "a.md", "First, retitled", date="2024-01-02 10:00:00")
        await until(app, pilot, lambda: "First, retitled" in titles(screen))
        assert not any("changed on disk" in n for n in notices(app))


def header(screen: MainScreen) -> str:
    return "\n".join(shown(screen).splitlines()[:6])


def words(screen: MainScreen) -> list[str]:
    return [line.strip() for line in shown(screen).splitlines() if line.strip()]


@async_test
async def test_the_open_post_removed_from_disk_stays_as_loaded_marked_removed(
    tmp_path: Path,
) -> None:
    site = make_site(tmp_path / "site", (PostSpec("a.md", "First", "2024-01-02", ["Tech"]),))
    async with running_main(site, tmp_path / "data", config=WATCHING) as (app, pilot, screen):
        await pilot.press("enter")
        await settle(app, pilot)
        before = words(screen)
        (site / "source" / "_posts" / "a.md").unlink()
        await until(app, pilot, lambda: any("removed from disk" in n for n in notices(app)))
        await until(app, pilot, lambda: "removed from disk" in header(screen))
        assert "Reload" not in footer_keys(screen)
        assert [w for w in words(screen) if "removed from disk" not in w] == before
        await pilot.resize_terminal(100, 30)  # rendered again: from the text loaded
        await until(app, pilot, lambda: screen.article.rendering_complete)
        assert "removed from disk" in header(screen)
        assert words(screen)[-1] == before[-1]


def changes_text(app: ReaderApp) -> str:
    from reader.screens.changes import ChangesScreen

    assert isinstance(app.screen, ChangesScreen)
    return "\n".join(screen_lines(app))


@async_test
async def test_d_shows_the_words_changed_since_the_post_was_read(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", (PostSpec("a.md", "First", "2024-01-02", ["Tech"]),))
    posts = site / "source" / "_posts"
    write_post(posts, "a.md", "First", date="2024-01-02 10:00:00", body="The cat sat here.\n")
    async with running_main(site, tmp_path / "data", config=WATCHING) as (app, pilot, screen):
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("q")
        write_post(posts, "a.md", "First", date="2024-01-02 10:00:00", body="The dog sat here.\n")
        await until(app, pilot, lambda: bool(screen.posts.current and screen.posts.current.updated))
        await pilot.press("d")
        await until(app, pilot, lambda: "added" in changes_text(app))
        text = changes_text(app)
        assert "[-cat-]" in text and "{+dog+}" in text
        assert "1 word added, 1 word removed" in text
        await pilot.press("escape")
        await pilot.press("enter")  # read anew: `d` in the post still shows what changed
        await settle(app, pilot)
        assert screen.posts.current is not None and not screen.posts.current.updated
        await pilot.press("d")
        await until(app, pilot, lambda: "added" in changes_text(app))
        assert "{+dog+}" in changes_text(app)
        await pilot.press("q")
        await pilot.press("q", "j", "k")  # the post closed and another one looked at: still
        await pilot.press("d")
        await until(app, pilot, lambda: "added" in changes_text(app))


@async_test
async def test_d_on_a_post_with_nothing_to_compare_says_why(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", (PostSpec("a.md", "First", "2024-01-02", ["Tech"]),))
    async with running_main(site, tmp_path / "data", config=WATCHING) as (app, pilot, screen):
        await pilot.press("d")
        await until(app, pilot, lambda: "not been read" in changes_text(app))
        await pilot.press("d")  # d closes it too
        assert app.screen is screen
        send_batch(app, "d", "escape")  # closed before the comparison is done: no harm
        await settle(app, pilot)
        assert app.screen is screen and app.is_running
