"""The safe path from untrusted text (titles, categories, notes, paths, messages) to the screen.

Rich and Textual parse `[...]` as markup when given a `str`, and pass escape sequences through.
These helpers sanitize first and then build `Text`/`Content` objects directly, which are never
parsed as markup. Use them for every string that came from a post or the file system.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.cells import cell_len, set_cell_size
from rich.style import Style
from rich.text import Text
from textual.content import Content

from reader.core.sanitize import sanitize, sanitize_line

if TYPE_CHECKING:
    from textual.app import App
    from textual.notifications import SeverityLevel


def line(value: object) -> str:
    """One line of plain text: sanitized, whitespace folded (for labels, rows, titles)."""
    return sanitize_line(str(value))


def text(value: object, style: str | Style = "") -> Text:
    """A Rich `Text` holding `value` literally (one line)."""
    return Text(line(value), style=style, no_wrap=True, end="")


def block(value: object, style: str | Style = "") -> Text:
    """A Rich `Text` holding multi-line `value` literally (newlines kept)."""
    return Text(sanitize(str(value)), style=style, end="")


def content(value: object) -> Content:
    """A Textual `Content` holding `value` literally (one line)."""
    return Content(line(value))


def fit(value: str, width: int) -> str:
    """Cut or pad a sanitized line to exactly `width` cells; CJK wide characters count as two.

    A cut title ends in an ellipsis; a wide character that would straddle the edge is dropped
    and replaced by padding, so columns after it stay aligned.
    """
    if width <= 0:
        return ""
    if cell_len(value) <= width:
        return value + " " * (width - cell_len(value))
    return set_cell_size(value, width - 1) + "…"


def notify(
    app: App[Any],
    message: object,
    *,
    title: str = "",
    severity: SeverityLevel = "information",
    timeout: float | None = None,
) -> None:
    """A notification whose text (and title) is shown literally, never parsed as markup."""
    app.notify(
        sanitize(str(message)),
        title=line(title),
        severity=severity,
        timeout=timeout,
        markup=False,
    )


def notify_saved(app: App[Any], saved: bool, done: str | None, unsaved: str) -> None:
    """A write's outcome: `done` (if any) when it was saved, else a warning that `unsaved`
    holds for this session only."""
    from reader.core.library import NOT_SAVED

    if not saved:
        notify(app, f"{unsaved}; {NOT_SAVED}", severity="warning")
    elif done is not None:
        notify(app, done)
