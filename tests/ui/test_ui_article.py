"""The reading pane on a real Library over temp files: header, measure, position, outline, read."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from rich.segment import Segment
from textual import on
from textual.app import App, ComposeResult
from textual.message import Message
from textual.pilot import Pilot

from reader.core.library import Folder, Library
from reader.screens.article_dialogs import open_dialog
from reader.widgets import article_loader, article_pane
from reader.widgets.article_messages import Rendered
from reader.widgets.article_view import ArticleView
from tests.factories import open_synced, write_post
from tests.ui_helpers import idle

STYLES = Path(__file__).resolve().parents[2] / "styles" / "article.tcss"
HOSTILE_TITLE = "[bold]Long[/] read [@click=app.quit]x[/] \x1b]0;pwned\x07end"


def async_test(function: Callable[..., Coroutine[object, object, None]]) -> Callable[..., None]:
    """Run an async test with asyncio (no async pytest plugin needed)."""

    @functools.wraps(function)
    def wrapper(*args: object, **kwargs: object) -> None:
        asyncio.run(function(*args, **kwargs))

    return wrapper


def _paragraphs(tag: str, count: int) -> str:
    return "".join(f"{tag} paragraph {i}: " + "words to read " * 12 + "\n\n" for i in range(count))


LONG_BODY = (
    "# Intro\n\n"
    + _paragraphs("intro", 12)
    + "## Middle part\n\n"
    + _paragraphs("middle", 12)
    + "### Deep section\n\n"
    + _paragraphs("deep", 12)
    + "## Links\n\n"
    + "- [the web](https://example.org/page?a=1)\n"
    + "- [mail me](mailto:me@example.org)\n"
    + "- [evil](javascript:alert(1))\n"
    + "- [local file](file:///etc/passwd)\n"
    + "- [the other post](other.md)\n"
    + "- [outside](../../outside.md)\n"
    + "- [back to middle](#middle-part)\n\n"
    + _paragraphs("tail", 8)
)
CJK_BODY = "中文段落测试，每个字占两个单元格，不能丢字也不能越界。" * 30 + "\n"


DATE = "2024-03-05 10:30:00"


def make_site(root: Path) -> Path:
    """A Hexo site: a long post with headings and links, a short one, a Chinese one; and a
    post outside the site, for the link that must not leave it."""
    posts = root / "site" / "source" / "_posts"
    (root / "site" / "_config.yml").parent.mkdir(parents=True)
    (root / "site" / "_config.yml").write_text("title: t\n", encoding="utf-8")
    (root / "outside.md").write_text("---\ntitle: outside\n---\nsecret\n", encoding="utf-8")
    write_post(
        posts,
        "long.md",
        HOSTILE_TITLE,
        date=DATE,
        body=LONG_BODY,
        categories=("Tech", "Python"),
        extra="author: Ann Author\nlink: https://example.org/long\n",
    )
    write_post(posts, "other.md", "The other post", date=DATE, body="# Other\n\nShort.\n")
    write_post(
        posts, "cjk.md", "中文文章", date=DATE, body="# 标题\n\n" + CJK_BODY, categories=("生活",)
    )
    return root / "site"


@dataclass
class HostConfig:
    measure: int = 100
    mark_read_on: str = "open"


class Host(App[None]):
    """The article view alone, as the main screen composes it."""

    CSS_PATH = STYLES

    def __init__(self, library: Library, config: HostConfig) -> None:
        super().__init__()
        self.library = library
        self.config = config
        self.messages: list[Message] = []

    def compose(self) -> ComposeResult:
        yield ArticleView(self.library, id="article")

    def on_mount(self) -> None:
        self.query_one(ArticleView).focus()

    def on_article_view_opened(self, message: ArticleView.Opened) -> None:
        self.messages.append(message)

    def on_article_view_open_post(self, message: ArticleView.OpenPost) -> None:
        self.messages.append(message)

    def on_article_view_closed(self, message: ArticleView.Closed) -> None:
        self.messages.append(message)

    def on_article_view_bookmarks_changed(self, message: ArticleView.BookmarksChanged) -> None:
        self.messages.append(message)

    @on(ArticleView.DialogRequested)
    def _dialog_requested(self, message: ArticleView.DialogRequested) -> None:
        open_dialog(self, message)  # as the main screen does


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(tmp_path)


@asynccontextmanager
async def hosted(
    site: Path,
    data: Path,
    *,
    size: tuple[int, int] = (100, 30),
    config: HostConfig | None = None,
    message_hook: Callable[[Message], None] | None = None,
) -> AsyncIterator[tuple[Host, Pilot[None], ArticleView]]:
    library = open_synced(site, data)
    app = Host(library, config or HostConfig())
    try:
        async with app.run_test(size=size, message_hook=message_hook) as pilot:
            yield app, pilot, app.query_one(ArticleView)
    finally:
        library.close()


async def show(pilot: Pilot[None], view: ArticleView, path: str) -> None:
    """Open `path` and wait until it is rendered completely."""
    view.show(path)
    await settle(pilot)
    assert view.path == path and view.rendering_complete


async def settle(pilot: Pilot[None]) -> None:
    await idle(pilot)  # type: ignore[arg-type]


def screen_text(view: ArticleView) -> list[str]:
    return ["".join(s.text for s in view.render_line(y)) for y in range(view.size.height)]


def all_text(view: ArticleView) -> str:
    doc = view._doc
    assert doc is not None
    return "\n".join("".join(s.text for s in line) for line in doc.lines)


def read_flag(library: Library, path: str) -> bool:
    posts = library.posts(Folder("all"))
    index = posts.index_of(path)
    assert index is not None
    return posts.rows(index, 1)[0].read


@async_test
async def test_open_shows_header_marks_read_and_posts_opened(site: Path, tmp_path: Path) -> None:
    async with hosted(site, tmp_path / "data") as (app, pilot, view):
        assert not read_flag(app.library, "long.md")
        await show(pilot, view, "long.md")
        top = "\n".join(screen_text(view))
        assert "[bold]Long[/] read [@click=app.quit]x[/]" in top  # literal, no markup
        assert "\x1b" not in top and "\x07" not in top and "pwned" not in top
        assert "2024-03-05 10:30" in top and "Ann Author" in top
        assert "Tech › Python" in top
        assert "https://example.org/long" in top
        assert "Intro" in top
        assert read_flag(app.library, "long.md")
        assert [m.path for m in app.messages if isinstance(m, ArticleView.Opened)] == ["long.md"]
        assert app.is_running  # [@click=app.quit] did nothing


@async_test
async def test_measure_centres_the_column_in_wide_terminals(site: Path, tmp_path: Path) -> None:
    async with hosted(site, tmp_path / "data", size=(160, 30)) as (_app, pilot, view):
        await show(pilot, view, "long.md")
        assert view._doc is not None and view._doc.width == 100
        lines = [line for line in screen_text(view) if line.strip()]
        margins = {len(line) - len(line.lstrip()) for line in lines}
        assert min(margins) >= 20
        assert all(len(line.rstrip()) <= 140 for line in lines)


@async_test
async def test_narrow_terminal_uses_the_whole_width(site: Path, tmp_path: Path) -> None:
    async with hosted(site, tmp_path / "data", size=(60, 20)) as (_app, pilot, view):
        await show(pilot, view, "long.md")
        assert view._doc is not None and view._doc.width <= 60
        assert all(len(line) <= 60 for line in screen_text(view))


@async_test
async def test_cjk_post_wraps_without_losing_characters(site: Path, tmp_path: Path) -> None:
    async with hosted(site, tmp_path / "data", size=(47, 40)) as (_app, pilot, view):
        await show(pilot, view, "cjk.md")
        doc = view._doc
        assert doc is not None
        body = [
            "".join(s.text for s in line).strip()
            for line in doc.lines
            if any("\u4e00" <= ch <= "\u9fff" for s in line for ch in s.text)
        ]
        joined = "".join(body)
        assert CJK_BODY.strip() in joined
        assert all(Segment.get_line_length(line) <= doc.width for line in doc.lines)


@async_test
async def test_position_is_saved_and_restored_on_reopen(site: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    async with hosted(site, data) as (_app, pilot, view):
        await show(pilot, view, "long.md")
        # the first line of a paragraph at or after line 60 (positions are Markdown lines)
        lines = all_text(view).split("\n")
        start = next(y for y in range(60, len(lines)) if "paragraph" in lines[y])
        view.scroll_to(y=start, animate=False, immediate=True)
        await pilot.pause()
        top_line = screen_text(view)[0]
        assert "paragraph" in top_line
        await show(pilot, view, "other.md")  # leaving saves
        assert view.scroll_y == 0
        await show(pilot, view, "long.md")
        assert abs(view.scroll_y - start) <= 2  # a Markdown line maps back to about there
        assert top_line in screen_text(view)[:3]
    # and across a restart of the app, at another width
    async with hosted(site, data, size=(80, 24)) as (_app, pilot, view):
        await show(pilot, view, "long.md")
        assert view.scroll_y > 30
        assert top_line.strip()[:20] in "\n".join(screen_text(view))


@async_test
async def test_reopening_again_and_again_does_not_move_the_position(
    site: Path, tmp_path: Path
) -> None:
    async with hosted(site, tmp_path / "data", size=(80, 24)) as (_app, pilot, view):
        await show(pilot, view, "long.md")
        doc = view._doc
        assert doc is not None
        # every rendered line saved as a Markdown line is restored to the same rendered line
        # (it used to move up a line or two each time: a paragraph per reopen)
        for y in range(len(doc.lines)):
            restored = doc.line_for_source(doc.source_for_line(y))
            assert restored is not None and restored <= y
            assert doc.line_for_source(doc.source_for_line(restored)) == restored
        view.scroll_to(y=41, animate=False, immediate=True)
        await pilot.pause()
        tops = []
        for _ in range(3):
            await show(pilot, view, "other.md")  # leaving saves
            await show(pilot, view, "long.md")
            tops.append(view.scroll_y)
        assert tops[0] <= 41 and tops == [tops[0]] * 3


@async_test
async def test_outline_lists_headings_and_enter_jumps(site: Path, tmp_path: Path) -> None:
    from reader.screens.outline import OutlinePanel, OutlineScreen

    async with hosted(site, tmp_path / "data") as (app, pilot, view):
        await show(pilot, view, "long.md")
        await pilot.press("o")
        assert isinstance(app.screen, OutlineScreen)
        panel = app.screen.query_one(OutlinePanel)
        prompts = [str(panel.get_option_at_index(i).prompt) for i in range(panel.option_count)]
        assert prompts == ["Intro", "  Middle part", "    Deep section", "  Links"]
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, OutlineScreen)
        assert screen_text(view)[0].strip() == "Deep section"
        assert view.current_section() == ("Deep section", "deep-section")
        await pilot.press("o", "escape")
        assert view.current_section() == ("Deep section", "deep-section")


@async_test
async def test_mark_read_at_the_end_when_configured(site: Path, tmp_path: Path) -> None:
    config = HostConfig(mark_read_on="end")
    async with hosted(site, tmp_path / "data", config=config) as (app, pilot, view):
        await show(pilot, view, "long.md")
        assert not read_flag(app.library, "long.md")
        await pilot.press("j", "j", "space")
        assert not read_flag(app.library, "long.md")
        await pilot.press("G")
        await pilot.pause()
        assert read_flag(app.library, "long.md")


@async_test
async def test_escape_closes_and_reading_keys_scroll(site: Path, tmp_path: Path) -> None:
    async with hosted(site, tmp_path / "data", size=(100, 20)) as (app, pilot, view):
        await show(pilot, view, "long.md")
        await pilot.press("j")
        assert view.scroll_y == 1
        await pilot.press("ctrl+d")
        assert view.scroll_y > 5
        await pilot.press("G")
        assert view.scroll_y == view.max_scroll_y
        await pilot.press("g")
        assert view.scroll_y == 0
        await pilot.press("escape")
        assert any(isinstance(m, ArticleView.Closed) for m in app.messages)


@async_test
async def test_a_small_post_shows_at_once_and_a_changed_one_is_converted_again(
    site: Path, tmp_path: Path
) -> None:
    async with hosted(site, tmp_path / "data") as (_app, pilot, view):
        view.show("long.md")
        # a small post: on screen when show returns, no worker to wait for
        assert view.path == "long.md" and "Intro" in "\n".join(screen_text(view))
        await settle(pilot)
        assert view.rendering_complete and "tail paragraph 7" in all_text(view)
        await show(pilot, view, "other.md")
        assert "Short." in all_text(view)
        write_post(
            site / "source" / "_posts",
            "other.md",
            "Other",
            date=DATE,
            body="# Other\n\nRewritten.\n",
        )
        await show(pilot, view, "long.md")
        await show(pilot, view, "other.md")
        assert "Rewritten." in all_text(view) and "Short." not in all_text(view)


@async_test
async def test_a_big_post_opened_right_after_a_small_one_is_the_one_marked_read(
    site: Path, tmp_path: Path
) -> None:
    write_post(site / "source" / "_posts", "big.md", "Big", date=DATE, body=_paragraphs("big", 300))
    async with hosted(site, tmp_path / "data") as (app, pilot, view):
        view.show("long.md")  # on screen at once; its read mark waits for the paint
        view.show("big.md")  # loads in a worker
        await settle(pilot)
        assert view.path == "big.md" and read_flag(app.library, "big.md")


@async_test
async def test_a_small_post_that_fails_to_render_does_not_stop_the_app(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.widgets import article_render

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("cannot render this")

    async with hosted(site, tmp_path / "data") as (app, pilot, view):
        monkeypatch.setattr(article_render, "render_block", broken)
        view.show("other.md")  # raised out of show() and ended the app
        await settle(pilot)
        assert app.is_running and view.path == "other.md"
        assert any("cannot render this" in n.message for n in app._notifications)
        monkeypatch.undo()
        await show(pilot, view, "long.md")
        assert "Intro" in all_text(view)


@async_test
async def test_a_long_post_shows_its_first_screen_before_the_rest(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(article_loader, "CHUNK_SECONDS", 0.0)  # a chunk per block after it
    posts = site / "source" / "_posts"
    body = "".join(f"## Part {i}\n\n" + _paragraphs(f"p{i}", 6) for i in range(300))
    write_post(posts, "huge.md", "Huge", date=DATE, body=body)
    chunks: list[tuple[bool, int]] = []

    def hook(message: Message) -> None:
        if isinstance(message, Rendered):
            chunks.append((message.done, len(message.chunk.lines)))

    async with hosted(site, tmp_path / "data", message_hook=hook) as (_app, pilot, view):
        await show(pilot, view, "huge.md")
        assert "Part 299" in all_text(view)
    # the first screen came alone, small; the rest followed in later pieces
    assert len(chunks) > 3 and chunks[-1][0] and not chunks[0][0]
    assert 30 <= chunks[0][1] < 200


@pytest.mark.parametrize(("seconds", "whole"), [(60.0, True), (0.0, False)])
@async_test
async def test_the_rest_of_a_post_renders_in_the_first_frame_while_there_is_time(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seconds: float, whole: bool
) -> None:
    """Opened, a post longer than a screen is whole at its first paint when its rest renders
    in the frame's time (no second update a frame later); else the rest follows from a worker."""
    monkeypatch.setattr(article_pane, "REST_IN_FRAME_SECONDS", seconds)
    async with hosted(site, tmp_path / "data", size=(100, 20)) as (_app, pilot, view):
        view.show("long.md")
        assert view._doc is not None and view._doc.lines  # the first screen, at once
        assert view.rendering_complete == whole
        await settle(pilot)
        assert view.rendering_complete


