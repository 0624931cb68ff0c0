"""Pilot tests of the shell: list, folders, marks, undo, filter, layout, keys and config."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.table import Table
from textual.pilot import Pilot

from reader.app import ReaderApp
from reader.core.config import Config, parse_config
from reader.core.library import Folder
from reader.screens.help import HelpScreen
from reader.screens.main import MainScreen
from reader.widgets.folder_tree import FolderTree
from reader.widgets.sync_status import SyncStatus
from tests.ui_helpers import (
    DEFAULT_POSTS,
    PostSpec,
    async_test,
    main_screen,
    make_site,
    open_library,
    row_titles,
    running_app,
    running_main,
    select_folder,
    send_batch,
    settle,
    site_and_data,
)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return site_and_data(tmp_path)[0]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return site_and_data(tmp_path)[1]


@async_test
async def test_opens_synced_library_newest_first(site: Path, data_dir: Path) -> None:
    async with running_app(site, data_dir) as (app, _pilot):
        screen = main_screen(app)
        assert row_titles(screen) == ["Delta post", "Gamma 中文标题", "Beta post", "Alpha post"]
        assert app.focused is screen.posts
        status = app.screen.query_one(SyncStatus)
        assert status.last is not None and status.last.done


@async_test
async def test_enter_opens_post_and_marks_it_read(site: Path, data_dir: Path) -> None:
    async with running_main(site, data_dir) as (app, pilot, screen):
        await pilot.press("j", "enter")
        await settle(app, pilot)
        assert screen.article.path == "gamma.md"
        assert screen.reading
        assert app.focused is screen.article
        row = screen.posts.current
        assert row is not None and row.path == "gamma.md" and row.read
        await pilot.press("escape")
        assert not screen.reading
        assert app.focused is screen.posts


@async_test
async def test_next_and_previous_unread(site: Path, data_dir: Path) -> None:
    async with running_main(site, data_dir) as (app, pilot, screen):
        await pilot.press("n")
        await settle(app, pilot)
        first = screen.article.path
        assert first is not None
        await pilot.press("n")
        await settle(app, pilot)
        second = screen.article.path
        assert second is not None and second != first
        assert screen.posts.current is not None and screen.posts.current.path == second
        for _ in range(4):
            await pilot.press("n")
            await settle(app, pilot)
        assert all(row.read for row in app.library.posts(Folder("all")).rows(0, 10))


@async_test
async def test_mark_read_persists_across_restart(site: Path, data_dir: Path) -> None:
    async with running_app(site, data_dir) as (app, pilot):
        await pilot.press("j", "j", "m")
        row = main_screen(app).posts.current
        assert row is not None and row.path == "beta.md" and row.read
    library = open_library(site, data_dir)
    try:
        rows = {r.path: r.read for r in library.posts(Folder("all")).rows(0, 10)}
    finally:
        library.close()
    assert rows == {"alpha.md": False, "beta.md": True, "gamma.md": False, "delta.md": False}
    async with running_app(site, data_dir) as (app, _pilot):
        screen = main_screen(app)
        assert screen.posts.row(2) is not None and screen.posts.row(2).read  # type: ignore[union-attr]


@async_test
async def test_undo_restores_the_mark(site: Path, data_dir: Path) -> None:
    async with running_main(site, data_dir) as (_app, pilot, screen):
        await pilot.press("m")
        assert screen.posts.current is not None and screen.posts.current.read
        await pilot.press("u")
        assert screen.posts.current is not None and not screen.posts.current.read


@async_test
async def test_mark_folder_read_and_counts(site: Path, data_dir: Path) -> None:
    async with running_main(site, data_dir) as (app, pilot, screen):
        tree = app.screen.query_one(FolderTree)
        labels = [str(node.label) for node in tree.root.children]
        assert labels[0].startswith("All") and "4/4" in labels[0]
        await pilot.press("M")
        await settle(app, pilot)  # the counts come from a worker
        assert all(row.read for row in app.library.posts(Folder("all")).rows(0, 10))
        assert str(tree.root.children[0].label).endswith("  4")
        await pilot.press("u")
        assert not any(row.read for row in app.library.posts(Folder("all")).rows(0, 10))
        assert screen.posts.current is not None and not screen.posts.current.read


@async_test
async def test_folder_selection_shows_its_posts(site: Path, data_dir: Path) -> None:
    async with running_main(site, data_dir) as (app, pilot, screen):
        tree = app.screen.query_one(FolderTree)
        tree.select_folder(Folder("category", ("Life",)))
        await pilot.pause()
        assert row_titles(screen) == ["Delta post", "Gamma 中文标题"]


@async_test
async def test_filter_as_you_type(site: Path, data_dir: Path) -> None:
    async with running_main(site, data_dir) as (app, pilot, screen):
        await pilot.press("slash")
        assert app.focused is screen.filter_input
        await pilot.press("b", "e", "t")
        assert row_titles(screen) == ["Beta post"]
        await pilot.press("enter")
        assert app.focused is screen.posts
        assert row_titles(screen) == ["Beta post"]
        await pilot.press("slash", "escape")
        assert row_titles(screen) == [p.title for p in reversed(DEFAULT_POSTS)]
        await pilot.press("slash", "z", "z", "z")
        assert row_titles(screen) == []


@async_test
async def test_slash_again_replaces_the_filter_text(site: Path, data_dir: Path) -> None:
    """Issue 12.5: `/` selects the filter's text, so typing replaces it instead of appending."""
    async with running_main(site, data_dir) as (_app, pilot, screen):
        await pilot.press("slash", "b", "e", "t", "enter")
        assert row_titles(screen) == ["Beta post"]
        await pilot.press("slash", "g", "a", "m")
        assert screen.filter_input.value == "gam"
        assert row_titles(screen) == ["Gamma 中文标题"]
        await pilot.press("enter")
        screen.folders.focus()  # from the folder tree too
        await pilot.press("slash", "d")
        assert screen.filter_input.value == "d"


