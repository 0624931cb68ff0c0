"""Helpers for the UI tests: small real libraries on disk and an app opened on them."""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from textual import events
from textual.app import App
from textual.message_pump import MessagePump
from textual.pilot import Pilot
from textual.worker import Worker, WorkerFailed, WorkerState

from reader.app import ReaderApp
from reader.core.config import Config
from reader.core.library import Folder, Library
from reader.core.paths import StorePaths
from reader.screens.main import MainScreen
from reader.widgets.folder_tree import FolderTree
from reader.worker_wait import wait_until_ended
from tests.factories import write_post


def async_test(function: Callable[..., Coroutine[object, object, None]]) -> Callable[..., None]:
    """Run an async test function with asyncio (no async pytest plugin is needed)."""

    @functools.wraps(function)
    def wrapper(*args: object, **kwargs: object) -> None:
        asyncio.run(function(*args, **kwargs))

    return wrapper


@dataclass(frozen=True)
class PostSpec:
    name: str
    title: str
    date: str
    categories: Sequence[str] = ()
    body: str = "Some text.\n"


DEFAULT_POSTS = (
    PostSpec("alpha.md", "Alpha post", "2024-01-01 10:00:00", ["Tech", "Python"]),
    PostSpec("beta.md", "Beta post", "2024-01-02 10:00:00", ["Tech"]),
    PostSpec("gamma.md", "Gamma 中文标题", "2024-01-03 10:00:00", ["Life"]),
    PostSpec("delta.md", "Delta post", "2024-01-04 10:00:00", ["Life"]),
)


def make_site(root: Path, posts: Sequence[PostSpec] = DEFAULT_POSTS) -> Path:
    """A Hexo site with `posts` under source/_posts; returns the site root."""
    folder = root / "source" / "_posts"
    folder.mkdir(parents=True, exist_ok=True)
    (root / "_config.yml").write_text("title: test\n", encoding="utf-8")
    for post in posts:
        write_post(
            folder,
            post.name,
            post.title,
            date=post.date,
            categories=post.categories,
            body=f"\n# First\n\n{post.body}\n## Second\n\nMore text.\n",
        )
    return root


def site_and_data(tmp_path: Path) -> tuple[Path, Path]:
    """The default site (DEFAULT_POSTS) under `tmp_path` and a data dir beside it."""
    return make_site(tmp_path / "site"), tmp_path / "data"


def row_titles(screen: MainScreen) -> list[str]:
    """The titles of the list's rows, top to bottom."""
    posts = screen.posts
    return [row.title for i in range(len(posts)) if (row := posts.row(i)) is not None]


NARROW = (80, 24)
"""The apps' default size, the terminal the reader is made for (80x24 over SSH): one pane at a
time, as most checks need. Each paint costs a quarter of one at WIDE, and nothing loads behind
the test's back (a wide screen previews the post under the cursor once it rests)."""
WIDE = (160, 48)
"""Both panes side by side, for checks of the list while a post is read, or of the preview."""


TEST_CONFIG = Config(search_index="on_search", watch=False)
"""The apps' default config: the search index is built when a test searches, not after every
start (a builder process per app start was most of a UI test's CPU), and the folders are not
watched (tests that change files sync when they say so). Tests of background indexing and of
watching pass their own config."""


def open_library(site: Path, data_dir: Path) -> Library:
    return Library.open(site, paths=StorePaths.default(data_dir))


@asynccontextmanager
async def running_app(
    site: Path,
    data_dir: Path,
    *,
    size: tuple[int, int] = NARROW,
    config: Config | None = None,
) -> AsyncIterator[tuple[ReaderApp, Pilot[int]]]:
    """Run the app on `site` with its store in `data_dir`, synced; yields (app, pilot)."""
    paths = StorePaths.default(data_dir)
    library = Library.open(site, paths=paths)
    app = ReaderApp(library, config or TEST_CONFIG, paths=paths)
    try:
        async with app.run_test(size=size) as pilot:
            await settle(app, pilot)
            yield app, pilot
    finally:
        app.library.close()


