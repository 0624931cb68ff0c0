"""The one table of key bindings. It drives the footer, the help screen and the command palette.

Each widget or screen declares `BINDINGS = bindings("<scope>")` and implements `action_<action>`
for the entries of its scope. Every entry has an id `reader.<name>`, which the `[keys]` table of
the config remaps (`App.set_keymap`). An id shared by several scopes (`reader.down` moves the list
cursor and scrolls the article) is remapped everywhere at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from textual.binding import Binding, BindingType
from textual.keys import key_to_character

Scope = Literal["app", "main", "list", "tree", "article", "filter"]

SCOPE_TITLES: dict[Scope, str] = {
    "app": "Anywhere",
    "main": "Library and reading panes",
    "list": "Moving, and the post list",
    "tree": "Folders",
    "article": "Article",
    "filter": "Filter box",
}


@dataclass(frozen=True, slots=True)
class KeySpec:
    """One binding: its id, default keys (comma-separated Textual key names), action and help."""

    id: str
    keys: str
    action: str
    description: str
    tooltip: str
    scopes: tuple[Scope, ...]
    show: bool = False
    """Shown in the footer (kept to a few so 80 columns stay readable)."""
    palette: bool = False
    """Offered in the command palette (run on the owner of the first scope)."""
    overrides: tuple[tuple[Scope, str], ...] = ()
    """(scope, action) pairs where a scope names the action differently."""
    shares: tuple[str, ...] = ()
    """Ids that may answer the same key where both reach it, by design (the nearer one wins)."""

    def action_for(self, scope: Scope) -> str:
        return dict(self.overrides).get(scope, self.action)


_NAV: tuple[Scope, ...] = ("list", "tree", "article")


def _scroll(action: str) -> tuple[tuple[Scope, str], ...]:
    """The article scrolls where the list and the tree move a cursor."""
    return (("article", action),)


KEYS: tuple[KeySpec, ...] = (
    # Anywhere
    KeySpec("reader.help", "question_mark", "help", "Help", "All keys", ("app",), True, True),
    # Quit is not offered in the palette: Textual's own "Quit" command is already there.
    KeySpec("reader.quit", "q", "quit", "Quit", "Quit reader", ("app",), True),
    KeySpec(
        "reader.open_library",
        "ctrl+o",
        "open_library",
        "Open library…",
        "Open a known library or a path",
        ("app",),
        palette=True,
    ),
    KeySpec(
        "reader.export_bookmarks",
        "E",
        "export_bookmarks",
        "Export bookmarks…",
        "Write the bookmarks to a Markdown file",
        ("app",),
        palette=True,
    ),
    # Main screen (library + reading panes)
    KeySpec(
        "reader.next_unread",
        "n",
        "next_unread",
        "Next unread",
        "Open the next unread post (next hit while finding)",
        ("main",),
        True,
        True,
    ),
    KeySpec(
        "reader.prev_unread",
        "N",
        "prev_unread",
        "Prev unread",
        "Open the previous unread post (previous hit while finding)",
        ("main",),
        palette=True,
    ),
    KeySpec(
        "reader.next_post",
        "right_square_bracket",
        "next_post",
        "Next post",
        "Open the next post of the list",
        ("main",),
    ),
    KeySpec(
        "reader.prev_post",
        "left_square_bracket",
        "prev_post",
        "Prev post",
        "Open the previous post of the list",
        ("main",),
    ),
    KeySpec(
        "reader.toggle_read",
        "m",
        "toggle_read",
        "Read",
        "Toggle the read mark",
        ("main",),
        True,
        True,
    ),
    KeySpec(
        "reader.mark_folder_read",
        "M",
        "mark_folder_read",
        "Mark folder read",
        "Mark every post of the folder read",
        ("main",),
        palette=True,
    ),
    KeySpec(
        "reader.undo",
        "u",
        "undo",
        "Undo",
        "Undo the last mark or bookmark",
        ("main",),
        palette=True,
    ),
    KeySpec(
        "reader.resync", "r", "resync", "Sync", "Rescan the library folder", ("main",), palette=True
    ),
    KeySpec(
        "reader.search",
        "s",
        "search",
        "Search",
        "Search the text of every post",
        ("main",),
        True,
        True,
    ),
    KeySpec(
        "reader.sort",
        "S",
        "toggle_sort",
        "Sort date/title",
        "Sort the list by date or by title",
        ("main",),
        palette=True,
    ),
    KeySpec(
        "reader.focus_next", "tab", "focus_next_pane", "Next pane", "Focus the next pane", ("main",)
    ),
    KeySpec(
        "reader.focus_previous",
        "shift+tab",
        "focus_previous_pane",
        "Previous pane",
        "Focus the previous pane",
        ("main",),
    ),
    # Moving (list cursor, folder cursor, article scroll)
    KeySpec(
        "reader.down",
        "j,down",
        "down",
        "Down",
        "Move down one line",
        _NAV,
        overrides=_scroll("scroll_down"),
    ),
    KeySpec(
        "reader.up", "k,up", "up", "Up", "Move up one line", _NAV, overrides=_scroll("scroll_up")
    ),
    KeySpec(
        "reader.top",
        "g,home",
        "top",
        "Top",
        "Go to the first line",
        _NAV,
        overrides=_scroll("scroll_home"),
    ),
    KeySpec(
        "reader.bottom",
        "G,end",
        "bottom",
        "Bottom",
        "Go to the last line",
        _NAV,
        overrides=_scroll("scroll_end"),
    ),
    KeySpec(
        "reader.half_down",
        "ctrl+d",
        "half_down",
        "Half page down",
        "Half a page down",
        _NAV,
        overrides=_scroll("half_page(1)"),
    ),
    KeySpec(
        "reader.half_up",
        "ctrl+u",
        "half_up",
        "Half page up",
        "Half a page up",
        _NAV,
        overrides=_scroll("half_page(-1)"),
    ),
    KeySpec("reader.page_down", "space,pagedown", "page_down", "Page down", "One page down", _NAV),
    KeySpec("reader.page_up", "shift+space,pageup", "page_up", "Page up", "One page up", _NAV),
    KeySpec("reader.open", "enter", "open", "Open", "Open the post or folder", ("list", "tree")),
    KeySpec(
        "reader.filter",
        "slash",
        "filter",
        "Filter",
        "Filter the list by title as you type",
        ("list", "tree"),
        True,
    ),
    KeySpec(
        "reader.filter_done",
        "escape",
        "filter_cancel",
        "Clear filter",
        "Clear the filter and go back to the list",
        ("filter",),
        True,
    ),
    # Article (implemented by the article view)
    # In the reading pane `q` goes back to the list; from the list it quits.
    KeySpec(
        "reader.close",
        "escape,q",
        "close",
        "Close",
        "Back to the list",
        ("article",),
        True,
        shares=("reader.quit",),
    ),
    KeySpec("reader.back", "backspace", "back", "Back", "Back to the previous post", ("article",)),
    KeySpec(
        "reader.outline",
        "o",
        "outline",
        "Outline",
        "List the headings; jump to one",
        ("article",),
        True,
    ),
    KeySpec("reader.links", "l", "links", "Links", "Numbered list of links", ("article",), True),
    KeySpec("reader.copy", "y", "copy", "Copy URL", "Copy the post's URL", ("article",)),
    KeySpec(
        "reader.bookmark",
        "b",
        "bookmark",
        "Bookmark",
        "Bookmark the post, or the section under the cursor",
        ("article",),
        True,
    ),
    KeySpec("reader.note", "B", "edit_note", "Note", "Edit the bookmark's note", ("article",)),
    KeySpec("reader.find", "slash", "find", "Find", "Find in the article", ("article",)),
    # While a find is active these take n/N from next/previous unread (and the footer says so).
    KeySpec(
        "reader.find_next",
        "n",
        "find_next",
        "Next hit",
        "Next hit of the find (while finding)",
        ("article",),
        True,
        shares=("reader.next_unread",),
    ),
    KeySpec(
        "reader.find_prev",
        "N",
        "find_prev",
        "Prev hit",
        "Previous hit of the find (while finding)",
        ("article",),
        shares=("reader.prev_unread",),
    ),
)

KEYS_BY_ID: dict[str, KeySpec] = {spec.id: spec for spec in KEYS}
ALL_IDS: frozenset[str] = frozenset(KEYS_BY_ID)


def bindings(scope: Scope) -> list[BindingType]:
    """The Textual bindings of one scope, in table order."""
    return [
        Binding(
            spec.keys,
            spec.action_for(scope),
            spec.description,
            show=spec.show,
            tooltip=spec.tooltip,
            id=spec.id,
        )
        for spec in KEYS
        if scope in spec.scopes
    ]


def effective_keys(spec: KeySpec, keymap: dict[str, str]) -> list[str]:
    """The keys a binding currently answers to: the config's remap, else its defaults."""
    return [key.strip() for key in keymap.get(spec.id, spec.keys).split(",") if key.strip()]


