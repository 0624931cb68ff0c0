"""Running in a web page (`reader serve`) rather than a terminal, and what differs there:
copying, and links that open outside the reader."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from reader.core.sanitize import sanitize_line

if TYPE_CHECKING:
    from textual.app import App

BROWSER_CLIPBOARD = "READER_BROWSER_CLIPBOARD"
"""Set to 1 by `reader serve` for a page on loopback: a browser lets such a page (a secure
context) write to its clipboard. Elsewhere the text to copy is shown instead."""


def in_browser() -> bool:
    """Run by `reader serve` for a web page (textual-serve's web driver), not in a terminal."""
    return "web_driver" in os.environ.get("TEXTUAL_DRIVER", "")


def copy_text(app: App[Any], text: str) -> str:
    """Copy `text` to the clipboard of the machine the reader sits at (OSC 52: through SSH,
    or to the browser's clipboard); returns what to tell them. A page the browser will not let
    write its clipboard gets the text to copy by hand."""
    shown = sanitize_line(text)
    if in_browser() and os.environ.get(BROWSER_CLIPBOARD) != "1":
        return f"This page may not use the clipboard (not https or localhost); copy it: {shown}"
    app.copy_to_clipboard(shown)
    return f"Copied: {shown}"
