"""Fixes to the pinned Textual (8.2.8), applied once when the app module is imported.

- Closed widgets are freed. `StylesCache.get_inner_outer` is an `lru_cache` on an instance
  method, so its 1024 entries keep the `StylesCache` of every widget that ever painted alive,
  with the lines it cached (Strips, each with seven caches of its own): after some screens
  opened and closed, tens of thousands of objects that every full garbage collection walks
  again (the tests' workers spent an eighth of their time there). The two styles depend on the
  two colours only, so the cache is keyed by them.
- Scrollbars keep the lines they drew. Textual draws a scrollbar through Rich (a renderable,
  a console render, the styles cache) each time its widget is laid out or restyled: ~1 ms a
  bar at 80x24, and a key that shows or hides a pane redraws three or four, in the same frame
  as everything else, for bars that mostly look as they did. A bar's lines depend on what its
  renderable holds (sizes, position, colours), its size and its background, so those are the
  key of a few lines kept on the bar.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from textual._styles_cache import StylesCache
from textual.color import Color
from textual.geometry import Region
from textual.scrollbar import ScrollBar
from textual.strip import Strip
from textual.style import Style

_SCROLLBAR_LINES_KEPT = 8
_draw_scrollbar = ScrollBar.render_lines


@lru_cache(1024)
def _inner_outer(base_background: Color, background: Color) -> tuple[Style, Style]:
    return Style(background=base_background + background), Style(background=base_background)


def _get_inner_outer(
    _cache: StylesCache, base_background: Color, background: Color
) -> tuple[Style, Style]:
    return _inner_outer(base_background, background)


def _scrollbar_lines(bar: ScrollBar, crop: Region) -> list[Strip]:
    drawn = bar.render()
    key = (
        crop,
        bar.region.size,
        bar.background_colors,
        tuple(bar.get_line_filters()),
        bar.opacity,
        type(drawn),
        tuple(vars(drawn).items()),
    )
    kept: dict[Any, list[Strip]] = bar.__dict__.setdefault("_reader_lines", {})
    lines = kept.get(key)
    if lines is None:
        lines = _draw_scrollbar(bar, crop)
        if len(kept) >= _SCROLLBAR_LINES_KEPT:
            del kept[next(iter(kept))]
        kept[key] = lines
    return list(lines)  # the caller may change the list, never the lines


def apply() -> None:
    StylesCache.get_inner_outer = _get_inner_outer  # type: ignore[method-assign, assignment]
    ScrollBar.render_lines = _scrollbar_lines  # type: ignore[method-assign, assignment]
