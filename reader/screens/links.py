"""The numbered link list: every link of the article with its real target shown first.

Enter follows the highlighted link (the article view decides: open outside, open a post, jump,
or refuse); digits pick a link by its number; `y` copies the target.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from reader.browser import copy_text
from reader.core.sanitize import sanitize_line
from reader.keys import bindings
from reader.linkopen import LinkTarget
from reader.widgets.article_blocks import RenderedLink


class LinksScreen(ModalScreen[LinkTarget | None]):
    """Dismisses with the chosen link's target, or None."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("links")

    def __init__(self, links: Sequence[RenderedLink], targets: Sequence[LinkTarget]) -> None:
        super().__init__(classes="links-screen")
        self._links = list(links)
        self._targets = list(targets)
        self._typed = ""

    def compose(self) -> ComposeResult:
        width = len(str(self._links[-1].number)) if self._links else 1
        options = []
        for link, target in zip(self._links, self._targets, strict=True):
            prompt = Text(f"{link.number:>{width}}  ", style="bold")
            prompt.append(link.text or "(no text)")
            prompt.append("\n" + " " * (width + 2))
            prompt.append(sanitize_line(link.href), style="dim" if target.kind != "refused" else "")
            options.append(Option(prompt, id=str(link.number)))
        with Vertical(id="links-box"):
            yield Label("Links", id="links-title")
            yield OptionList(*options, id="links-list")
            yield Label("", id="links-target", markup=False)

    def on_mount(self) -> None:
        self._describe(0)

    def _describe(self, index: int | None) -> None:
        label = self.query_one("#links-target", Label)
        if index is None or not 0 <= index < len(self._targets):
            label.update("")
            return
        target = self._targets[index]
        label.set_class(target.kind == "refused", "-refused")
        label.update(Text(target.describe()))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._describe(event.option_index)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self._targets[event.option_index])

    def on_key(self, event: events.Key) -> None:
        if event.character is not None and event.character.isdigit():
            event.stop()
            self._typed = (self._typed + event.character)[-6:]
            number = int(self._typed)
            if not any(link.number == number for link in self._links):
                self._typed = event.character
                number = int(self._typed)
            for index, link in enumerate(self._links):
                if link.number == number:
                    self.query_one(OptionList).highlighted = index
                    break

    def action_cursor(self, step: int) -> None:
        options = self.query_one(OptionList)
        if step > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()

    def action_copy(self) -> None:
        index = self.query_one(OptionList).highlighted
        if index is None:
            return
        self.notify(copy_text(self.app, self._links[index].href), markup=False)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
