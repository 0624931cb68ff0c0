"""The footer: the keys of the focused pane, then the screen's and the app's.

Textual's footer always ends with the command palette hint on the right, and on a narrow
terminal that hint covers the last keys (at 80 columns, `? Help` in the reading pane). This
footer leaves the hint out when the keys would not fit beside it; the help screen still lists
ctrl+p.

Textual's footer also rebuilds all its keys each time the bindings may have changed (every
focus change, every screen refresh of the bindings), several times per key press. This one
rebuilds once per refresh at most, and only when what it would show differs.
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len as cells
from textual.app import ComposeResult
from textual.dom import DOMNode
from textual.message_pump import MessagePump
from textual.screen import Screen
from textual.widgets import Footer

_PALETTE_HINT = 13
"""Cells the palette hint takes ("▏^p palette" and its padding)."""


class ReaderFooter(Footer):
    _shown: tuple[Any, ...] | None = None
    """What the keys drawn now show: skip a rebuild that would draw the same."""
    _update_pending = False

    def _shown_keys(self) -> tuple[tuple[Any, ...], ...]:
        """(key, display, description, action, enabled, tooltip) of every key shown."""
        return tuple(
            (
                binding.key,
                self.app.get_key_display(binding),
                binding.description,
                binding.action,
                enabled,
                tooltip,
                binding.group,
            )
            for _node, binding, enabled, tooltip in self.screen.active_bindings.values()
            if binding.show
        )

    def keys_width(self) -> int:
        """Cells the shown keys need in the compact style ("key description" and a gap)."""
        seen: set[str] = set()
        width = 0
        for _key, display, description, action, *_ in self._shown_keys():
            if action in seen:
                continue
            seen.add(action)
            width += cells(display) + 1 + cells(description) + 1
        return width

    def _palette_fits(self) -> bool:
        available = self.size.width or self.app.size.width
        return self.keys_width() + _PALETTE_HINT <= available

    def compose(self) -> ComposeResult:
        drop_closed_watchers(self)
        if self._bindings_ready:
            fits = self._palette_fits()
            self.set_reactive(Footer.show_command_palette, fits)
            self._shown = (fits, self._shown_keys())
        yield from super().compose()

    def bindings_changed(self, screen: Screen[Any]) -> None:
        self._bindings_ready = True
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._schedule_update()

    def on_resize(self) -> None:
        self._schedule_update()

    def _schedule_update(self) -> None:
        if not self._update_pending:
            self._update_pending = True
            self.call_after_refresh(self._update_keys)

    async def _update_keys(self) -> None:
        self._update_pending = False
        if not self.is_attached or not self._bindings_ready:
            return
        if (self._palette_fits(), self._shown_keys()) != self._shown:
            await self.recompose()


def drop_closed_watchers(node: DOMNode) -> None:
    """Forget the watchers that closed widgets left on `node`.

    Textual drops the watcher of a closed widget only when the watched value next changes. The
    footer's keys watch its `compact`, which never changes, and the footer is recomposed (all
    its keys replaced) each time the bindings change, i.e. for every post opened: without this
    every key ever shown stayed alive, with its styles and caches (~0.3 MB a post)."""
    watchers: dict[str, list[tuple[MessagePump, object]]] = getattr(node, "__watchers", {})
    for entries in watchers.values():
        entries[:] = [entry for entry in entries if not entry[0]._closing]
