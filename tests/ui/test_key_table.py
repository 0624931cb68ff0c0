"""Issue 14: every key of every screen and widget comes from the one key table, so the help
screen lists it, the README documents it and the config can remap it by its id."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode

import reader
from reader.core.config import Config
from reader.core.paths import StorePaths
from reader.keys import KEYS_BY_ID, SCOPE_TITLES, bindings
from reader.launch import load_settings
from reader.screens.help import HelpScreen
from reader.screens.main import MainScreen
from tests.conftest import sweep
from tests.ui_helpers import PostSpec, async_test, make_site, running_app, settle

FREE_KEY = "f19"
"""A key no binding uses by default: remapping anything onto it must never conflict."""


def _reader_nodes() -> list[type[DOMNode]]:
    """Every App, Screen and Widget class defined in the reader package."""
    root = Path(reader.__file__).parent
    for path in sorted(root.rglob("*.py")):  # also the folders without __init__.py
        module = ".".join(path.relative_to(root.parent).with_suffix("").parts)
        if not module.endswith(("__main__", "__init__")):  # __main__ would start the CLI
            importlib.import_module(module)
    found: set[type[DOMNode]] = set()
    pending: list[type[DOMNode]] = [DOMNode]
    while pending:
        for sub in pending.pop().__subclasses__():
            pending.append(sub)
            if sub.__module__.startswith("reader."):
                found.add(sub)
    return sorted(found, key=lambda cls: (cls.__module__, cls.__qualname__))


def _declared(cls: type[DOMNode]) -> Iterator[Binding]:
    """The bindings `cls` gets from reader classes (its own and inherited ones)."""
    for klass in cls.__mro__:
        if klass.__module__.startswith("reader.") and "BINDINGS" in vars(klass):
            for binding in vars(klass)["BINDINGS"]:
                assert isinstance(binding, Binding), f"{klass.__qualname__}: {binding!r}"
                yield binding


NODES = _reader_nodes()
DECLARED = [(cls, binding) for cls in NODES for binding in _declared(cls)]
DECLARED_IDS = sorted({binding.id or "" for _, binding in DECLARED})


def _name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def test_the_walk_finds_the_screens_of_every_kind() -> None:
    names = {cls.__name__ for cls in NODES}
    assert {"ReaderApp", "MainScreen", "SearchScreen", "LinksScreen", "HelpScreen"} <= names
    assert {"OutlineScreen", "OutlinePanel", "FindBar", "NoteDialog", "ExportDialog"} <= names
    assert {"OpenLibraryScreen", "CopyLinkScreen", "PostListView"} <= names


@pytest.mark.parametrize(("cls", "binding"), DECLARED, ids=lambda v: getattr(v, "__name__", ""))
def test_every_binding_is_an_entry_of_the_table(cls: type[DOMNode], binding: Binding) -> None:
    where = f"{_name(cls)} binds {binding.key!r} to {binding.action!r}"
    assert binding.id in KEYS_BY_ID, f"{where} without an id of reader/keys.py"
    spec = KEYS_BY_ID[binding.id]
    assert binding.key == spec.keys, where
    assert any(binding.action == spec.action_for(scope) for scope in spec.scopes), where
    assert hasattr(cls, "action_" + binding.action.split("(")[0]), f"{where}: no such action"


def test_every_class_declares_exactly_one_scope_of_the_table() -> None:
    for cls in NODES:
        for klass in cls.__mro__:
            if klass.__module__.startswith("reader.") and "BINDINGS" in vars(klass):
                ids = [binding.id for binding in vars(klass)["BINDINGS"]]
                scopes = [s for s in SCOPE_TITLES if ids == [b.id for b in _table(s)]]
                assert scopes, f"{_name(klass)}: BINDINGS is not bindings(<scope>)"


def _table(scope: str) -> list[Binding]:
    return [b for b in bindings(scope) if isinstance(b, Binding)]  # type: ignore[arg-type]


@pytest.mark.parametrize("binding_id", DECLARED_IDS)
def test_the_config_remaps_every_id(binding_id: str, tmp_path: Path) -> None:
    paths = StorePaths.default(tmp_path / "data")
    paths.config_file.parent.mkdir(parents=True, exist_ok=True)
    paths.config_file.write_text(f'[keys]\n"{binding_id}" = "{FREE_KEY}"\n', encoding="utf-8")
    config = load_settings(paths)  # a known id, and no conflict
    assert dict(config.keys) == {binding_id: FREE_KEY}
    owners = [cls for cls, binding in DECLARED if binding.id == binding_id]
    for cls in owners:
        remapped = BindingsMap(_declared(cls))
        remapped.apply_keymap(dict(config.keys))
        assert {b.id for b in remapped.key_to_bindings.get(FREE_KEY, [])} == {binding_id}
        for old in KEYS_BY_ID[binding_id].keys.split(","):
            assert binding_id not in {b.id for b in remapped.key_to_bindings.get(old, [])}


LINKED = (
    PostSpec("linked.md", "Linked", "2024-01-01 10:00:00", body="See [a](https://a.test).\n"),
)
"""A post with headings (every test post has them) and a link."""

# How to reach a screen from the library list, and its key that closes it.
REPRESENTATIVE = [
    ("reader.search_close", ("s",), "SearchScreen"),
    ("reader.help_close", ("question_mark",), "HelpScreen"),
    ("reader.links_close", ("enter", "l"), "LinksScreen"),
    ("reader.outline_close", ("enter", "o"), "OutlineScreen"),
    ("reader.find_cancel", ("enter", "slash"), "FindBar"),
    ("reader.export_cancel", ("E",), "ExportDialog"),
    ("reader.open_library_cancel", ("ctrl+o",), "OpenLibraryScreen"),
]


@pytest.mark.parametrize(("binding_id", "opening", "screen"), sweep(REPRESENTATIVE, unpack=True))
@async_test
async def test_a_remapped_key_closes_its_screen(
    binding_id: str, opening: tuple[str, ...], screen: str, tmp_path: Path
) -> None:
    site = make_site(tmp_path / "site", LINKED)
    config = Config(keys={binding_id: FREE_KEY}, search_index="on_search")
    async with running_app(site, tmp_path / "data", config=config) as (app, pilot):
        for key in opening:
            await pilot.press(key)
            await settle(app, pilot)
        assert type(app.screen).__name__ == screen
        await pilot.press(KEYS_BY_ID[binding_id].keys.split(",")[0])  # its default: no more
        await settle(app, pilot)
        assert type(app.screen).__name__ == screen
        await pilot.press(FREE_KEY)
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)


@async_test
async def test_help_lists_every_binding_under_a_title_for_its_screen(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    async with running_app(site, tmp_path / "data") as (app, pilot):
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        table = app.screen._table()
        ids = {str(cell) for cell in table.columns[2].cells}
        titles = {str(cell) for cell in table.columns[1].cells}
    assert set(DECLARED_IDS) <= ids
    for scope in ("search", "links", "outline", "find", "note", "export", "help"):
        assert SCOPE_TITLES[scope] in titles  # type: ignore[index]


@async_test
async def test_a_dialog_that_names_its_keys_names_the_remapped_ones(tmp_path: Path) -> None:
    from textual.widgets import Label

    from reader.screens.copy_link import CopyLinkScreen

    site = make_site(tmp_path / "site", LINKED)
    config = Config(keys={"reader.copy_link": "ctrl+y"}, search_index="on_search")
    async with running_app(site, tmp_path / "data", config=config) as (app, pilot):
        app.push_screen(CopyLinkScreen("https://a.test"))
        await settle(app, pilot)
        said = str(app.screen.query_one("#copy-link-keys", Label).content)
        assert said.startswith(app.get_key_display(Binding("ctrl+y", "copy")) + " copy")
        await pilot.press("ctrl+y")
        assert app.clipboard == "https://a.test"
