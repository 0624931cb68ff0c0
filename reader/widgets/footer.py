"""The footer: the keys of the focused pane, then the screen's and the app's.

Textual's footer always ends with the command palette hint on the right, and on a narrow
terminal that hint covers the last keys (at 80 columns, `? Help` in the reading pane). This
footer leaves the hint out when the keys would not fit beside it; the help screen still lists
ctrl+p.
"""

from __future__ import annotations

from rich.cells import cell_len as cells
from textual.app import ComposeResult
from textual.dom import DOMNode
from textual.message_pump import MessagePump
from textual.widgets import Footer

_PALETTE_HINT = 13
"""Cells the palette hint takes ("▏^p palette" and its padding)."""


class ReaderFooter(Footer):
    def keys_width(self) -> int:
        """Cells the shown keys need in the compact style ("key description" and a gap)."""
        seen: set[str] = set()
        width = 0
        for _node, binding, _enabled, _tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            key = self.app.get_key_display(binding)
            width += cells(key) + 1 + cells(binding.description) + 1
        return width

    def compose(self) -> ComposeResult:
        drop_closed_watchers(self)
        if self._bindings_ready:
            available = self.size.width or self.app.size.width
            fits = self.keys_width() + _PALETTE_HINT <= available
            self.set_reactive(Footer.show_command_palette, fits)
        yield from super().compose()

    def on_resize(self) -> None:
        self.call_after_refresh(self.recompose)


def drop_closed_watchers(node: DOMNode) -> None:
    """Forget the watchers that closed widgets left on `node`.

    Textual drops the watcher of a closed widget only when the watched value next changes. The
    footer's keys watch its `compact`, which never changes, and the footer is recomposed (all
    its keys replaced) each time the bindings change, i.e. for every post opened: without this
    every key ever shown stayed alive, with its styles and caches (~0.3 MB a post)."""
    watchers: dict[str, list[tuple[MessagePump, object]]] = getattr(node, "__watchers", {})
    for entries in watchers.values():
        entries[:] = [entry for entry in entries if not entry[0]._closing]
