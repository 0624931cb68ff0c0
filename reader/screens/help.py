"""The help screen, generated from the binding table (with the config's remaps applied)."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.keys import KEYS, SCOPE_TITLES, effective_keys


class HelpScreen(ModalScreen[None]):
    """Every key, grouped by where it works. Esc, q or ? closes it."""

    BINDINGS: ClassVar = [
        Binding("escape,q,question_mark", "dismiss", "Close", show=False),
        Binding("j,down", "scroll('down')", show=False),
        Binding("k,up", "scroll('up')", show=False),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Static(Text("Keys", style="bold"), id="help-title")
            yield Static(self._table(), id="help-table")
            yield Static(
                Text("Remap any key by its id in the [keys] table of config.toml. Esc closes."),
                id="help-hint",
            )

    def _table(self) -> Table:
        keymap: dict[str, str] = dict(getattr(self.app, "_keymap", {}))
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
                keys = " ".join(
                    self.app.get_key_display(Binding(key, spec.action))
                    for key in effective_keys(spec, keymap)
                )
                table.add_row(Text(keys), Text(spec.tooltip), Text(spec.id))
            table.add_row("", "", "")
        table.add_row(Text("ctrl+p"), Text("Command palette"), Text(""))
        return table

    def action_scroll(self, direction: str) -> None:
        body = self.query_one("#help-body", VerticalScroll)
        if direction == "down":
            body.scroll_down()
        else:
            body.scroll_up()

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