@asynccontextmanager
async def running_main(
    site: Path,
    data_dir: Path,
    *,
    size: tuple[int, int] = NARROW,
    config: Config | None = None,
) -> AsyncIterator[tuple[ReaderApp, Pilot[int], MainScreen]]:
    """`running_app`, and its main screen: yields (app, pilot, main screen)."""
    async with running_app(site, data_dir, size=size, config=config) as (app, pilot):
        yield app, pilot, main_screen(app)


IDLE_ROUNDS = 1000
"""How many rounds of messages-then-workers `idle` takes before it calls the app stuck."""


def _busy(app: App[object]) -> list[Worker[object]]:
    """Workers at work, but the folder watcher: it runs for as long as its screen."""
    running = (WorkerState.PENDING, WorkerState.RUNNING)
    return [w for w in app.workers if w.state in running and w.group != "watch"]


def _pending_work(app: App[object]) -> bool:
    """Keys held for a screen still opening, or a message waiting in any queue (a key or a
    message bubbling up the DOM posts its next hop while the previous one is handled)."""
    gate = getattr(app, "key_gate", None)
    if gate is not None and gate.pending:
        return True
    nodes: list[MessagePump] = [app]
    for screen in app.screen_stack:
        nodes.extend(screen.walk_children(with_self=True))
    return any(not node._message_queue.empty() or _debouncing(node) for node in nodes)


DEBOUNCE_LIMIT = 0.1
"""One-shot timers up to this long stand for input still being handled (search as you type,
a retried Enter) and are waited for; longer ones (the preview's pause) are not."""


def _debouncing(node: MessagePump) -> bool:
    return any(
        timer._repeat == 0
        and timer._interval <= DEBOUNCE_LIMIT
        and timer._task is not None
        and not timer._task.done()
        for timer in node._timers
    )


async def idle(pilot: Pilot[object]) -> None:
    """Await the app's idle state: no message waiting in any queue, no key held for a
    screen that is still opening, no debounce timer running, no worker pending or running;
    checked again after the screen is painted (a paint runs the callbacks that wait for it).

    Awaits the workers, queues and timers themselves, not a fixed pause: on a busy machine it
    takes longer, never returns early. Longer timers (the wide-screen preview's pause) are not
    waited for: a test that needs one waits for its delay first."""
    app = pilot.app
    for _ in range(IDLE_ROUNDS):
        await pilot._wait_for_screen()  # every message queued so far handled (as Pilot does)
        if _pending_work(app):
            await asyncio.sleep(0.005)  # a debounce timer's pause passes meanwhile
            continue
        busy = _busy(app)
        if busy:
            await wait_until_ended(busy)
            await asyncio.sleep(0)  # let pending workers start
            continue
        await _paint(pilot)
        if not _busy(app) and not _pending_work(app) and not _awaiting_paint(app):
            return
    raise AssertionError(f"the app did not become idle: {_busy(app)}")


async def settle_input(pilot: Pilot[object]) -> None:
    """Await the input handled so far: no message waiting in any queue, no key held for a
    screen still opening, no debounce timer running; then the screen painted. Unlike `idle`,
    running workers are not waited for (a test may press keys while one is held)."""
    app = pilot.app
    for _ in range(IDLE_ROUNDS):
        if not app.is_running:
            return  # it exits (or crashed): nothing more will be handled
        await pilot._wait_for_screen()
        if _pending_work(app):
            await asyncio.sleep(0.005)  # a debounce timer's pause passes meanwhile
            continue
        await app.animator.wait_until_complete()  # a smooth scroll a key started
        app.screen._on_timer_update()  # paint what changed (as Pilot.pause does)
        if not _pending_work(app) and not _awaiting_paint(app):
            return  # the paint runs here, so nothing is half-handled: no need to wait again
    raise AssertionError("the app's queues did not empty")


