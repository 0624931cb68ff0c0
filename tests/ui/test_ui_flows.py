"""Pilot tests of whole flows in the real app: next unread across folders, a config file in
the config dir (remaps, mark read at the end), bookmarks in the list, outline and position at
80x24, the link list, focus after dialogs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reader import launch
from reader.core.config import ConfigError
from reader.core.library import Folder
from reader.core.paths import StorePaths
from reader.screens.links import LinksScreen
from reader.screens.outline import OutlineScreen
from reader.widgets.article_view import SAVE_DELAY, ArticleView
from reader.widgets.folder_tree import ALL, FolderTree
from reader.widgets.footer import ReaderFooter
from tests.conftest import sweep
from tests.ui_helpers import (
    WIDE,
    PostSpec,
    async_test,
    main_screen,
    make_site,
    running_app,
    running_main,
    screen_lines,
    select_folder,
    settle,
)

LONG = "".join(f"Paragraph {i}: " + "words to read " * 10 + "\n\n" for i in range(40))
LINKS = "See [the web](https://example.org/x), [a post](b1.md) and [evil](javascript:x).\n\n"
POSTS = (
    PostSpec("a1.md", "Tech newest", "2024-01-05 10:00:00", ["Tech"], LONG),
    PostSpec("b1.md", "Life newer", "2024-01-04 10:00:00", ["Life"]),
    PostSpec("a2.md", "Tech older", "2024-01-03 10:00:00", ["Tech"], LINKS + LONG),
    PostSpec("b2.md", "Life oldest", "2024-01-02 10:00:00", ["Life"]),
)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(tmp_path / "site", POSTS)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


def write_config(text: str) -> StorePaths:
    """A config.toml in the platformdirs config dir (XDG_CONFIG_HOME, isolated per test)."""
    paths = StorePaths.default()
    assert str(paths.config_dir).startswith(os.environ["XDG_CONFIG_HOME"])
    paths.config_dir.mkdir(parents=True, exist_ok=True)
    paths.config_file.write_text(text, encoding="utf-8")
    return paths


@async_test
async def test_next_unread_finishes_the_folder_then_goes_across_folders(
    site: Path, data_dir: Path
) -> None:
    async with running_main(site, data_dir) as (app, pilot, screen):
        tech = Folder("category", ("Tech",))
        await select_folder(pilot, screen, tech)
        assert screen.folder == tech
        opened = []
        for _ in range(2):
            await pilot.press("n")
            await settle(app, pilot)
            opened.append(screen.article.path)
        # Both Tech posts first, though "Life newer" sits between them by date.
        assert opened == ["a1.md", "a2.md"]
        assert screen.folder == tech
        await pilot.press("n")
        await settle(app, pilot)
        # Tech has no more: the next unread of the library, and the list follows it.
        assert screen.article.path == "b2.md"
        assert screen.folder == ALL
        current = screen.posts.current
        assert current is not None and current.path == "b2.md"
        await pilot.press("n")
        await settle(app, pilot)
        assert screen.article.path == "b1.md"  # wrapped around to the newest unread
        await pilot.press("n")
        await settle(app, pilot)
        assert screen.article.path == "b1.md"  # nothing left: stays, says so
        assert all(row.read for row in app.library.posts(ALL).rows(0, 10))


@async_test
async def test_previous_unread_goes_up_the_folder(site: Path, data_dir: Path) -> None:
    async with running_main(site, data_dir) as (app, pilot, screen):
        await select_folder(pilot, screen, Folder("category", ("Tech",)))
        await pilot.press("j", "enter")
        await settle(app, pilot)
        assert screen.article.path == "a2.md"
        await pilot.press("N")
        await settle(app, pilot)
        assert screen.article.path == "a1.md"


@async_test
async def test_filtered_list_next_unread_stays_inside_the_filter(
    site: Path, data_dir: Path
) -> None:
    async with running_main(site, data_dir) as (app, pilot, screen):
        await pilot.press("slash", *"life", "enter")
        await pilot.press("n")
        await settle(app, pilot)
        assert screen.article.path == "b1.md"
        await pilot.press("n")
        await settle(app, pilot)
        assert screen.article.path == "b2.md"  # not "Tech older", which is between by date


@async_test
async def test_keys_remapped_in_the_config_dir_file(site: Path, data_dir: Path) -> None:
    paths = write_config(
        '# my keys\n[keys]\nnext_unread = "x"\n"reader.down" = ["ctrl+n", "j"]\ntoggle_read = "X"\n'
    )
    config = launch.load_settings(paths)
    async with running_main(site, data_dir, config=config) as (app, pilot, screen):
        await pilot.press("n", "m")  # the old keys do nothing now
        await settle(app, pilot)
        assert not screen.reading  # (a wide screen may preview the post under the cursor)
        assert not any(row.read for row in app.library.posts(ALL).rows(0, 10))
        await pilot.press("ctrl+n", "j")
        assert screen.posts.cursor == 2
        await pilot.press("X")
        current = screen.posts.current
        assert current is not None and current.path == "a2.md" and current.read
        await pilot.press("x")  # the next unread after the cursor
        await settle(app, pilot)
        assert screen.article.path == "b2.md"


def test_bad_config_in_the_config_dir_names_its_line() -> None:
    paths = write_config('theme = "dark"\n[keys]\n"reader.down" = ["j"]\nfly = "f"\n')
    with pytest.raises(ConfigError) as caught:
        launch.load_settings(paths)
    assert caught.value.line == 4
    message = str(caught.value)
    assert "line 4" in message and "reader.fly" in message and str(paths.config_file) in message


def test_bad_config_stops_run_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    paths = write_config('measure = 100\nmark_read_on = "sometimes"\n')
    assert launch.run(None, str(paths.data_dir)) == 2
    err = capsys.readouterr().err
    assert err.startswith("reader: bad config:") and err.count("\n") == 1
    assert "line 2" in err and "mark_read_on" in err


@async_test
async def test_mark_read_on_end_from_the_config_file(site: Path, data_dir: Path) -> None:
    config = launch.load_settings(write_config('mark_read_on = "end"\n'))
    assert config.mark_read_on == "end"
    async with running_main(site, data_dir, size=(80, 24), config=config) as (app, pilot, screen):
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen.article.path == "a1.md"
        row = screen.posts.current
        assert row is not None and not row.read
        await pilot.press("space", "j")
        await settle(app, pilot)
        row = screen.posts.current
        assert row is not None and not row.read
        await pilot.press("G")
        await settle(app, pilot)
        row = screen.posts.current
        assert row is not None and row.read
        await pilot.press("escape")
        assert "●" not in "".join(s.text for s in screen.posts.render_line(0))


@async_test
async def test_bookmark_shows_in_the_list_and_the_folder_and_undo_removes_it(
    site: Path, data_dir: Path
) -> None:
    async with running_main(site, data_dir, size=WIDE) as (app, pilot, screen):
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("b", *"later", "enter")
        await settle(app, pilot)
        assert app.focused is screen.article
        assert "★" in "".join(s.text for s in screen.posts.render_line(0))
        tree = screen.query_one(FolderTree)
        labels = [str(node.label) for node in tree.root.children]
        assert any(label.startswith("Bookmarked") and label.endswith(" 1") for label in labels)
        await pilot.press("escape", "u")
        await settle(app, pilot)
        assert "★" not in "".join(s.text for s in screen.posts.render_line(0))
        assert app.library.bookmarks() == []


def visible(view: ArticleView) -> list[str]:
    return ["".join(s.text for s in view.render_line(y)).strip() for y in range(view.size.height)]


@async_test
async def test_outline_jump_and_position_restored_after_restart_at_80x24(
    site: Path, data_dir: Path
) -> None:
    async with running_main(site, data_dir, size=(80, 24)) as (app, pilot, screen):
        await pilot.press("enter")
        await settle(app, pilot)
        assert "Second" not in visible(screen.article)
        await pilot.press("o")
        assert isinstance(app.screen, OutlineScreen)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.screen is screen and app.focused is screen.article
        assert screen.article.current_section() == ("Second", "second")
        shown = visible(screen.article)
        assert "Second" in shown and "Paragraph 0:" not in " ".join(shown)
        jumped = screen.article.scroll_y
        await pilot.press("escape")  # back to the list: the position is kept
        await pilot.pause()
        await pilot.press("enter")  # the same post again
        await settle(app, pilot)
        # Positions are Markdown lines: back at the start of the paragraph that was on top.
        assert jumped - 3 <= screen.article.scroll_y <= jumped
        assert "Second" in visible(screen.article)
        restored = visible(screen.article)
        # Restoring scrolls; the save that follows must keep the line it restored, not
        # drift to a neighbour (slow CI machines fired the save timer here, fast ones did not).
        await pilot.pause(SAVE_DELAY + 0.3)
        await pilot.press("escape")
    async with running_main(site, data_dir, size=(80, 24)) as (app, pilot, screen):
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen.article.path == "a1.md"
        # The same lines from the top; the view can be a row shorter or longer while the
        # sync status line is shown at the bottom (it hides a few seconds after a sync).
        shown = visible(screen.article)
        rows = min(len(shown), len(restored))
        assert rows >= 15 and shown[:rows] == restored[:rows]
        assert screen.article._generation == 1  # rendered once: no second pass for a scrollbar


@async_test
async def test_link_list_from_the_article_and_back(site: Path, data_dir: Path) -> None:
    async with running_main(site, data_dir, size=(80, 24)) as (app, pilot, screen):
        await pilot.press("j", "j", "enter")
        await settle(app, pilot)
        assert screen.article.path == "a2.md"
        await pilot.press("l")
        assert isinstance(app.screen, LinksScreen)
        await pilot.press("escape")
        assert app.screen is screen and app.focused is screen.article
        await pilot.press("l", "2", "enter")  # the link to another post of the library
        await settle(app, pilot)
        assert app.screen is screen and screen.article.path == "b1.md"
        current = screen.posts.current
        assert current is not None and current.path == "b1.md"
        await pilot.press("backspace")
        await settle(app, pilot)
        assert screen.article.path == "a2.md"


def footer(app: object) -> ReaderFooter:
    return main_screen(app).query_one(ReaderFooter)


@pytest.mark.parametrize("size", sweep([(80, 24), (100, 30), (160, 48)]))
@async_test
async def test_footer_keys_fit_and_help_is_always_shown(
    site: Path, data_dir: Path, size: tuple[int, int]
) -> None:
    async with running_app(site, data_dir, size=size) as (app, pilot):
        for keys in ((), ("enter",), ("escape", "slash")):
            await pilot.press(*keys)
            await settle(app, pilot)
            line = screen_lines(app)[-1]
            hints = footer(app).hints
            if "Clear filter" not in [hint.description for hint in hints]:
                assert "? Help" in line, line
            palette = footer(app).palette is not None
            assert palette == (size[0] >= 100 or keys != ("enter",)), (size, keys)
            if palette:  # then every key is drawn whole, and the hint after them all
                for hint in hints:
                    assert f"{hint.display} {hint.description}" in line, (hint, line)
                assert line.rstrip().endswith("^p palette"), line


@async_test
async def test_the_footer_after_pane_switches_shows_and_clicks_the_keys_of_the_pane(
    site: Path, data_dir: Path
) -> None:
    """Each pane's footer line is painted again from what was kept: its clicks too."""
    async with running_main(site, data_dir, size=(80, 24)) as (app, pilot, screen):
        lines: dict[bool, str] = {}
        for keys in (("enter",), ("q",), ("enter",), ("q",)):  # each line painted twice
            await pilot.press(*keys)
            await settle(app, pilot)
            line = screen_lines(app)[-1]
            assert lines.setdefault(screen.reading, line) == line
            hints = footer(app).hints
            assert all(f"{hint.display} {hint.description}" in line for hint in hints[:3])
        assert lines[True] != lines[False]
        pressed: list[str] = []
        app.simulate_key = pressed.append  # type: ignore[method-assign]
        hints, x = footer(app).hints, 0
        for hint in hints:  # the list's, drawn as "key description " one after the other
            await pilot.click(ReaderFooter, offset=(x, 0))
            x += len(f"{hint.display} {hint.description} ")
        assert pressed == [hint.key for hint in hints]


