"""The help screen, generated from the binding table (with the config's remaps applied)."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.keys import KEYS, SCOPE_TITLES, bindings, key_labels


class HelpScreen(ModalScreen[None]):
    """Every key, grouped by where it works. Esc, q or ? closes it; the moving keys scroll it."""

    BINDINGS: ClassVar = bindings("help")

    def compose(self) -> ComposeResult:
        # Not focusable: its own home/end would scroll animated, ahead of the keys above.
        with VerticalScroll(id="help-body", can_focus=False):
            yield Static(Text("Keys", style="bold"), id="help-title")
            yield Static(self._table(), id="help-table")
            yield Static(
                Text(
                    "Remap any key by its id in the [keys] table of config.toml. "
                    f"Close with {key_labels(self.app, 'reader.help_close')[0]}."
                ),
                id="help-hint",
            )

    def _table(self) -> Table:
        table = Table.grid(padding=(0, 2))
        table.add_column("keys", style="bold", max_width=12)  # wraps between keys
        table.add_column("what")
        table.add_column("id", style="dim", no_wrap=True)
        for scope, title in SCOPE_TITLES.items():
            specs = [spec for spec in KEYS if spec.scopes[0] == scope]
            if not specs:
                continue
            # The title sits in the wide middle column so the keys column stays narrow.
            table.add_row("", Text(title, style="bold underline"), "")
            for spec in specs:
                keys = " ".join(key_labels(self.app, spec.id))
                table.add_row(Text(keys), Text(spec.tooltip), Text(spec.id))
            table.add_row("", "", "")
        table.add_row(Text("ctrl+p"), Text("Command palette"), Text(""))
        # Textual's own binding, ahead of every other: it also works while typing in a box,
        # and whatever `q` was remapped to.
        table.add_row(Text("ctrl+q"), Text("Quit from anywhere, even in a text box"), Text(""))
        return table

    def action_scroll(self, where: str) -> None:
        scroll_body(self.query_one("#help-body", VerticalScroll), where)

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)


def scroll_body(body: VerticalScroll, where: str) -> None:
    """Scroll a screen of text as a moving key says (see keys._text_scroll)."""
    if where == "down":
        body.scroll_down()
    elif where == "up":
        body.scroll_up()
    elif where == "top":  # jumps, as the end does (an animated top lagged behind G)
        body.scroll_home(animate=False)
    elif where == "bottom":
        body.scroll_end(animate=False)
    elif where == "page_down":
        body.scroll_page_down(animate=False)
    else:
        body.scroll_page_up(animate=False)
