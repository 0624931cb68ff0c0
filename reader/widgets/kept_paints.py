"""Lines a widget painted, kept by everything that shows in them.

For widgets that swap between a few looks (the footer's keys of the list and of the reading
pane, a pane shown and hidden): Textual paints them anew each time, as their line cache is
cleared by every refresh.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class KeptPaints(Generic[T]):
    def __init__(self, keep: int) -> None:
        self._keep = keep
        self._kept: dict[Hashable, T] = {}

    def get(self, key: Hashable, paint: Callable[[], T]) -> T:
        """What `paint()` made for `key`, painted now if not kept (all dropped when full)."""
        kept = self._kept.get(key)
        if kept is None:
            if len(self._kept) >= self._keep:
                self._kept.clear()
            kept = self._kept[key] = paint()
        return kept
