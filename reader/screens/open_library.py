""" "Open library…": a path box over the list of known libraries (last opened first)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from reader import safe
from reader.core.names import library_name, site_folder
from reader.keys import bindings


class OpenLibraryScreen(ModalScreen[str | None]):
    """Returns the chosen path, or None when cancelled."""

    BINDINGS: ClassVar = bindings("open_library")

    def __init__(self, known: list[str]) -> None:
        super().__init__()
        self.known = known

    def compose(self) -> ComposeResult:
        with Vertical(id="open-library"):
            yield Label("Open library", id="open-library-title")
            yield Input(
                placeholder="Path to a Hexo, Jekyll or Hugo site, a folder or a post file",
                id="path",
            )
            yield OptionList(
                *(Option(_prompt(root), id=str(i)) for i, root in enumerate(self.known)),
                id="known",
            )

    def on_mount(self) -> None:
        if self.app.is_headless:
            self.query_one("#path", Input).cursor_blink = False
        if not self.known:
            self.query_one("#known", OptionList).display = False

    @on(Input.Submitted, "#path")
    def _submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(event.value.strip())

    @on(OptionList.OptionSelected, "#known")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.known[int(event.option.id or 0)])

    def action_cancel(self) -> None:
        self.dismiss(None)


def _prompt(root: str) -> Text:
    """One line per library (a long path must not wrap at 80 columns): its name first, then
    its site folder with the home folder as `~`, cut at the right."""
    home = str(Path.home())
    folder = str(site_folder(root))
    under_home = folder == home or folder.startswith(home + os.sep)
    shown = "~" + folder[len(home) :] if under_home else folder
    prompt = Text(no_wrap=True, overflow="ellipsis", end="")
    prompt.append(library_name(root), style="bold")
    prompt.append("  " + safe.line(shown), style="dim")
    return prompt
