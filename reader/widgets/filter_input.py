"""The `/` filter box above the post list."""

from __future__ import annotations

from typing import ClassVar

from textual.message import Message
from textual.widgets import Input

from reader.keys import bindings
from reader.widgets.focus_styles import FocusStyleCache


class FilterInput(Input, FocusStyleCache):
    """The `/` filter box above the list; Esc asks its screen to clear and close it."""

    BINDINGS: ClassVar = bindings("filter")

    class Cancelled(Message):
        """Esc in the filter: clear it and go back to the list."""

    def action_filter_cancel(self) -> None:
        self.post_message(self.Cancelled())
