"""Search in the real app (Acceptance 3): `s`, results as you type, Enter opens the post at its
first hit with every hit highlighted, n/N step hits, Esc clears them (n is next unread again),
and `/` finds in a CJK article."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from rich.style import Style
from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from reader.app import ReaderApp
from reader.screens.find_bar import FindBar
from reader.screens.main import MainScreen
from reader.screens.search import SearchScreen
from reader.widgets.article_view import ArticleView
from reader.widgets.folder_tree import ALL
from tests.ui_helpers import PostSpec, async_test, main_screen, make_site, running_app, settle

FILLER = "".join(f"Filler paragraph {n} with nothing of note in it.\n\n" for n in range(50))
IPO_BODY = (
    FILLER
    + "小米集团今日在香港上市，融资规模超过预期。\n\n"
    + "Quiet paragraph between the hits.\n\n" * 30
    + "第二轮融资也很快完成了。\n\n"
    + "Another quiet paragraph.\n\n" * 30
    + "最后一次融资是在去年。\n"
)
CAT_BODY = "吾輩は猫である。名前はまだ無い。\n\n" + "猫の日です。\n\n" * 3
POSTS = (
    PostSpec("ipo.md", "小米上市", "2024-01-05 10:00:00", ["新媒体", "36kr"], IPO_BODY),
    PostSpec("cat.md", "吾輩は猫である", "2024-01-04 10:00:00", ["日記"], CAT_BODY),
    PostSpec("zebra.md", "Zebra crossing", "2024-01-03 10:00:00", ["Life"], "Zebras 斑马.\n"),
    PostSpec("plain.md", "Plain post", "2024-01-02 10:00:00", ["Life"], "Nothing to find.\n"),
)


async def wait_for(pilot: Pilot[int], condition: object, what: str) -> None:
    for _ in range(400):
        if callable(condition) and condition():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def search_screen(app: ReaderApp) -> SearchScreen:
    screen = app.screen
    assert isinstance(screen, SearchScreen)
    return screen


def settled(screen: SearchScreen) -> bool:
    results = screen.results
    return not screen.pending and results is not None and results.complete and not screen.workers


def hit_titles(screen: SearchScreen) -> list[str]:
    return [hit.title for hit in screen.hits]


def finding(view: ArticleView) -> bool:
    """`view.find_active`, read afresh (mypy keeps a property narrowed after an assert)."""
    return view.find_active


def visible(view: ArticleView, line: int) -> bool:
    return view.scroll_y <= line < view.scroll_y + view.scrollable_content_region.height


def painted_styles(view: ArticleView, line: int) -> list[tuple[str, Style | None]]:
    """(text, style) of the segments of a rendered line of the view (which must be visible)."""
    strip = view.render_line(line - round(view.scroll_y))
    return [(segment.text, segment.style) for segment in strip]


def style_of(view: ArticleView, component: str) -> Style:
    return view.get_component_rich_style(component, partial=True)


def text_in(view: ArticleView, line: int, style: Style) -> str:
    """The text painted with `style` on a line: segments that already carry every attribute
    of `style` (it is applied over the line's own style)."""
    return "".join(
        text for text, seg in painted_styles(view, line) if seg is not None and seg + style == seg
    )


async def open_search(app: ReaderApp, pilot: Pilot[int]) -> SearchScreen:
    await pilot.press("s")
    await wait_for(pilot, lambda: isinstance(app.screen, SearchScreen), "the search screen")
    return search_screen(app)


@asynccontextmanager
async def search_app(tmp_path: Path) -> AsyncIterator[tuple[ReaderApp, Pilot[int]]]:
    """The real app on a site of POSTS at `tmp_path / "site"`; yields (app, pilot)."""
    site = make_site(tmp_path / "site", POSTS)
    async with running_app(site, tmp_path / "data") as (app, pilot):
        yield app, pilot


async def type_query(pilot: Pilot[int], screen: SearchScreen, *keys: str, query: str) -> None:
    """Press `keys` in the search screen and wait for the complete results of `query`."""
    await pilot.press(*keys)
    await wait_for(pilot, lambda: settled(screen) and screen.query_text == query, query)


async def back_to_main(app: ReaderApp, pilot: Pilot[int]) -> None:
    await wait_for(pilot, lambda: isinstance(app.screen, MainScreen), "the main screen")


@async_test
async def test_search_as_you_type_then_open_at_the_first_hit_and_step_hits(
    tmp_path: Path,
) -> None:
    async with search_app(tmp_path) as (app, pilot):
        screen = await open_search(app, pilot)
        assert screen.query_one(Input).has_focus
        # typing: each key narrows the results, without pressing Enter
        await pilot.press("z")
        await wait_for(pilot, lambda: settled(screen), "results for z")
        assert "Zebra crossing" in hit_titles(screen)
        await type_query(pilot, screen, "backspace", "融", query="融")
        assert hit_titles(screen) == ["小米上市"]
        await type_query(pilot, screen, "backspace", "猫", query="猫")
        assert hit_titles(screen) == ["吾輩は猫である"]
        await type_query(pilot, screen, "backspace", "上", query="上")
        assert hit_titles(screen) == ["小米上市"]
        await type_query(pilot, screen, "backspace", *"融资", query="融资")
        assert hit_titles(screen) == ["小米上市"]
        hit = screen.hits[0]
        assert [hit.snippet[s:e] for s, e in hit.highlights] == ["融资"]

        # Enter: the post opens in the reading pane, scrolled to the first hit
        await pilot.press("enter")
        await back_to_main(app, pilot)
        main = main_screen(app)
        view = main.article
        await wait_for(
            pilot, lambda: view.rendering_complete and view.hit_count == 3, "three hits rendered"
        )
        await settle(app, pilot)
        assert view.path == "ipo.md" and main.reading and view.has_focus
        assert view.find_active and view.find_query == "融资"
        hits = view.finder.hits
        assert hits[0].line > view.scrollable_content_region.height  # below the first screen
        assert view.scroll_y > 0 and visible(view, hits[0].line)
        current, other = style_of(view, "article--find-current"), style_of(view, "article--find")
        assert current + other != current  # the current hit looks different from the others
        assert text_in(view, hits[0].line, current) == "融资"

        # n / N step through the hits (not to the next unread post)
        await pilot.press("n")
        await pilot.pause()
        assert view.path == "ipo.md" and view.finder.index == 1
        assert visible(view, hits[1].line)
        assert text_in(view, hits[1].line, current) == "融资"
        await pilot.press("n")
        await pilot.pause()
        assert view.finder.index == 2 and visible(view, hits[2].line)
        await pilot.press("n")  # wraps around
        await pilot.pause()
        assert view.finder.index == 0 and visible(view, hits[0].line)
        await pilot.press("N")
        await pilot.pause()
        assert view.finder.index == 2 and visible(view, hits[2].line)
        assert text_in(view, hits[2].line, current) == "融资"

        # Esc clears the hits but keeps the article; then n is "next unread" again
        await pilot.press("escape")
        await pilot.pause()
        assert not finding(view) and view.hit_count == 0
        assert main.reading and view.path == "ipo.md"
        assert text_in(view, hits[2].line, current) == ""
        await pilot.press("n")
        await wait_for(pilot, lambda: view.path != "ipo.md", "the next unread post")
        await settle(app, pilot)
        assert view.path == "cat.md"  # the next unread post after ipo.md, newest first
        assert not view.find_active


@async_test
async def test_search_finds_a_title_only_term_and_opens_the_post(tmp_path: Path) -> None:
    async with search_app(tmp_path) as (app, pilot):
        screen = await open_search(app, pilot)
        await type_query(pilot, screen, *"crossing", query="crossing")
        assert hit_titles(screen) == ["Zebra crossing"]
        await pilot.press("enter")
        await back_to_main(app, pilot)
        view = main_screen(app).article
        await wait_for(pilot, lambda: view.rendering_complete, "the article")
        assert view.path == "zebra.md"
        assert view.hit_count == 1  # in the title of the header
        assert view.scroll_y == 0


@async_test
async def test_escape_in_search_goes_back_without_opening(tmp_path: Path) -> None:
    async with search_app(tmp_path) as (app, pilot):
        screen = await open_search(app, pilot)
        await pilot.press("猫")
        await wait_for(pilot, lambda: settled(screen), "results")
        await pilot.press("escape")
        await back_to_main(app, pilot)
        main = main_screen(app)
        assert not main.reading  # nothing opened (a wide screen may preview the cursor's post)
        assert not any(row.read for row in app.library.posts(ALL).rows(0, 10))


@async_test
async def test_bad_query_in_the_app_shows_a_message(tmp_path: Path) -> None:
    async with search_app(tmp_path) as (app, pilot):
        screen = await open_search(app, pilot)
        await pilot.press(*"after:2024-99-01")
        await wait_for(pilot, lambda: not screen.pending and not screen.workers, "the answer")
        assert "not a date" in screen.error
        await pilot.press("escape")
        await back_to_main(app, pilot)


@async_test
async def test_in_article_find_on_a_cjk_post(tmp_path: Path) -> None:
    async with search_app(tmp_path) as (app, pilot):
        main = main_screen(app)
        main.open_post("cat.md")
        view = main.article
        await wait_for(pilot, lambda: view.rendering_complete, "the article")
        await settle(app, pilot)
        await pilot.press("slash")
        await wait_for(pilot, lambda: isinstance(app.screen, FindBar), "the find bar")
        await pilot.press("猫")
        await pilot.pause()
        assert view.hit_count == 5  # title + 4 in the text
        await pilot.press("の")
        await pilot.pause()
        assert view.hit_count == 3  # 猫の日 x3
        await pilot.press("enter")
        await back_to_main(app, pilot)
        assert view.find_active and view.find_query == "猫の"
        first = view.finder.index
        current = style_of(view, "article--find-current")
        assert text_in(view, view.finder.hits[first].line, current) == "猫の"
        await pilot.press("n")
        await pilot.pause()
        assert view.finder.index == (first + 1) % 3 and view.path == "cat.md"
        await pilot.press("N", "N")
        await pilot.pause()
        assert view.finder.index == (first + 2) % 3
        await pilot.press("escape")
        await pilot.pause()
        assert not finding(view) and main.reading


@async_test
async def test_search_from_the_command_palette(tmp_path: Path) -> None:
    from textual.command import CommandPalette

    async with search_app(tmp_path) as (app, pilot):
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        await pilot.press(*"Search")
        palette = app.screen
        await wait_for(
            pilot,
            lambda: palette.query_one(OptionList).option_count > 0,
            "the palette's matches",
        )
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SearchScreen), "the search screen")
        screen = search_screen(app)
        await type_query(pilot, screen, "斑", query="斑")
        assert hit_titles(screen) == ["Zebra crossing"]


@async_test
async def test_search_follows_posts_added_and_removed_while_the_app_runs(tmp_path: Path) -> None:
    async with search_app(tmp_path) as (app, pilot):
        screen = await open_search(app, pilot)
        await type_query(pilot, screen, *"融资", query="融资")
        assert hit_titles(screen) == ["小米上市"]
        await pilot.press("escape")
        await back_to_main(app, pilot)
        site = tmp_path / "site"
        (site / "source" / "_posts" / "ipo.md").unlink()
        make_site(
            site,
            [PostSpec("new.md", "新的一轮", "2024-02-01 10:00:00", ["新媒体"], "完成融资。\n")],
        )
        main_screen(app).start_sync()
        await settle(app, pilot)
        screen = await open_search(app, pilot)
        await pilot.press(*"融资")
        await wait_for(
            pilot,
            lambda: settled(screen) and screen.query_text == "融资" and not screen.indexing,
            "results after the sync",
        )
        assert hit_titles(screen) == ["新的一轮"]
