"""The one table of key bindings. It drives the footer, the help screen, the command palette
and the README's key list.

Every widget or screen with keys, dialogs included, declares `BINDINGS = bindings("<scope>")`
and implements `action_<action>` for the entries of its scope. Every entry has an id
`reader.<name>`, which the `[keys]` table of the config remaps (`App.set_keymap`). An id shared
by several scopes (`reader.down` moves the list cursor, scrolls the article and the help, and
moves through the outline and the link list) is remapped everywhere at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from textual.binding import Binding, BindingType
from textual.keys import key_to_character

if TYPE_CHECKING:
    from textual.app import App

Scope = Literal[
    "app",
    "main",
    "list",
    "tree",
    "article",
    "filter",
    "search",
    "links",
    "outline",
    "outline_list",
    "find",
    "note",
    "export",
    "open_library",
    "copy_link",
    "changes",
    "help",
]

SCOPE_TITLES: dict[Scope, str] = {
    "app": "Anywhere",
    "main": "Library and reading panes",
    "list": "Moving, and the post list",
    "tree": "Folders",
    "article": "Article",
    "filter": "Filter box",
    "search": "Search",
    "links": "Links",
    "outline": "Outline",
    "outline_list": "Outline list",
    "find": "Find in the article",
    "note": "Bookmark note",
    "export": "Export bookmarks",
    "open_library": "Open library",
    "copy_link": "Copy a link",
    "changes": "What changed",
    "help": "Help",
}
"""Section titles of the help screen and the README, in their order."""


@dataclass(frozen=True, slots=True, kw_only=True)
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
"""The panes of the main screen that move or scroll with the moving keys."""


_TEXT_SCREENS: tuple[Scope, ...] = ("changes", "help")
"""Screens of text that scroll with the moving keys (their `action_scroll`)."""


def _text_scroll(where: str) -> tuple[tuple[Scope, str], ...]:
    return tuple((scope, f"scroll({where!r})") for scope in _TEXT_SCREENS)


KEYS: tuple[KeySpec, ...] = (
    # Anywhere
    KeySpec(
        id="reader.help",
        keys="question_mark",
        action="help",
        description="Help",
        tooltip="All keys",
        scopes=("app",),
        show=True,
        palette=True,
    ),
    # Quit is not offered in the palette: Textual's own "Quit" command is already there.
    KeySpec(
        id="reader.quit",
        keys="q",
        action="quit",
        description="Quit",
        tooltip="Quit reader",
        scopes=("app",),
        show=True,
    ),
    KeySpec(
        id="reader.open_library",
        keys="ctrl+o",
        action="open_library",
        description="Open library…",
        tooltip="Open a known library or a path",
        scopes=("app",),
        palette=True,
    ),
    KeySpec(
        id="reader.export_bookmarks",
        keys="E",
        action="export_bookmarks",
        description="Export bookmarks…",
        tooltip="Write the bookmarks to a Markdown file",
        scopes=("app",),
        palette=True,
    ),
    # Main screen (library + reading panes)
    KeySpec(
        id="reader.next_unread",
        keys="n",
        action="next_unread",
        description="Next unread",
        tooltip="Open the next unread post (next hit while finding)",
        scopes=("main",),
        show=True,
        palette=True,
    ),
    KeySpec(
        id="reader.prev_unread",
        keys="N",
        action="prev_unread",
        description="Prev unread",
        tooltip="Open the previous unread post (previous hit while finding)",
        scopes=("main",),
        palette=True,
    ),
    KeySpec(
        id="reader.next_post",
        keys="right_square_bracket",
        action="next_post",
        description="Next post",
        tooltip="Open the next post of the list",
        scopes=("main",),
    ),
    KeySpec(
        id="reader.prev_post",
        keys="left_square_bracket",
        action="prev_post",
        description="Prev post",
        tooltip="Open the previous post of the list",
        scopes=("main",),
    ),
    KeySpec(
        id="reader.toggle_read",
        keys="m",
        action="toggle_read",
        description="Read",
        tooltip="Toggle the read mark",
        scopes=("main",),
        show=True,
        palette=True,
    ),
    KeySpec(
        id="reader.changes",
        keys="d",
        action="changes",
        description="What changed",
        tooltip="Show what changed in the post since you read it (Updated since read)",
        scopes=("main",),
        palette=True,
    ),
    KeySpec(
        id="reader.mark_folder_read",
        keys="M",
        action="mark_folder_read",
        description="Mark folder read",
        tooltip="Mark every post of the folder read",
        scopes=("main",),
        palette=True,
    ),
    KeySpec(
        id="reader.undo",
        keys="u",
        action="undo",
        description="Undo",
        tooltip="Undo the last mark or bookmark",
        scopes=("main",),
        palette=True,
    ),
    KeySpec(
        id="reader.resync",
        keys="r",
        action="resync",
        description="Sync",
        tooltip="Rescan the library folder",
        scopes=("main",),
        palette=True,
    ),
    KeySpec(
        id="reader.search",
        keys="s",
        action="search",
        description="Search",
        tooltip="Search the text of every post",
        scopes=("main",),
        show=True,
        palette=True,
    ),
    KeySpec(
        id="reader.sort",
        keys="S",
        action="toggle_sort",
        description="Sort date/title",
        tooltip="Sort the list by date or by title",
        scopes=("main",),
        palette=True,
    ),
    KeySpec(
        id="reader.focus_next",
        keys="tab",
        action="focus_next_pane",
        description="Next pane",
        tooltip="Focus the next pane",
        scopes=("main",),
    ),
    KeySpec(
        id="reader.focus_previous",
        keys="shift+tab",
        action="focus_previous_pane",
        description="Previous pane",
        tooltip="Focus the previous pane",
        scopes=("main",),
    ),
    # Moving: the list and folder cursors, the article, and the lists and text of the screens
    # above them (one remap moves them all).
    KeySpec(
        id="reader.down",
        keys="j,down",
        action="down",
        description="Down",
        tooltip="Move down one line",
        scopes=(*_NAV, "outline_list", "links", *_TEXT_SCREENS),
        overrides=(
            ("article", "scroll_down"),
            ("outline_list", "cursor_down"),
            ("links", "cursor(1)"),
            *_text_scroll("down"),
        ),
    ),
    KeySpec(
        id="reader.up",
        keys="k,up",
        action="up",
        description="Up",
        tooltip="Move up one line",
        scopes=(*_NAV, "outline_list", "links", *_TEXT_SCREENS),
        overrides=(
            ("article", "scroll_up"),
            ("outline_list", "cursor_up"),
            ("links", "cursor(-1)"),
            *_text_scroll("up"),
        ),
    ),
    KeySpec(
        id="reader.top",
        keys="g,home",
        action="top",
        description="Top",
        tooltip="Go to the first line",
        scopes=(*_NAV, "outline_list", *_TEXT_SCREENS),
        overrides=(("article", "scroll_home"), ("outline_list", "first"), *_text_scroll("top")),
    ),
    KeySpec(
        id="reader.bottom",
        keys="G,end",
        action="bottom",
        description="Bottom",
        tooltip="Go to the last line",
        scopes=(*_NAV, "outline_list", *_TEXT_SCREENS),
        overrides=(("article", "scroll_end"), ("outline_list", "last"), *_text_scroll("bottom")),
    ),
    KeySpec(
        id="reader.half_down",
        keys="ctrl+d",
        action="half_down",
        description="Half page down",
        tooltip="Half a page down",
        scopes=_NAV,
        overrides=(("article", "half_page(1)"),),
    ),
    KeySpec(
        id="reader.half_up",
        keys="ctrl+u",
        action="half_up",
        description="Half page up",
        tooltip="Half a page up",
        scopes=_NAV,
        overrides=(("article", "half_page(-1)"),),
    ),
    KeySpec(
        id="reader.page_down",
        keys="space,pagedown",
        action="page_down",
        description="Page down",
        tooltip="One page down",
        scopes=(*_NAV, *_TEXT_SCREENS),
        overrides=_text_scroll("page_down"),
    ),
    KeySpec(
        id="reader.page_up",
        keys="shift+space,pageup",
        action="page_up",
        description="Page up",
        tooltip="One page up",
        scopes=(*_NAV, *_TEXT_SCREENS),
        overrides=_text_scroll("page_up"),
    ),
    KeySpec(
        id="reader.open",
        keys="enter",
        action="open",
        description="Open",
        tooltip="Open the post or folder",
        scopes=("list", "tree"),
    ),
    KeySpec(
        id="reader.filter",
        keys="slash",
        action="filter",
        description="Filter",
        tooltip="Filter the list by title as you type",
        scopes=("list", "tree"),
        show=True,
    ),
    KeySpec(
        id="reader.filter_done",
        keys="escape",
        action="filter_cancel",
        description="Clear filter",
        tooltip="Clear the filter and go back to the list",
        scopes=("filter",),
        show=True,
    ),
    # Article (implemented by the article view)
    # In the reading pane `q` goes back to the list; from the list it quits.
    KeySpec(
        id="reader.close",
        keys="escape,q",
        action="close",
        description="Close",
        tooltip="Back to the list",
        scopes=("article",),
        show=True,
        shares=("reader.quit",),
    ),
    KeySpec(
        id="reader.back",
        keys="backspace",
        action="back",
        description="Back",
        tooltip="Back to the previous post",
        scopes=("article",),
    ),
    KeySpec(
        id="reader.outline",
        keys="o",
        action="outline",
        description="Outline",
        tooltip="List the headings; jump to one",
        scopes=("article",),
        show=True,
    ),
    KeySpec(
        id="reader.links",
        keys="l",
        action="links",
        description="Links",
        tooltip="Numbered list of links",
        scopes=("article",),
        show=True,
    ),
    KeySpec(
        id="reader.copy",
        keys="y",
        action="copy",
        description="Copy URL",
        tooltip="Copy the post's URL",
        scopes=("article",),
    ),
    KeySpec(
        id="reader.reload",
        keys="R",
        action="reload",
        description="Reload",
        tooltip="Show the post as it is on disk now (it changed since it was opened)",
        scopes=("article",),
        show=True,  # while it applies: the post changed on disk
    ),
    KeySpec(
        id="reader.bookmark",
        keys="b",
        action="bookmark",
        description="Bookmark",
        tooltip="Bookmark the post, or the section under the cursor",
        scopes=("article",),
        show=True,
    ),
    KeySpec(
        id="reader.note",
        keys="B",
        action="edit_note",
        description="Note",
        tooltip="Edit the bookmark's note",
        scopes=("article",),
    ),
    KeySpec(
        id="reader.find",
        keys="slash",
        action="find",
        description="Find",
        tooltip="Find in the article",
        scopes=("article",),
    ),
    # While a find is active these take n/N from next/previous unread (and the footer says so).
    KeySpec(
        id="reader.find_next",
        keys="n",
        action="find_next",
        description="Next hit",
        tooltip="Next hit of the find (while finding)",
        scopes=("article",),
        show=True,
        shares=("reader.next_unread",),
    ),
    KeySpec(
        id="reader.find_prev",
        keys="N",
        action="find_prev",
        description="Prev hit",
        tooltip="Previous hit of the find (while finding)",
        scopes=("article",),
        shares=("reader.prev_unread",),
    ),
    # Search screen (its box keeps the focus: printable keys are typed there)
    KeySpec(
        id="reader.search_close",
        keys="escape",
        action="close",
        description="Close",
        tooltip="Back to the library",
        scopes=("search",),
        show=True,
    ),
    KeySpec(
        id="reader.search_next",
        keys="down",
        action="move(1)",
        description="Next result",
        tooltip="Highlight the next result",
        scopes=("search",),
    ),
    KeySpec(
        id="reader.search_prev",
        keys="up",
        action="move(-1)",
        description="Previous result",
        tooltip="Highlight the previous result",
        scopes=("search",),
    ),
    KeySpec(
        id="reader.search_page_down",
        keys="pagedown",
        action="move(10)",
        description="Page down",
        tooltip="Ten results down",
        scopes=("search",),
    ),
    KeySpec(
        id="reader.search_page_up",
        keys="pageup",
        action="move(-10)",
        description="Page up",
        tooltip="Ten results up",
        scopes=("search",),
    ),
    # Not a priority binding: the box submits Enter after the keys typed before it (a priority
    # binding would run on arrival, before a burst's query reached the box).
    KeySpec(
        id="reader.search_open",
        keys="enter",
        action="open",
        description="Open",
        tooltip="Open the post at the first hit",
        scopes=("search",),
        show=True,
    ),
    # Link list (Enter follows the highlighted link, digits pick one by its number)
    KeySpec(
        id="reader.links_close",
        keys="escape,q,l",
        action="dismiss_none",
        description="Close",
        tooltip="Close the link list",
        scopes=("links",),
        show=True,
    ),
    KeySpec(
        id="reader.links_copy",
        keys="y",
        action="copy",
        description="Copy link",
        tooltip="Copy the link target",
        scopes=("links",),
        show=True,
    ),
    # Outline (Enter jumps to the highlighted heading)
    KeySpec(
        id="reader.outline_close",
        keys="escape,q,o",
        action="dismiss_none",
        description="Close",
        tooltip="Close the outline",
        scopes=("outline",),
        show=True,
    ),
    # Find box (Enter keeps the hits for n and N)
    KeySpec(
        id="reader.find_cancel",
        keys="escape",
        action="cancel",
        description="End find",
        tooltip="End the find and clear its hits",
        scopes=("find",),
        show=True,
    ),
    # Dialogs
    KeySpec(
        id="reader.note_cancel",
        keys="escape",
        action="cancel",
        description="Cancel",
        tooltip="Close the bookmark dialog without saving",
        scopes=("note",),
        show=True,
    ),
    KeySpec(
        id="reader.export_cancel",
        keys="escape",
        action="cancel",
        description="Cancel",
        tooltip="Close the export dialog without writing",
        scopes=("export",),
        show=True,
    ),
    KeySpec(
        id="reader.open_library_cancel",
        keys="escape",
        action="cancel",
        description="Cancel",
        tooltip="Close without opening a library",
        scopes=("open_library",),
    ),
    KeySpec(
        id="reader.copy_link",
        keys="y,c",
        action="copy",
        description="Copy the link",
        tooltip="Copy the link that could not be opened, and close",
        scopes=("copy_link",),
        show=True,
    ),
    KeySpec(
        id="reader.copy_link_close",
        keys="escape,q",
        action="dismiss_none",
        description="Close",
        tooltip="Close without copying",
        scopes=("copy_link",),
        show=True,
    ),
    # What changed
    KeySpec(
        id="reader.changes_close",
        keys="escape,q,d",
        action="dismiss",
        description="Close",
        tooltip="Close what changed",
        scopes=("changes",),
        show=True,
    ),
    # Help screen
    KeySpec(
        id="reader.help_close",
        keys="escape,q,question_mark",
        action="dismiss",
        description="Close",
        tooltip="Close the help",
        scopes=("help",),
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


def key_labels(app: App[object], binding_id: str) -> list[str]:
    """The keys a binding answers to in `app` (its keymap applied), as the footer shows them."""
    spec = KEYS_BY_ID[binding_id]
    keymap: dict[str, str] = dict(getattr(app, "_keymap", {}))
    return [app.get_key_display(Binding(key, spec.action)) for key in effective_keys(spec, keymap)]


CONTEXTS: dict[str, tuple[Scope, ...]] = {
    "the post list": ("list", "main", "app"),
    "the folder list": ("tree", "main", "app"),
    "the reading pane": ("article", "main", "app"),
    "the filter box": ("filter", "main", "app"),
    "the search screen": ("search", "app"),
    # A modal screen ends the chain: the app's keys do not reach past it (so `q` can close it).
    "the link list": ("links",),
    "the outline": ("outline_list", "outline"),
    "the find box": ("find",),
    "the bookmark dialog": ("note",),
    "the export dialog": ("export",),
    "the open library dialog": ("open_library",),
    "the copy link dialog": ("copy_link",),
    "the changes screen": ("changes",),
    "the help screen": ("help",),
}
"""Where a key goes from each focused widget: its own bindings, its screen's, then the app's
unless the screen is modal."""

_TYPING: dict[Scope, str] = {
    "filter": "the filter box",
    "search": "the search box",
    "find": "the find box",
    "note": "the note box",
    "export": "the export path box",
    "open_library": "the library path box",
}
"""Scopes where a text box has the focus (their own or their screen's): printable keys are typed
there and reach neither these scopes' bindings nor those behind them."""


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


@dataclass(frozen=True, slots=True)
class TypedKey:
    """A key that types a character, given to a binding that only a text box would see."""

    key: str
    binding_id: str
    box: str

    def message(self) -> str:
        return (
            f"key {self.key!r} of {self.binding_id} would be typed into {self.box} instead; "
            "give it a key that types nothing (ctrl+…, a function key) in [keys]"
        )


def find_typed_key(keymap: dict[str, str]) -> TypedKey | None:
    """The first binding of a text box (or of its screen) remapped onto a key it would type."""
    for scope, box in _TYPING.items():
        for spec in KEYS:
            if scope in spec.scopes:
                for key in effective_keys(spec, keymap):
                    if _printable(key):
                        return TypedKey(key, spec.id, box)
    return None
