"""The footer: the keys of the focused pane, then the screen's and the app's, on one line.

One widget drawing one line of text. Textual's footer is a container of one widget per key,
rebuilt (mounted and styled anew) each time the bindings change, i.e. on every focus change:
a large part of what opening the filter or a post cost. It also always ends with the command
palette hint, which at 80 columns covers the last keys (`? Help` in the reading pane); this
footer shows the hint only when the keys fit beside it (the help screen lists ctrl+p anyway).
A click on a key presses it, as in Textual's footer.
"""

from __future__ import annotations

from typing import Any, ClassVar, NamedTuple

from rich.cells import cell_len as cells
from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Region
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget

from reader.widgets.kept_paints import KeptPaints

PALETTE_HINT = "palette"
_EDGE = "▏"
DIM = Style(dim=True)
_KEEP_PAINTED = 8


class Hint(NamedTuple):
    key: str
    """The key as bindings name it (what a click presses)."""
    display: str
    description: str
    enabled: bool


class ReaderFooter(Widget):
    DEFAULT_CSS = """
    ReaderFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        .footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .footer--edge {
            color: $foreground 20%;
        }
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"footer--key", "footer--description", "footer--edge"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._hints: tuple[Hint, ...] = ()
        self._palette: Hint | None = None
        self._spans: list[tuple[int, int, str]] = []
        self._painted: KeptPaints[tuple[list[Strip], list[tuple[int, int, str]]]] = KeptPaints(
            _KEEP_PAINTED
        )
        """The line as painted, by everything it shows: opening and closing a post swaps
        between two sets of keys, and painting the line anew took 1-2 ms of each switch."""

    @property
    def hints(self) -> tuple[Hint, ...]:
        """The keys shown, left to right."""
        return self._hints

    @property
    def palette(self) -> Hint | None:
        """The command palette's key, when it fits at the right."""
        return self._palette

    def on_mount(self) -> None:
        # Told at once, not in a callback after the screen's next frame: the footer is then
        # repainted in the same frame as the focus change that changed the keys (a frame of
        # its own came 20-30 ms later, and ended every pane switch).
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed, immediate=True)
        self._changed()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[Any]) -> None:
        if screen is self.screen:
            self._changed()

    def on_resize(self) -> None:
        self._hints, self._palette = self._work_out()  # the palette's key may fit now, or not
        self.refresh()

    def _changed(self) -> None:
        """Repainted only when the keys shown change: Textual tells of bindings again after
        each focus change's frame, which then cost a frame of its own for the same keys."""
        if not self.is_attached:
            return
        shown = self._work_out()
        if shown != (self._hints, self._palette):
            self._hints, self._palette = shown
            self.refresh()

    def _shown(self) -> tuple[tuple[Hint, ...], Hint | None]:
        hints: list[Hint] = []
        actions: set[str] = set()
        palette: Hint | None = None
        for key, (_node, binding, enabled, _tooltip) in self.screen.active_bindings.items():
            hint = Hint(key, self.app.get_key_display(binding), binding.description, enabled)
            if key == self.app.COMMAND_PALETTE_BINDING:
                palette = hint
            elif binding.show and binding.action not in actions:
                actions.add(binding.action)
                hints.append(hint)
        return tuple(hints), palette

    def keys_width(self) -> int:
        """Cells the shown keys take ("key description" and a gap after each)."""
        return _keys_width(self.hints)

    def _work_out(self) -> tuple[tuple[Hint, ...], Hint | None]:
        """The keys to show, and the palette's key if it fits beside them."""
        hints, palette = self._shown()
        available = self.size.width or self.app.size.width
        if palette is not None and self.app.ENABLE_COMMAND_PALETTE:
            needed = cells(_EDGE) + cells(palette.display) + 1 + cells(PALETTE_HINT) + 1
            palette = palette if _keys_width(hints) + needed <= available else None
        else:
            palette = None
        return hints, palette

    def render_lines(self, crop: Region) -> list[Strip]:
        component = self.get_component_rich_style
        key = (
            crop,
            self.size,
            self._hints,
            self._palette,
            self.rich_style,
            *(component(name) for name in sorted(self.COMPONENT_CLASSES)),
        )
        painted = self._painted.get(key, lambda: (Widget.render_lines(self, crop), self._spans))
        self._spans = painted[1]
        return painted[0]

    def render(self) -> Text:
        key_style = self.get_component_rich_style("footer--key")
        description_style = self.get_component_rich_style("footer--description")
        line = Text(no_wrap=True, overflow="crop", end="")
        spans: list[tuple[int, int, str]] = []
        for hint in self._hints:
            start = line.cell_len
            line.append(hint.display, key_style if hint.enabled else key_style + DIM)
            if hint.description:
                line.append(" " + hint.description, description_style)
            spans.append((start, line.cell_len, hint.key))
            line.append(" ")
        if self.palette is not None:
            hint_text = Text.assemble(
                (_EDGE, self.get_component_rich_style("footer--edge")),
                (self.palette.display, key_style),
                (" " + PALETTE_HINT + " ", description_style),
            )
            gap = max(1, self.size.width - line.cell_len - hint_text.cell_len)
            line.append(" " * gap)
            start = line.cell_len
            line.append_text(hint_text)
            spans.append((start, line.cell_len, self.palette.key))
        self._spans = spans
        return line

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                self.app.simulate_key(key)
                return


def _keys_width(hints: tuple[Hint, ...]) -> int:
    return sum(cells(h.display) + 1 + cells(h.description) + 1 for h in hints)
