"""'Export bookmarks…': ask for a path (default in the documents dir), write, say where."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from reader.core.export import (
    ExportError,
    ExportExists,
    default_export_path,
    export_bookmarks,
    write_atomically,
)
from reader.core.words import counted
from reader.keys import bindings

if TYPE_CHECKING:
    from reader.core.library import Library


class ExportDialog(ModalScreen[str | None]):
    """Dismisses with the absolute path written, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("export")

    def __init__(self, library: Library) -> None:
        super().__init__(classes="export-dialog")
        self._library = library
        self._replace: str | None = None
        """The existing file the user was asked about: exporting to it again replaces it."""

    def compose(self) -> ComposeResult:
        count = len(self._library.bookmarks())
        with Vertical(id="export-box"):
            yield Label(
                Text(f"Export {counted(count, 'bookmark')} to a Markdown file:"), id="export-what"
            )
            yield Input(str(default_export_path(datetime.now(UTC))), id="export-path")
            yield Label("", id="export-error", markup=False)
            with Horizontal(id="export-buttons"):
                yield Button("Export", variant="primary", id="export-ok")
                yield Button("Cancel", id="export-cancel")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._export(event.value)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "export-ok":
            self._export(self.query_one(Input).value)
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @work(exclusive=True, group="export")
    async def _export(self, raw: str) -> None:
        path = raw.strip()
        error = self.query_one("#export-error", Label)
        if not path:
            error.update("Give a file path")
            return
        try:
            target = os.path.abspath(os.path.expanduser(path))
            text = export_bookmarks(
                self._library.bookmarks(),
                library_root=self._library.root,
                now=datetime.now(UTC),
                base_dir=os.path.dirname(target),
            )
            written = write_atomically(target, text, overwrite=self._replace == target)
        except ExportExists as exists:
            self._replace = target
            error.update(Text(f"{exists.target} exists: Enter again replaces it"))
            return
        except (ExportError, OSError) as failure:
            error.update(Text(f"Not written: {failure}"))
            return
        self.notify(f"Bookmarks written to {written}", markup=False)
        self.dismiss(str(written))