CONTEXTS: dict[str, tuple[Scope, ...]] = {
    "the post list": ("list", "main", "app"),
    "the folder list": ("tree", "main", "app"),
    "the reading pane": ("article", "main", "app"),
    "the filter box": ("filter", "main", "app"),
}
"""Where a key goes from each focused widget: its own bindings, its screen's, the app's."""

_TYPING: frozenset[Scope] = frozenset({"filter"})
"""Scopes of text boxes: printable keys are typed there and never reach the scopes above."""


@dataclass(frozen=True, slots=True)
class KeyConflict:
    key: str
    first: str
    second: str
    where: str

    def message(self) -> str:
        return (
            f"key {self.key!r} would do both {self.first} and {self.second} in {self.where}; "
            "give one of them another key in [keys]"
        )


def _same_key(key: str) -> str:
    """One name per key: `?` and `question_mark` are the same key."""
    char = key_to_character(key)
    return char if char is not None and len(char) == 1 else key


def _printable(key: str) -> bool:
    char = key_to_character(key)
    return char is not None and char.isprintable()


def find_conflict(keymap: dict[str, str]) -> KeyConflict | None:
    """The first key that reaches two ids from one focused widget, unless the table declares
    the pair (`shares`); `keymap` is the config's remap by id."""
    for where, chain in CONTEXTS.items():
        owner: dict[str, tuple[str, str]] = {}  # same key -> (key as written, id)
        for depth, scope in enumerate(chain):
            for spec in KEYS:
                if scope not in spec.scopes:
                    continue
                for key in effective_keys(spec, keymap):
                    if depth and chain[0] in _TYPING and _printable(key):
                        continue
                    same = _same_key(key)
                    if same not in owner:
                        owner[same] = (key, spec.id)
                        continue
                    other = owner[same][1]
                    if other == spec.id or _declared(other, spec.id):
                        continue
                    written = key if spec.id in keymap else owner[same][0]  # as remapped
                    return KeyConflict(written, other, spec.id, where)
    return None


def _declared(first: str, second: str) -> bool:
    return second in KEYS_BY_ID[first].shares or first in KEYS_BY_ID[second].shares
