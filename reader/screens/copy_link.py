"""Shown when a link cannot be opened here (no browser, say over SSH, or one that failed):
offers to copy it.

The copy goes through OSC 52 (`App.copy_to_clipboard`), which reaches the clipboard of the
machine the terminal runs on, across SSH.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label

from reader.browser import copy_text
from reader.core.sanitize import sanitize_line
from reader.keys import bindings, key_labels
from reader.linkopen import NO_OPENER


class CopyLinkScreen(ModalScreen[None]):
    """`y` copies the URL and closes; Esc closes (or the keys the config gives them)."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("copy_link")

    def __init__(self, url: str, why: str = NO_OPENER) -> None:
        super().__init__(classes="copy-link-dialog")
        self._url = sanitize_line(url)
        self._why = sanitize_line(why)

    def compose(self) -> ComposeResult:
        with Vertical(id="copy-link-box"):
            yield Label(self._why + ".", id="copy-link-why", markup=False)
            yield Label(self._url, id="copy-link-url", markup=False)
            copy = key_labels(self.app, "reader.copy_link")[0]
            close = key_labels(self.app, "reader.copy_link_close")[0]
            yield Label(f"{copy} copy the link   {close} close", id="copy-link-keys", markup=False)

    def action_copy(self) -> None:
        self.notify(copy_text(self.app, self._url), markup=False)
        self.dismiss(None)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
