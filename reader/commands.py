"""Command palette entries: the palette-flagged bindings of the key table, and known libraries."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from reader import safe
from reader.core.names import library_label
from reader.keys import KEYS, KeySpec

if TYPE_CHECKING:
    from reader.app import ReaderApp


class ReaderCommands(Provider):
    """Commands from the binding table, "Open library …" per known library, and a typed path."""

    def _run(self, spec: KeySpec) -> None:
        from reader.screens.main import MainScreen

        app = self.app
        if spec.scopes[0] == "main":
            for screen in reversed(app.screen_stack):
                if isinstance(screen, MainScreen):
                    app.call_later(app.run_action, spec.action, screen)
                    return
        app.call_later(app.run_action, spec.action)

    def _open(self, path: str) -> Callable[[], None]:
        return partial(cast("ReaderApp", self.app).switch_library, path)

    def _known(self) -> list[str]:
        return cast("ReaderApp", self.app).known_libraries()

    async def discover(self) -> Hits:
        for spec in KEYS:
            if spec.palette:
                yield DiscoveryHit(spec.description, partial(self._run, spec), help=spec.tooltip)
        for root in self._known():
            yield DiscoveryHit(
                Content("Open library ") + safe.content(root), self._open(root), text=root
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for spec in KEYS:
            if spec.palette:
                score = matcher.match(spec.description)
                if score > 0:
                    yield Hit(
                        score,
                        matcher.highlight(spec.description),
                        partial(self._run, spec),
                        help=spec.tooltip,
                    )
        for root in self._known():
            label = library_label(root)
            score = matcher.match(f"Open library {label}")
            if score > 0:
                yield Hit(
                    score,
                    Content("Open library ") + safe.content(label),
                    self._open(root),
                    text=f"Open library {label}",
                )
        typed = query.strip()
        if typed.startswith(("/", "~", ".")) and Path(typed).expanduser().is_dir():
            yield Hit(
                1.0,
                Content("Open library at ") + safe.content(typed),
                self._open(str(Path(typed).expanduser())),
                text=f"Open library at {safe.line(typed)}",
            )