@async_test
async def test_hexo_post_link_opens_the_post_it_names(tmp_path: Path, data_dir: Path) -> None:
    body = "Read {% post_link b1 'the Life post' %} or {% post_link gone 'a lost one' %}.\n"
    site = make_site(
        tmp_path / "hexo", (PostSpec("x.md", "Linking", "2024-02-01 10:00:00", ["X"], body), *POSTS)
    )
    async with running_main(site, data_dir, size=(80, 24)) as (app, pilot, screen):
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen.article.path == "x.md"
        await pilot.press("l")
        links = app.screen
        assert isinstance(links, LinksScreen)
        assert [(t.kind, t.value) for t in links._targets] == [
            ("post", "b1.md"),
            ("refused", "gone"),
        ]
        await pilot.press("1", "enter")
        await settle(app, pilot)
        assert app.screen is screen and screen.article.path == "b1.md"
        await pilot.press("backspace", "l", "2", "enter")
        await settle(app, pilot)
        assert screen.article.path == "x.md"  # refused: stays, with a message


@async_test
async def test_while_finding_n_and_the_footer_are_about_hits(site: Path, data_dir: Path) -> None:
    async with running_main(site, data_dir, size=(80, 24)) as (app, pilot, screen):
        await pilot.press("enter")
        await settle(app, pilot)
        article = screen.article

        def keys() -> dict[str, str]:
            return {hint.key: hint.description for hint in footer(app).hints}

        assert keys()["n"] == "Next unread"
        await pilot.press("slash", *"paragraph 3", "enter")
        await settle(app, pilot)
        assert article.find_active and article.hit_count > 3
        assert keys()["n"] == "Next hit"
        await pilot.press("n", "n")
        assert article.finder.index == 2 and article.path == "a1.md"
        await pilot.press("N")
        assert article.finder.index == 1
        await pilot.press("escape")  # ends the find, stays in the post
        await settle(app, pilot)
        assert not article.find_active and screen.reading
        assert keys()["n"] == "Next unread"
        await pilot.press("n")
        await settle(app, pilot)
        assert article.path == "b1.md"  # n is next unread again