@async_test
async def test_find_highlights_hits_steps_through_them_and_esc_ends(
    site: Path, tmp_path: Path
) -> None:
    from reader.screens.find_bar import FindBar

    async with hosted(site, tmp_path / "data", size=(100, 20)) as (app, pilot, view):
        await show(pilot, view, "long.md")
        await pilot.press("slash")
        assert isinstance(app.screen, FindBar)
        await pilot.press(*"DEEP paragraph 1", "enter")
        await pilot.pause()
        assert view.find_active and view.find_query == "DEEP paragraph 1"
        # "deep paragraph 1", "deep paragraph 10", "deep paragraph 11"
        assert view.hit_count == 3
        assert view.scroll_y > 0
        assert any("deep paragraph 1:" in line for line in screen_text(view))
        view.find_next()
        view.find_next()
        view.find_next()  # wraps around to the first
        await pilot.pause()
        assert view.finder.index == 0
        assert any("deep paragraph 1:" in line for line in screen_text(view))
        view.find_prev()
        await pilot.pause()
        assert any("deep paragraph 11:" in line for line in screen_text(view))
        await pilot.press("escape")  # ends the find, does not close the article
        assert not view.find_active and view.hit_count == 0
        assert not any(isinstance(m, ArticleView.Closed) for m in app.messages)


