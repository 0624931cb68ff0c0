"""The small bookmark dialog: an optional note; Remove when the bookmark exists."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from reader.core.sanitize import sanitize, sanitize_line
from reader.keys import bindings
from reader.widgets.article_messages import NoteResult


class NoteDialog(ModalScreen[NoteResult | None]):
    """Enter saves (an empty note is no note), Esc cancels, Remove removes without asking."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("note")

    def __init__(
        self, title: str, heading: str | None, *, note: str | None = None, exists: bool = False
    ) -> None:
        super().__init__(classes="note-dialog")
        self._title = title
        self._heading = heading
        self._note = note
        self._exists = exists

    def compose(self) -> ComposeResult:
        what = Text("Edit bookmark: " if self._exists else "Bookmark: ", style="bold")
        what.append(sanitize_line(self._title) or "(untitled)")
        if self._heading:
            what.append(" › " + sanitize_line(self._heading))
        with Vertical(id="note-box"):
            yield Label(what, id="note-what")
            yield Input(
                value=self._shown_note(),
                placeholder="Note (optional)",
                id="note-input",
            )
            with Horizontal(id="note-buttons"):
                yield Button("Save", variant="primary", id="note-save")
                if self._exists:
                    yield Button("Remove", variant="error", id="note-remove")
                yield Button("Cancel", id="note-cancel")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def _shown_note(self) -> str:
        """The note on one line (the field has one); line breaks show as spaces."""
        return sanitize(self._note or "").replace("\n", " ")

    def _save(self) -> None:
        value = self.query_one(Input).value
        if self._note and value == self._shown_note():
            # Saved unchanged: keep the note as it was, line breaks included (a note added
            # from the command line can have several lines).
            self.dismiss(NoteResult(sanitize(self._note).strip() or None))
            return
        note = sanitize(value).strip()
        self.dismiss(NoteResult(note or None))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "note-save":
            self._save()
        elif event.button.id == "note-remove":
            self.dismiss(NoteResult(None, remove=True))
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