def _awaiting_paint(app: App[object]) -> bool:
    """Callbacks waiting for the screen's next refresh (`call_after_refresh`: a scroll, the
    next chunk of a post being rendered)."""
    return bool(app.screen._callbacks)


async def _paint(pilot: Pilot[object]) -> None:
    """Paint what changed, as Pilot.pause does, and run what waited for the paint."""
    pilot.app.screen._on_timer_update()
    await pilot._wait_for_screen()


PAUSE_FOR_WORKERS = 1.0
"""Seconds `pilot.pause()` waits for running workers (a test may hold one meanwhile)."""


def quicken_pilot() -> None:
    """`Pilot.press` and `Pilot.pause()` await the app's queues instead of the wall clock.

    Textual's versions wait until the process has used under 1 ms of CPU in a 20 ms sleep, twice
    per key: at least 40 ms per key, most of a UI test's wall time (a test presses dozens), and
    a guess that a busy machine can fool. Awaiting the queues, held keys and debounce timers is
    exact. `pause()` also waits up to PAUSE_FOR_WORKERS for the workers running; a test that
    needs them all ended awaits `idle`. `pause(delay)` still sleeps."""
    import textual.app

    async def no_wall_clock_wait(*_args: object, **_kwargs: object) -> None:
        await asyncio.sleep(0)

    textual.app.wait_for_idle = no_wall_clock_wait  # type: ignore[assignment]  # used by _press_keys

    async def press(self: Pilot[object], *keys: str) -> None:
        for key in keys:
            await self.app._press_keys([key])
            await settle_input(self)

    pause = Pilot.pause

    async def pause_for_input(self: Pilot[object], delay: float | None = None) -> None:
        if delay is not None:
            await pause(self, delay)
            return
        await settle_input(self)
        busy = _busy(self.app)
        if busy:  # as Textual's pause, which waited up to a second while the process worked
            with contextlib.suppress(TimeoutError, WorkerFailed):  # the app handles a failure
                await asyncio.wait_for(wait_until_ended(busy), PAUSE_FOR_WORKERS)
            await settle_input(self)

    Pilot.press = press  # type: ignore[method-assign]
    Pilot.pause = pause_for_input  # type: ignore[method-assign]


async def settle(app: ReaderApp, pilot: Pilot[int]) -> None:
    """Wait for workers (sync, article loading) and for the screen to update (see `idle`)."""
    await idle(pilot)


def main_screen(app: ReaderApp) -> MainScreen:
    """The app's main screen, which must be the one on top."""
    screen = app.screen
    assert isinstance(screen, MainScreen)
    return screen


async def select_folder(pilot: Pilot[int], screen: MainScreen, folder: Folder) -> None:
    """Select `folder` in the folder tree (as a click would) and let the list follow."""
    screen.query_one(FolderTree).select_folder(folder)
    await pilot.pause()


def send_batch(app: ReaderApp, *keys: str) -> None:
    """Queue `keys` at once, as a terminal delivers a burst (over SSH keys come in batches):
    unlike `pilot.press`, nothing runs between two keys."""
    driver = app._driver
    assert driver is not None
    for key in keys:
        char = key if len(key) == 1 else {"space": " ", "slash": "/", "question_mark": "?"}.get(key)
        event = events.Key(key, char)
        event.set_sender(app)
        driver.send_message(event)


async def type_text(pilot: Pilot[int], text: str, *then: str) -> None:
    """Type `text` (then the keys `then`) in one burst, as a fast typist or a paste over SSH
    does, and await the app's idle state: `pilot.press` waits for the app after every key."""
    send_batch(pilot.app, *text, *then)
    await idle(pilot)


def screen_lines(app: ReaderApp) -> list[str]:
    """The text of every row of the screen on top, as the terminal would show it."""
    return [strip.text for strip in app.screen._compositor.render_strips()]
