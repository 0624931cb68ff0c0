"""Issue 12.6: one key reaching two binding ids from the same focused widget (its bindings, its
screen's and the app's) is refused at config load, unless the key table declares the pair."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reader.keys import CONTEXTS, KEYS_BY_ID, SCOPE_TITLES, find_conflict, find_typed_key
from reader.screens.links import LinksScreen
from tests.conftest import run_reader
from tests.ui_helpers import PostSpec, async_test, make_site, running_app, settle


def test_the_default_table_has_no_undeclared_conflict() -> None:
    assert find_conflict({}) is None


def test_every_scope_is_checked_where_it_is_focused() -> None:
    assert {scope for chain in CONTEXTS.values() for scope in chain} == set(SCOPE_TITLES)


def test_declared_pairs_name_existing_ids() -> None:
    for spec in KEYS_BY_ID.values():
        for other in spec.shares:
            assert other in KEYS_BY_ID, other


@pytest.mark.parametrize(
    ("keymap", "key", "ids"),
    [
        ({"reader.quit": "j"}, "j", {"reader.quit", "reader.down"}),
        ({"reader.next_unread": "q"}, "q", {"reader.next_unread", "reader.quit"}),
        ({"reader.search": "?"}, "?", {"reader.search", "reader.help"}),
        ({"reader.search": "question_mark"}, "question_mark", {"reader.search", "reader.help"}),
        ({"reader.toggle_read": "o"}, "o", {"reader.toggle_read", "reader.outline"}),
        ({"reader.filter_done": "ctrl+o"}, "ctrl+o", {"reader.filter_done", "reader.open_library"}),
        (
            {"reader.filter_done": "ctrl+g", "reader.undo": "ctrl+g"},
            "ctrl+g",
            {"reader.filter_done", "reader.undo"},
        ),
    ],
)
def test_a_remap_onto_a_taken_key_is_a_conflict(
    keymap: dict[str, str], key: str, ids: set[str]
) -> None:
    conflict = find_conflict(keymap)
    assert conflict is not None
    assert {conflict.first, conflict.second} == ids
    assert conflict.key == key  # as the config wrote it
    assert conflict.where in CONTEXTS


@pytest.mark.parametrize(
    ("keymap", "ids", "where"),
    [
        ({"reader.links_copy": "q"}, {"reader.links_copy", "reader.links_close"}, "the link list"),
        ({"reader.outline_close": "j"}, {"reader.outline_close", "reader.down"}, "the outline"),
        ({"reader.help_close": "g"}, {"reader.help_close", "reader.top"}, "the help screen"),
        (
            {"reader.copy_link": "escape"},
            {"reader.copy_link", "reader.copy_link_close"},
            "the copy link dialog",
        ),
        # The search screen is not modal: the app's keys reach it.
        (
            {"reader.search_close": "ctrl+o"},
            {"reader.search_close", "reader.open_library"},
            "the search screen",
        ),
    ],
)
def test_each_screen_is_checked_with_the_keys_that_reach_it(
    keymap: dict[str, str], ids: set[str], where: str
) -> None:
    conflict = find_conflict(keymap)
    assert conflict is not None
    assert ({conflict.first, conflict.second}, conflict.where) == (ids, where)


@pytest.mark.parametrize(
    "keymap",
    [
        {"reader.quit": "x"},  # a free key
        {"reader.quit": "j", "reader.down": "ctrl+n"},  # both moved: j is free again
        {"reader.find_next": "n"},  # the declared pair, as it is
        {"reader.filter_done": "ctrl+g"},
        {"reader.filter": "f", "reader.find": "f"},  # list and article: never the same focus
        {"reader.links_close": "E"},  # the app's keys stop at a modal screen
        {"reader.outline_close": "l", "reader.links_copy": "o"},  # two screens, never together
    ],
)
def test_remaps_without_a_conflict_are_accepted(keymap: dict[str, str]) -> None:
    assert find_conflict(keymap) is None


def test_reader_refuses_a_conflicting_config_with_one_line(tmp_path: Path) -> None:
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "reader" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('theme = "dark"\n[keys]\nquit = "j"\n', encoding="utf-8")
    result = run_reader("--data-dir", str(tmp_path / "data"), env={**os.environ, "TERM": "xterm"})
    assert result.returncode == 2  # a bad config, like every other config mistake
    assert result.stderr.count("\n") == 1
    line = result.stderr
    assert "line 3" in line and "reader.quit" in line and "reader.down" in line and "'j'" in line


@async_test
async def test_the_apps_keys_do_not_reach_a_modal_screen(tmp_path: Path) -> None:
    linked = PostSpec("linked.md", "Linked", "2024-01-01 10:00:00", body="[a](https://a.test)\n")
    site = make_site(tmp_path / "site", [linked])
    async with running_app(site, tmp_path / "data") as (app, pilot):
        for key in ("enter", "l", "E", "ctrl+o"):  # E and ctrl+o are the app's
            await pilot.press(key)
            await settle(app, pilot)
        assert isinstance(app.screen, LinksScreen)  # no export or open library dialog on top


def test_the_default_table_types_no_key_into_a_box() -> None:
    assert find_typed_key({}) is None


@pytest.mark.parametrize(
    ("binding_id", "key", "box"),
    [
        ("reader.search_close", "x", "the search box"),
        ("reader.find_cancel", "space", "the find box"),
        ("reader.filter_done", "q", "the filter box"),
        ("reader.note_cancel", "question_mark", "the note box"),
    ],
)
def test_a_key_a_text_box_would_type_is_refused(binding_id: str, key: str, box: str) -> None:
    typed = find_typed_key({binding_id: key})
    assert typed is not None
    assert (typed.binding_id, typed.key, typed.box) == (binding_id, key, box)
    assert find_typed_key({binding_id: "ctrl+g"}) is None


@pytest.mark.slow  # a process of its own (see the marker)
def test_reader_refuses_a_key_its_box_would_type(tmp_path: Path) -> None:
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "reader" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[keys]\nsearch_close = "x"\n', encoding="utf-8")
    result = run_reader("--data-dir", str(tmp_path / "data"), env={**os.environ, "TERM": "xterm"})
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "line 2" in result.stderr and "reader.search_close" in result.stderr
