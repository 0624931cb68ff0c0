"""The find bar: a one-line box at the bottom that finds in the article as you type."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import ModalScreen
from textual.widgets import Input

from reader.keys import bindings


class FindBar(ModalScreen[bool]):
    """A one-line find box at the bottom: finds as you type; Enter keeps the hits, Esc ends."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("find")

    def __init__(self, on_change: Callable[[str], int], query: str = "") -> None:
        super().__init__(classes="find-bar")
        self._on_change = on_change
        self._query = query

    def compose(self) -> ComposeResult:
        yield Input(self._query, placeholder="Find in the article", id="find-input")

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        count = self._on_change(event.value)
        query = event.value.strip()
        event.input.border_subtitle = (
            f"{count} found" if query and count else "not found" if query else ""
        )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(bool(event.value.strip()))

    def action_cancel(self) -> None:
        self.dismiss(False)
