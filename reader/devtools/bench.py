"""`reader bench`: measure start, sync, open, filter, search and memory against their floors.

Every measure alternates with its baseline in the same run (so machine noise hits both) and
reports medians and the ratio. It reports; it does not gate: the exit status is 0 either way.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TextIO

import yaml

from reader.core.paths import StorePaths
from reader.core.words import counted
from reader.devtools.synthetic import build_library, longest_post, post_files

SCREEN_POLL_SECONDS = 0.01
TRIVIAL_APP = (
    "from textual.app import App\n"
    "from textual.widgets import Static\n"
    "class Trivial(App):\n"
    "    def compose(self):\n"
    "        yield Static('ready #0')\n"
    "Trivial().run()\n"
)


@dataclass(frozen=True, slots=True)
class Result:
    measure: str
    value: float
    baseline: float | None
    ratio: float | None
    goal: str
    ok: bool | None
    unit: str = "ms"


@dataclass(frozen=True, slots=True)
class Settings:
    sizes: tuple[int, ...]
    repeats: int
    corpus: Path | None
    work_dir: Path
    """Scratch space for stores; removed after the run."""
    library_dir: Path
    """Where synthetic libraries are built once and kept between runs."""
    only: tuple[str, ...] = ()
    """Names of the measures to run (see `MEASURE_NAMES`); empty: all of them."""


def ratio_result(
    name: str, value: float, baseline: float, limit: float, unit: str = "ms"
) -> Result:
    ratio = value / baseline if baseline > 0 else None
    ok = None if ratio is None else ratio <= limit
    return Result(name, value, baseline, ratio, f"<= {limit:g}x", ok, unit)


def info_result(name: str, value: float, unit: str) -> Result:
    """A figure the issue asks to report, with no goal of its own."""
    return Result(name, value, None, None, "-", None, unit)


def limit_result(
    name: str, value: float, limit: float, unit: str = "ms", baseline: float | None = None
) -> Result:
    ratio = value / baseline if baseline else None
    return Result(name, value, baseline, ratio, f"<= {limit:g} {unit}", value <= limit, unit)


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def alternate(
    measure: Callable[[], float], baseline: Callable[[], float], repeats: int
) -> tuple[float, float]:
    """Medians of `measure` and `baseline`, run in turns."""
    values, floors = [], []
    for _ in range(repeats):
        values.append(measure())
        floors.append(baseline())
    return statistics.median(values), statistics.median(floors)


# ---------------------------------------------------------------------------- floors
def floor_read_and_parse(site: Path) -> float:
    """Read every post file and parse its YAML header with the C loader: a sync can't beat it."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    started = time.perf_counter()
    for file in post_files(site):
        text = file.read_bytes().decode("utf-8", errors="replace")
        end = text.find("\n---", 4)
        yaml.load(text[4:end], Loader=loader)  # the safe C loader
    return time.perf_counter() - started


