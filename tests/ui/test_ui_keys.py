"""The one key table: ids, actions that exist, README in step, palette entries."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.binding import Binding

from reader.app import ReaderApp
from reader.devtools.screenshots import KEYS_END, KEYS_START, keys_markdown
from reader.keys import KEYS, KEYS_BY_ID, Scope, bindings, effective_keys
from reader.screens.main import MainScreen
from reader.widgets.filter_input import FilterInput
from reader.widgets.folder_tree import FolderTree
from reader.widgets.post_list import PostListView

ROOT = Path(__file__).resolve().parents[2]
OWNERS: dict[Scope, type] = {
    "app": ReaderApp,
    "main": MainScreen,
    "list": PostListView,
    "tree": FolderTree,
    "filter": FilterInput,
}


def test_ids_are_unique_and_prefixed() -> None:
    assert len(KEYS_BY_ID) == len(KEYS)
    assert all(re.fullmatch(r"reader\.[a-z_]+", spec.id) for spec in KEYS)
    assert all(spec.tooltip and spec.description for spec in KEYS)


@pytest.mark.parametrize("scope", sorted(OWNERS))
def test_every_action_exists_on_its_owner(scope: Scope) -> None:
    owner = OWNERS[scope]
    for binding in bindings(scope):
        assert isinstance(binding, Binding)
        name = binding.action.split("(")[0]
        assert hasattr(owner, f"action_{name}"), f"{owner.__name__} lacks action_{name}"


def test_no_key_clash_within_a_scope() -> None:
    for scope in OWNERS:
        seen: dict[str, str] = {}
        for spec in KEYS:
            if scope in spec.scopes:
                for key in effective_keys(spec, {}):
                    assert key not in seen, f"{key} bound to {seen[key]} and {spec.id} in {scope}"
                    seen[key] = spec.id


def test_owners_declare_the_table_bindings() -> None:
    assert [b.id for b in PostListView.BINDINGS if isinstance(b, Binding)] == [
        b.id for b in bindings("list") if isinstance(b, Binding)
    ]


def test_effective_keys_follow_the_keymap() -> None:
    spec = KEYS_BY_ID["reader.next_unread"]
    assert effective_keys(spec, {}) == ["n"]
    assert effective_keys(spec, {"reader.next_unread": "x,ctrl+x"}) == ["x", "ctrl+x"]


def test_readme_key_list_is_generated_from_the_table() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start, end = readme.index(KEYS_START) + len(KEYS_START), readme.index(KEYS_END)
    assert readme[start:end].strip() == keys_markdown().strip(), (
        "README key list is stale: run python -m reader.devtools.screenshots"
    )


def test_palette_offers_each_command_once() -> None:
    import asyncio

    from textual.app import App

    async def system_titles() -> set[str]:
        app: App[None] = App()
        async with app.run_test():
            return {command.title for command in app.get_system_commands(app.screen)}

    system = asyncio.run(system_titles())
    assert "Quit" in system
    ours = [spec.description for spec in KEYS if spec.palette]
    assert len(ours) == len(set(ours))
    assert not system & set(ours), system & set(ours)