@async_test
async def test_slash_again_replaces_the_find_text(site: Path, data_dir: Path) -> None:
    """The article's find box, reopened, also starts with its old query selected."""
    async with running_main(site, data_dir) as (app, pilot, screen):
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("slash", "t", "e", "x", "t", "enter")
        assert screen.article.find_query == "text"
        await pilot.press("slash", "m", "o", "r", "e", "enter")
        assert screen.article.find_query == "more"


@async_test
async def test_sort_by_title(site: Path, data_dir: Path) -> None:
    async with running_app(site, data_dir) as (app, pilot):
        await pilot.press("S")
        assert row_titles(main_screen(app))[0] == "Alpha post"


@async_test
async def test_narrow_layout_one_pane_at_a_time(site: Path, data_dir: Path) -> None:
    async with running_main(site, data_dir, size=(80, 24)) as (app, pilot, screen):
        assert screen.has_class("-narrow")
        assert not screen.article.display or screen.article.region.width == 0
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen.article.region.width == 80
        assert screen.query_one("#library-pane").region.width == 0
        await pilot.press("escape")
        await pilot.pause()
        assert screen.posts.region.width == 80
        assert screen.article.region.width == 0


@async_test
async def test_wide_layout_side_by_side(site: Path, data_dir: Path) -> None:
    async with running_main(site, data_dir, size=(160, 48)) as (app, pilot, screen):
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen.posts.region.width > 30
        assert screen.article.region.width > 80
        assert screen.posts.region.right <= screen.article.region.x