@async_test
async def test_find_works_for_cjk_across_wrapped_lines(site: Path, tmp_path: Path) -> None:
    async with hosted(site, tmp_path / "data", size=(47, 40)) as (_app, pilot, view):
        await show(pilot, view, "cjk.md")
        assert view.find("不能丢字也不能越界") == 30
        assert view.find("越界。中文") == 29  # spans the join of two sentences
        hits = view.finder.hits
        assert any(len(hit.spans) == 2 for hit in hits)  # some hits run over a wrap
        for hit in hits:
            cells = sum(end - start for _line, start, end in hit.spans)
            assert cells == 2 * len("越界。中文")


@async_test
async def test_g_while_a_long_post_renders_goes_to_its_real_end(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from reader.widgets import article_render

    posts = site / "source" / "_posts"
    body = "".join(f"## Part {i}\n\n" + _paragraphs(f"p{i}", 6) for i in range(100))
    write_post(posts, "huge.md", "Huge", date=DATE, body=body)
    gate = threading.Event()
    calls = 0
    real = article_render.render_block

    def slow(*args: object, **kwargs: object) -> object:
        nonlocal calls
        calls += 1
        if calls > 12:  # past the first screen: wait until the test has pressed G
            gate.wait(30)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(article_render, "render_block", slow)  # imported by the loader
    async with hosted(site, tmp_path / "data", size=(100, 20)) as (_app, pilot, view):
        view.show("huge.md")
        while not (view._doc and view._doc.lines):
            await pilot.pause(0.01)
        assert not view.rendering_complete
        await pilot.press("G")
        gate.set()
        await settle(pilot)
        assert view.rendering_complete
        assert view.scroll_y == view.max_scroll_y
        assert any("p99 paragraph 5" in line for line in screen_text(view))
        await pilot.press("k")  # and back up: no longer pinned to the end
        assert view.scroll_y == view.max_scroll_y - 1