def floor_scandir_stat(root: Path) -> float:
    """Walk the tree with scandir and stat every file: a no-change resync can't beat it."""
    started = time.perf_counter()
    stack = [str(root)]
    while stack:
        with os.scandir(stack.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                else:
                    entry.stat(follow_symlinks=False)
    return time.perf_counter() - started


# ---------------------------------------------------------------------------- library measures
def _sync(site: Path, data_dir: Path) -> float:
    from reader.core.library import Library

    started = time.perf_counter()
    library = Library.open(site, paths=StorePaths.default(data_dir))
    try:
        for _progress in library.sync():
            pass
    finally:
        library.close()
    return time.perf_counter() - started


def _index_path(site: Path, data_dir: Path) -> Path:
    from reader.core.library import Library

    library = Library.open(site, paths=StorePaths.default(data_dir))
    try:
        return library.index_path
    finally:
        library.close()


_WARMED: set[Path] = set()
"""Warm stores synced in this run (each measure need not sync its library again)."""


def _warm(site: Path, size: int, settings: Settings) -> Path:
    """The data dir of a store synced with `site` (the sync measure made it, or it is made
    now: measures run alone with `--only` must not measure an empty library)."""
    warm_dir = settings.work_dir / f"warm-{size}"
    if warm_dir not in _WARMED:
        _sync(site, warm_dir)
        _WARMED.add(warm_dir)
    return warm_dir


def measure_sync(site: Path, size: int, settings: Settings) -> Iterator[Result]:
    posts_root = site / "source" / "_posts"

    def cold() -> float:
        data_dir = Path(tempfile.mkdtemp(dir=settings.work_dir))
        try:
            return _sync(site, data_dir)
        finally:
            shutil.rmtree(data_dir, ignore_errors=True)

    value, floor = alternate(cold, lambda: floor_read_and_parse(site), settings.repeats)
    yield ratio_result(f"cold sync {size}", _ms(value), _ms(floor), 1.5)

    warm_dir = _warm(site, size, settings)
    index_db = _index_path(site, warm_dir)
    yield info_result(
        f"index.db per 1k posts {size}", round(_db_bytes(index_db) / 1e6 / size * 1000, 3), "MB"
    )
    value, floor = alternate(
        lambda: _sync(site, warm_dir), lambda: floor_scandir_stat(posts_root), settings.repeats
    )
    yield ratio_result(f"no-change resync {size}", _ms(value), _ms(floor), 1.5)

    files = post_files(site)
    step = max(1, len(files) // 10)

    def touched() -> float:
        now = time.time()
        for file in files[::step][:10]:
            os.utime(file, (now, now + 1))
        return _sync(site, warm_dir)

    value, floor = alternate(touched, lambda: floor_scandir_stat(posts_root), settings.repeats)
    yield ratio_result(f"resync after touching 10 of {size}", _ms(value), _ms(floor), 1.5)


def _db_bytes(path: Path) -> int:
    """Bytes of an SQLite database after folding its WAL in (what it holds, not its journal)."""
    import sqlite3

    if path.is_file():
        with sqlite3.connect(path) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if p.is_file())


def measure_lists(site: Path, size: int, settings: Settings) -> Iterator[Result]:
    from reader.core.library import Folder, Library

    paths = StorePaths.default(_warm(site, size, settings))
    everything = Folder("all")
    colds = []
    for _ in range(settings.repeats):
        fresh = Library.open(site, paths=paths)  # no title read yet: the app's first seconds
        try:
            fresh.posts(everything).rows(0, 50)
            started = time.perf_counter()
            fresh.posts(everything, filter_text="s").rows(0, 50)
            colds.append(time.perf_counter() - started)
        finally:
            fresh.close()
    yield limit_result(f"filter first key, titles unread {size} (max)", _ms(max(colds)), 50)
    library = Library.open(site, paths=paths)
    try:
        library.posts(everything).rows(0, 50)  # the list is on screen before anyone types
        library.prepare_filter()  # as the app does after its sync
        timings = []
        for query in ("s", "sq", "sql", "sqli", "sqlit", "sqlite", "融", "融资"):
            started = time.perf_counter()
            selection = library.posts(everything, filter_text=query)
            selection.rows(0, 50)
            timings.append(time.perf_counter() - started)
        yield limit_result(
            f"filter per keystroke {size} (p95)", _ms(_percentile(timings, 0.95)), 50
        )

        selection = library.posts(everything)
        last = len(selection) - 50

        def tail() -> float:
            started = time.perf_counter()
            selection.rows(last, 50)
            return time.perf_counter() - started

        def head() -> float:
            started = time.perf_counter()
            selection.rows(0, 50)
            return time.perf_counter() - started

        value, first = alternate(tail, head, max(5, settings.repeats))
        yield limit_result(
            f"rows N-50..N (vs 0-49) of All {size}", _ms(value), 50, baseline=_ms(first)
        )
    finally:
        library.close()


BIG_MARKDOWN = 200_000
"""Characters: Markdown this long is rendered by Rich once per run (see `_RICH_SECONDS`)."""
_RICH_SECONDS: dict[str, float] = {}
"""Rich-in-Static times of the 1 MB posts, by Markdown: the same post at every size, and it
takes long, so it is rendered once per run."""


def measure_open(site: Path, size: int, settings: Settings) -> Iterator[Result]:
    """Open articles in the real app (headless), time to the first screen painted, vs Rich
    rendering the same Markdown to lines at the same width (what a Static does before its first
    screen: it cannot render part of a renderable); and the cursor to the last row of All."""
    from reader.core.library import Folder, Library

    library = Library.open(site, paths=StorePaths.default(_warm(site, size, settings)))
    posts_root = site / "source" / "_posts"
    try:
        selection = library.posts(Folder("all"), sort="title")
        count = min(len(selection), 20 if settings.repeats <= 3 else 60)
        step = max(1, len(selection) // max(count, 1))
        paths = [row.path for row in selection.rows(0, len(selection))[::step][:count]]
        longest = longest_post(site)
        extra = [p.relative_to(posts_root).as_posix() for p in [longest] if p is not None]
        huge = [p.relative_to(posts_root).as_posix() for p in _huge(site)]
        timings = asyncio.run(
            _open_in_apps(library, paths + extra + huge[:1], max(5, settings.repeats))
        )
    finally:
        library.close()
    app_times, rich_times = timings.app, timings.rich
    many_app, many_rich = app_times[: len(paths)], rich_times[: len(paths)]
    yield limit_result(
        f"cursor to last row {size}",
        _ms(timings.bottom),
        50,
        baseline=_ms(timings.down),
    )
    yield ratio_result(
        f"open article p50 {size}",
        _ms(statistics.median(many_app)),
        _ms(statistics.median(many_rich)),
        1.0,
    )
    yield ratio_result(
        f"open article p95 {size}",
        _ms(_percentile(many_app, 0.95)),
        _ms(_percentile(many_rich, 0.95)),
        1.0,
    )
    at = len(paths)
    if extra:
        yield ratio_result(
            f"open longest real post {size}", _ms(app_times[at]), _ms(rich_times[at]), 1.0
        )
        at += 1
    if huge:
        yield ratio_result(f"open 1 MB post {size}", _ms(app_times[at]), _ms(rich_times[at]), 1.0)


def _huge(site: Path) -> list[Path]:
    return sorted(p for p in post_files(site) if p.stat().st_size >= 1 << 20)


@dataclass(slots=True)
class _AppTimings:
    app: list[float]
    rich: list[float]
    bottom: float
    """Median seconds from `bottom` (cursor to the last row of All) to the next screen."""
    down: float
    """The same for `down` from the first row (one row): the baseline."""


def _rich_seconds(markdown: str, width: int) -> float:
    """Seconds for Rich to parse `markdown` and render it to lines `width` cells wide."""
    import hashlib
    import io

    from rich.console import Console
    from rich.markdown import Markdown

    key = hashlib.sha256(markdown.encode()).hexdigest()
    big = len(markdown) >= BIG_MARKDOWN
    if big and key in _RICH_SECONDS:
        return _RICH_SECONDS[key]
    console = Console(
        file=io.StringIO(), width=width, force_terminal=True, color_system="truecolor"
    )
    started = time.perf_counter()
    console.render_lines(Markdown(markdown), console.options.update_width(width))
    seconds = time.perf_counter() - started
    if big:
        _RICH_SECONDS[key] = seconds
    return seconds


async def _open_in_apps(library: Any, paths: list[str], repeats: int) -> _AppTimings:
    """Time, in the real app (headless), to the first screen of each article and of the list
    after `bottom`; and Rich rendering the same Markdown to lines at the same width."""
    from reader.app import ReaderApp
    from reader.core.config import Config
    from reader.screens.main import MainScreen
    from reader.widgets.article_view import ArticleView
    from reader.widgets.post_list import PostListView

    opened: asyncio.Queue[str] = asyncio.Queue()

    def hook(message: object) -> None:
        if isinstance(message, ArticleView.Opened):
            opened.put_nowait(message.path)

    app_times: list[float] = []
    rich_times: list[float] = []
    app = ReaderApp(library, Config(search_index="on_search"))  # open, not a first indexing
    async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
        await pilot.pause()  # the main screen is pushed on mount
        while any(worker.group == "sync" and worker.is_running for worker in app.workers):
            await pilot.pause(0.05)  # the background resync would skew every figure
        await pilot.pause()
        post_list = app.screen.query_one(PostListView)

        def paint(widget: Any) -> None:
            """What the compositor asks of the widget for one screen."""
            for y in range(max(1, widget.size.height)):
                widget.render_line(y)

        def move(action: Callable[[], None]) -> float:
            post_list.invalidate()  # no cached pages: the rows are read as on a real jump
            started = time.perf_counter()
            action()
            paint(post_list)
            return time.perf_counter() - started

        bottoms, downs = [], []
        for _ in range(repeats):
            bottoms.append(move(post_list.action_bottom))
            move(post_list.action_top)
            downs.append(move(post_list.action_down))
            move(post_list.action_top)
            await pilot.pause()

        screen = app.screen
        assert isinstance(screen, MainScreen)
        view = screen.article
        width = view._content_width()
        screen.show_article_pane()  # reading: the list's preview must not replace the timed post
        for number, path in enumerate(paths):
            # The app first: a first open converts the post (and caches it) on the way. Opened
            # as Enter opens it: a bare `show` on a wide screen races the list's preview.
            started = time.perf_counter()
            view.show(path)
            while (await opened.get()) != path:
                pass
            paint(view)
            app_times.append(time.perf_counter() - started)
            if number == len(paths) - 1:
                break  # its baseline runs once the app is gone, not against its render worker
            while not view.rendering_complete:  # the rest renders in a worker: let it end
                await asyncio.sleep(0.01)
            await pilot.pause()
            rich_times.append(_rich_seconds(library.article(path).markdown, width))
    if paths:
        rich_times.append(_rich_seconds(library.article(paths[-1]).markdown, width))
    return _AppTimings(app_times, rich_times, statistics.median(bottoms), statistics.median(downs))


# ---------------------------------------------------------------------------- terminal measures
@contextmanager
def tmux_session(command: list[str], size: tuple[int, int] = (120, 40)) -> Iterator[str]:
    server = f"bench-{uuid.uuid4().hex[:8]}"
    line = "exec " + " ".join(shlex.quote(part) for part in command)
    subprocess.run(
        [
            "tmux",
            "-L",
            server,
            "new-session",
            "-d",
            "-s",
            "b",
            "-x",
            str(size[0]),
            "-y",
            str(size[1]),
            line,
        ],
        check=True,
    )
    try:
        yield server
    finally:
        subprocess.run(["tmux", "-L", server, "kill-server"], check=False, capture_output=True)


def _screen(server: str) -> str:
    result = subprocess.run(
        ["tmux", "-L", server, "capture-pane", "-p", "-t", "b"],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout


def time_to_text(command: list[str], needle: str, timeout: float = 60) -> float:
    """Seconds from launch until `needle` is on the screen of a real terminal (tmux)."""
    started = time.perf_counter()
    with tmux_session(command) as server:
        while time.perf_counter() - started < timeout:
            if needle in _screen(server):
                return time.perf_counter() - started
            time.sleep(SCREEN_POLL_SECONDS)
    raise TimeoutError(f"{needle!r} did not appear within {timeout:g} s")


def _reader_command(site: Path, data_dir: Path) -> list[str]:
    return [sys.executable, "-m", "reader", "--data-dir", str(data_dir), str(site)]


def compile_reader() -> None:
    """Byte-compile reader's modules, as installing a wheel does. The trivial app's Textual is
    compiled; with PYTHONDONTWRITEBYTECODE set (some images do), an editable checkout of reader
    never is, and every start would compile ~70 modules first (~0.3 s)."""
    import compileall

    import reader

    compileall.compile_dir(Path(reader.__file__).parent, quiet=2)


def measure_first_paint(site: Path, size: int, settings: Settings) -> Iterator[Result]:
    compile_reader()
    data_dir = _warm(site, size, settings)
    reader = _reader_command(site, data_dir)
    trivial = [sys.executable, "-c", TRIVIAL_APP]
    time_to_text(reader, " #")  # warm the page cache and the index once
    value, floor = alternate(
        lambda: time_to_text(reader, " #"),
        lambda: time_to_text(trivial, "ready #0"),
        settings.repeats,
    )
    yield ratio_result(f"first paint {size}", _ms(value), _ms(floor), 1.3)


def _pane_pid(server: str) -> int:
    return int(
        subprocess.run(
            ["tmux", "-L", server, "list-panes", "-t", "b", "-F", "#{pane_pid}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )


def _wait_for_first_screen(server: str) -> None:
    deadline = time.perf_counter() + 60
    while " #" not in _screen(server) and time.perf_counter() < deadline:
        time.sleep(0.05)


BUILDER = "reader.core.search_builder"
INDEXING_WATCH_SECONDS = 45
"""How long the first search indexing is watched once its builder runs (at 100k it takes
minutes; its memory is set by the posts it must do, known at its start)."""


def measure_memory(site: Path, size: int, settings: Settings) -> Iterator[Result]:
    """Peak RSS of the app on a synced store; then of the app and every process it starts
    (parse workers, the search builder) on a fresh store, through the first sync and into the
    first search indexing."""
    from reader.devtools.process_memory import tree_memory

    with tmux_session(_reader_command(site, _warm(site, size, settings))) as server:
        _wait_for_first_screen(server)
        time.sleep(2 + size / 20_000)  # let the background resync finish
        peak = tree_memory(_pane_pid(server)).peak_mib
    yield limit_result(f"peak RSS {size}", round(peak, 1), 150, unit="MB")

    fresh = Path(tempfile.mkdtemp(dir=settings.work_dir))
    with tmux_session(_reader_command(site, fresh)) as server:
        pid = _pane_pid(server)
        highest = 0.0
        builder_since: float | None = None
        last_child = started = time.perf_counter()
        while (now := time.perf_counter()) < started + 120 + size / 500:
            memory = tree_memory(pid)
            highest = max(highest, memory.rss_mib, memory.peak_mib)
            building = any(BUILDER in command for command in memory.commands)
            if memory.commands:
                last_child = now
            if building and builder_since is None:
                builder_since = now
            if builder_since is not None and (
                not building or now - builder_since > INDEXING_WATCH_SECONDS
            ):
                break
            if now - last_child > 10:
                break  # a small library: sync and indexing were over between two looks
            time.sleep(0.2)
    shutil.rmtree(fresh, ignore_errors=True)
    yield limit_result(
        f"peak RSS first sync+indexing, with children {size}", round(highest, 1), 150, unit="MB"
    )


WALK_POSTS = 1000
"""Posts opened one after another for the memory walk (goal: RSS at most 20 MB above the RSS
after 50)."""


def measure_memory_walk(site: Path, size: int, settings: Settings) -> Iterator[Result]:
    """RSS after opening 1,000 posts (fewer in a smaller library) one after another with `]`
    in a real terminal (reader.devtools.memwalk), against the RSS after the 50th."""
    from reader.devtools.memwalk import walk

    posts = min(WALK_POSTS, size - 1)
    base = min(50, max(1, posts // 5))
    data_dir = settings.work_dir / f"walk-{size}"
    rss = walk(_reader_command(site, data_dir), (base, posts))
    yield limit_result(
        f"RSS after opening {counted(posts, 'post')} {size}",
        rss[posts],
        rss[base] + 20,
        unit="MB",
        baseline=rss[base],
    )


# ---------------------------------------------------------------------------- driver
def measure_search(site: Path, size: int, settings: Settings) -> Iterator[Result]:
    from reader.devtools.bench_search import measure_search as search

    return search(site, size, settings)


def measure_keys(site: Path, size: int, settings: Settings) -> Iterator[Result]:
    from reader.devtools.bench_keys import measure_keys as keys

    yield from keys(site, size, settings)


def measure_live(site: Path, size: int, settings: Settings) -> Iterator[Result]:
    from reader.devtools.bench_live import measure_live as live

    yield from live(site, size, settings)


MEASURES = (
    measure_sync,
    measure_lists,
    measure_search,
    measure_first_paint,
    measure_open,
    measure_keys,
    measure_live,
    measure_memory,
    measure_memory_walk,
)


MEASURE_NAMES = {measure.__name__.removeprefix("measure_"): measure for measure in MEASURES}
"""`--only` names: sync, lists, search, first_paint, open, keys, live, memory, memory_walk."""


def _measures(settings: Settings) -> tuple[Callable[[Path, int, Settings], Iterator[Result]], ...]:
    if not settings.only:
        return MEASURES
    return tuple(MEASURE_NAMES[name] for name in settings.only)


def measure_convert(settings: Settings) -> Iterator[Result]:
    """Converting one real post to Markdown, alone: median over the corpus."""
    from reader.devtools.bench_convert import convert_seconds, corpus_bodies

    if settings.corpus is None:
        return
    bodies = list(corpus_bodies(settings.corpus))
    if bodies:
        seconds = convert_seconds(bodies, settings.repeats)
        yield info_result(f"convert per post ({len(bodies)} real posts)", _ms(seconds), "ms")


def run(settings: Settings, out: TextIO = sys.stdout) -> list[Result]:
    results: list[Result] = []
    for result in measure_convert(settings) if not settings.only else ():
        results.append(result)
        print(format_row(result), file=out, flush=True)
    for size in settings.sizes:
        site = build_library(settings.library_dir / f"library-{size}", size, settings.corpus)
        for measure in _measures(settings):
            for result in measure(site, size, settings):
                results.append(result)
                print(format_row(result), file=out, flush=True)
            gc.collect()
    return results


HEADER = f"{'measure':<44} {'value':>10} {'baseline':>10} {'ratio':>7} {'goal':>12}  ok"


def _number(value: float) -> str:
    return f"{value:.1f}" if abs(value) >= 10 else f"{value:.2f}"


def format_row(result: Result) -> str:
    baseline = "-" if result.baseline is None else _number(result.baseline)
    ratio = "-" if result.ratio is None else f"{result.ratio:.2f}"
    verdict = {True: "pass", False: "FAIL", None: "-"}[result.ok]
    value = f"{_number(result.value)} {result.unit}"
    return (
        f"{result.measure:<44} {value:>10} {baseline:>10} {ratio:>7} {result.goal:>12}  {verdict}"
    )


def format_table(results: list[Result]) -> str:
    return "\n".join([HEADER, *(format_row(r) for r in results)])


def write_json(results: list[Result], path: Path) -> None:
    fields = ("measure", "value", "baseline", "ratio", "goal", "ok", "unit")
    rows = [{key: asdict(result)[key] for key in fields} for result in results]
    path.write_text(json.dumps(rows, ensure_ascii=False, indent=2) + "\n", "utf-8")