@pytest.mark.slow  # a sweep (every screen / many posts / many sizes): the full suite runs it
@async_test
async def test_resize_down_to_20x5_and_back(site: Path, data_dir: Path) -> None:
    async with running_main(site, data_dir, size=(160, 48)) as (app, pilot, screen):
        await pilot.press("enter")
        await settle(app, pilot)
        for size in ((80, 24), (20, 5), (1, 1), (20, 5), (160, 48), (80, 24)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            await pilot.press("j", "k", "escape", "j", "enter")
            await settle(app, pilot)
        assert app.is_running
        assert screen.has_class("-narrow")


async def help_table(app: ReaderApp, pilot: Pilot[int]) -> Table:
    """Open the help screen with `?`; its table of keys."""
    await pilot.press("question_mark")
    await pilot.pause()
    assert isinstance(app.screen, HelpScreen)
    return app.screen._table()


@async_test
async def test_remapped_key_from_config_file(site: Path, data_dir: Path, tmp_path: Path) -> None:
    config_file = tmp_path / "config.toml"
    config_file.write_text('[keys]\nnext_unread = "x"\n"reader.down" = "ctrl+n"\n', "utf-8")
    config = parse_config(config_file.read_bytes(), config_file)
    async with running_main(site, data_dir, config=config) as (app, pilot, screen):
        await pilot.press("n")
        await settle(app, pilot)
        assert not screen.reading  # (a wide screen may preview the post under the cursor)
        await pilot.press("ctrl+n")
        assert screen.posts.cursor == 1
        await pilot.press("x")
        await settle(app, pilot)
        assert screen.reading and screen.article.path is not None
        table = await help_table(app, pilot)
        keys = dict(
            zip(map(str, table.columns[2].cells), map(str, table.columns[0].cells), strict=True)
        )
        assert keys["reader.next_unread"] == "x"
        assert keys["reader.down"] == "^n"


@async_test
async def test_help_lists_every_binding_id(site: Path, data_dir: Path) -> None:
    from reader.keys import KEYS

    async with running_app(site, data_dir) as (app, pilot):
        table = await help_table(app, pilot)
        ids = {str(cell) for cell in table.columns[2].cells}
        assert {spec.id for spec in KEYS} <= ids
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


@async_test
async def test_help_says_where_ctrl_q_still_quits(site: Path, data_dir: Path) -> None:
    async with running_app(site, data_dir) as (app, pilot):
        table = await help_table(app, pilot)
        rows = dict(
            zip(map(str, table.columns[0].cells), map(str, table.columns[1].cells), strict=True)
        )
        assert "ctrl+q" in rows
        assert "box" in rows["ctrl+q"]  # it quits even while typing in a box


@async_test
async def test_ctrl_q_quits_while_typing_in_the_filter(site: Path, data_dir: Path) -> None:
    async with running_app(site, data_dir) as (app, pilot):
        await pilot.press("slash", "q", "ctrl+q")
        await pilot.pause()
        assert main_screen(app).filter_input.value == "q"  # q typed, ctrl+q quit
        assert app.quitting
    assert app.return_code == 0


@async_test
async def test_g_and_big_g_scroll_the_help_at_once(site: Path, data_dir: Path) -> None:
    async with running_app(site, data_dir, size=(80, 24)) as (app, pilot):
        await pilot.press("question_mark")
        await pilot.pause()
        body = app.screen.query_one("#help-body")
        assert body.max_scroll_y > 0
        for key, where in (("G", body.max_scroll_y), ("g", 0), ("end", body.max_scroll_y)):
            send_batch(app, key)
            await pilot.pause()
            assert not app.animator.is_being_animated(body, "scroll_y"), key
            assert body.scroll_y == where, key


@async_test
async def test_g_goes_to_the_top_of_an_article_at_once(tmp_path: Path, data_dir: Path) -> None:
    long = PostSpec("long.md", "Long", "2024-01-05 10:00:00", body="Line.\n\n" * 200)
    site = make_site(tmp_path / "long", [long])
    async with running_main(site, data_dir, size=(80, 24)) as (app, pilot, screen):
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("G")
        await settle(app, pilot)
        article = screen.article
        assert article.scroll_y > 0
        send_batch(app, "g")
        await pilot.pause()
        assert not app.animator.is_being_animated(article, "scroll_y")
        assert article.scroll_y == 0


@async_test
async def test_markup_looking_titles_are_literal(tmp_path: Path, data_dir: Path) -> None:
    hostile = "[bold]x[/bold] [@click=app.quit]q[/] [link=file:///etc/passwd]y[/link]"
    site = make_site(
        tmp_path / "hostile",
        [
            PostSpec("a.md", hostile, "2024-01-01 10:00:00", [hostile]),
        ],
    )
    (site / "source" / "_posts" / "b.md").write_text(
        '---\ntitle: "Plain\\e]52;c;SGVsbG8=\\a title"\ndate: 2024-01-02\n---\n\nx\n', "utf-8"
    )
    async with running_main(site, data_dir) as (app, pilot, screen):
        line = "".join(seg.text for seg in screen.posts.render_line(1))
        assert hostile[:40] in line
        line0 = "".join(seg.text for seg in screen.posts.render_line(0))
        assert "\x1b" not in line0 and "\x07" not in line0 and "Plain" in line0
        tree = app.screen.query_one(FolderTree)
        labels = [str(node.label) for node in tree.root.children]
        assert any(hostile in label for label in labels)
        await pilot.press("j", "enter")
        await settle(app, pilot)
        await pilot.press("escape", "m")
        assert app.is_running


@async_test
async def test_resync_key_keeps_ui_answering(site: Path, data_dir: Path) -> None:
    async with running_main(site, data_dir) as (app, pilot, screen):
        (site / "source" / "_posts" / "new.md").write_text(
            "---\ntitle: Brand new\ndate: 2025-01-01\n---\n\nNew.\n", encoding="utf-8"
        )
        await pilot.press("r", "j", "k")
        await settle(app, pilot)
        assert row_titles(screen)[0] == "Brand new"


@async_test
async def test_empty_folder_message(site: Path, data_dir: Path) -> None:
    async with running_main(site, data_dir) as (app, pilot, screen):
        await select_folder(pilot, screen, Folder("bookmarked"))
        assert len(screen.posts) == 0
        assert "No posts" in "".join(seg.text for seg in screen.posts.render_line(0))
        await pilot.press("j", "enter", "m", "bracketright")
        assert app.is_running


def test_config_dataclass_default_is_usable() -> None:
    assert Config().measure == 100


@async_test
async def test_the_first_screen_shows_the_last_counts_and_then_the_current_ones(
    site: Path, data_dir: Path
) -> None:
    def unread_label(app: object) -> str:
        tree = main_screen(app).query_one(FolderTree)
        return next(str(n.label) for n in tree.root.children if str(n.label).startswith("Unread"))

    async with running_app(site, data_dir) as (app, _pilot):
        assert unread_label(app).endswith(" 4/4")
    other = open_library(site, data_dir)  # another session reads two posts meanwhile
    other.mark_read("alpha.md")
    other.mark_read("beta.md")
    other.close()
    async with running_app(site, data_dir) as (app, _pilot):
        assert unread_label(app).endswith(" 2/2")  # recounted after the first screen
