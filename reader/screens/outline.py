"""The outline: the article's headings, indented by level; Enter jumps to one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from reader.core.sanitize import sanitize_line
from reader.keys import bindings

if TYPE_CHECKING:
    from reader.core.outline import Heading


class OutlinePanel(OptionList):
    """One option per heading (text only, never markup)."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("outline_list")

    def __init__(self, headings: Sequence[Heading], *, current: str | None = None) -> None:
        self.headings = list(headings)
        top = min((h.level for h in self.headings), default=1)
        options = [
            Option(Text("  " * max(0, h.level - top) + (sanitize_line(h.text) or "…")), id=str(i))
            for i, h in enumerate(self.headings)
        ]
        super().__init__(*options, id="outline-list")
        for index, heading in enumerate(self.headings):
            if heading.anchor == current:
                self.highlighted = index
                break


class OutlineScreen(ModalScreen[str | None]):
    """Shows the outline beside the article; dismisses with the chosen heading's anchor."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("outline")

    def __init__(self, headings: Sequence[Heading], *, current: str | None = None) -> None:
        super().__init__(classes="outline-screen")
        self._headings = list(headings)
        self._current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="outline-box"):
            yield Label("Outline", id="outline-title")
            yield OutlinePanel(self._headings, current=self._current)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        index = int(event.option.id or 0)
        self.dismiss(self._headings[index].anchor)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
