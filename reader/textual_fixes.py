"""Fixes to the pinned Textual (8.2.8), applied once when the app module is imported.

- Closed widgets are freed. `StylesCache.get_inner_outer` is an `lru_cache` on an instance
  method, so its 1024 entries keep the `StylesCache` of every widget that ever painted alive,
  with the lines it cached (Strips, each with seven caches of its own): after some screens
  opened and closed, tens of thousands of objects that every full garbage collection walks
  again (the tests' workers spent an eighth of their time there). The two styles depend on the
  two colours only, so the cache is keyed by them.
"""

from __future__ import annotations

from functools import lru_cache

from textual._styles_cache import StylesCache
from textual.color import Color
from textual.style import Style


@lru_cache(1024)
def _inner_outer(base_background: Color, background: Color) -> tuple[Style, Style]:
    return Style(background=base_background + background), Style(background=base_background)


def _get_inner_outer(
    _cache: StylesCache, base_background: Color, background: Color
) -> tuple[Style, Style]:
    return _inner_outer(base_background, background)


def apply() -> None:
    StylesCache.get_inner_outer = _get_inner_outer  # type: ignore[method-assign, assignment]
