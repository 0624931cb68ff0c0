"""Issue 12.6: one key reaching two binding ids from the same focused widget (its bindings, its
screen's and the app's) is refused at config load, unless the key table declares the pair."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reader.keys import CONTEXTS, KEYS_BY_ID, find_conflict
from tests.conftest import run_reader


def test_the_default_table_has_no_undeclared_conflict() -> None:
    assert find_conflict({}) is None


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
    "keymap",
    [
        {"reader.quit": "x"},  # a free key
        {"reader.quit": "j", "reader.down": "ctrl+n"},  # both moved: j is free again
        {"reader.find_next": "n"},  # the declared pair, as it is
        {"reader.filter_done": "ctrl+g"},
        {"reader.filter": "f", "reader.find": "f"},  # list and article: never the same focus
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
