"""What changed in a post since it was read: its changed paragraphs, word by word.

Removed words are struck out in the error colour and added ones underlined in the success
colour; each also carries git's word-diff marks, `[-…-]` and `{+…+}`, so the change reads the
same without colour or strike-out (16 colours, NO_COLOR, a terminal without strike).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.core.errors import LibraryError
from reader.core.library import ReadChanges
from reader.core.sanitize import sanitize_line
from reader.core.words import counted
from reader.keys import bindings, key_labels
from reader.screens.help import scroll_body
from reader.widgets.line_breaking import WrapText

if TYPE_CHECKING:
    from reader.core.library import Library
    from reader.core.word_diff import TextDiff

_MARKS = {"removed": ("[-", "-]"), "added": ("{+", "+}")}
GAP = "⋯"
"""Between two changed places: the unchanged text left out."""


class ChangesScreen(ModalScreen[None]):
    """The difference between the post as read and as it is now. Esc, q or d closes it."""

    BINDINGS: ClassVar = bindings("changes")
    COMPONENT_CLASSES: ClassVar[set[str]] = {"changes--added", "changes--removed", "changes--gap"}

    def __init__(self, library: Library, path: str, title: str, seen: str | None) -> None:
        super().__init__()
        self._library = library
        self._path = path
        self._title = sanitize_line(title) or sanitize_line(path)
        self._seen = seen
        """The version read (content hash); None: the one of the post's read mark."""

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="changes-body", can_focus=False):
            yield Static(Text(f"What changed: {self._title}", style="bold"), id="changes-title")
            yield Static(
                Text("Comparing the text you read with the text now…"), id="changes-summary"
            )
            yield Static(id="changes-text")

    def on_mount(self) -> None:
        self._compare()

    @work(thread=True, exit_on_error=False)
    def _compare(self) -> None:
        try:
            changes = self._library.changes_since_read(self._path, self._seen)
        except LibraryError as error:
            changes = ReadChanges(self._path, None, f"Cannot compare: {error}")
        self.app.call_from_thread(self._show, changes)

    def _show_reason(self, reason: str) -> None:
        self.query_one("#changes-summary", Static).update(Text(reason))

    def _show(self, changes: ReadChanges) -> None:
        if not self.is_attached:  # closed before the comparison was done
            return
        diff = changes.diff
        if diff is None:
            self._show_reason(changes.reason or "")
            return
        if diff.unchanged:
            self._show_reason("The words are the same; only the file's markup or metadata changed.")
            return
        close = key_labels(self.app, "reader.changes_close")[0]
        summary = (
            f"{counted(diff.added, 'word')} added, {counted(diff.removed, 'word')} removed, "
            f"in {counted(len(diff.hunks), 'place')}. {close} closes."
        )
        self._show_reason(summary)
        self.query_one("#changes-text", Static).update(self._text(diff))

    def _text(self, diff: TextDiff) -> Text:
        styles = {
            kind: self.get_component_rich_style(f"changes--{kind}") for kind in ("added", "removed")
        }
        gap = self.get_component_rich_style("changes--gap")
        text = WrapText(justify="left", overflow="fold")
        for number, hunk in enumerate(diff.hunks):
            if number:
                text.append(f"\n{GAP}\n\n", gap)
            for paragraph in hunk:
                for piece in paragraph.pieces:
                    if piece.kind == "same":
                        text.append(piece.text)
                        continue
                    start, end = _MARKS[piece.kind]
                    text.append(f"{start}{piece.text}{end}", styles[piece.kind])
                text.append("\n\n")
        text.rstrip()
        return text

    def action_scroll(self, where: str) -> None:
        scroll_body(self.query_one("#changes-body", VerticalScroll), where)

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
