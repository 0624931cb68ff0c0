"""Fixes to the pinned Textual (8.2.8), applied once when the app module is imported.

- Closed widgets are freed. `StylesCache.get_inner_outer` is an `lru_cache` on an instance
  method, so its 1024 entries keep the `StylesCache` of every widget that ever painted alive,
  with the lines it cached (Strips, each with seven caches of its own): after some screens
  opened and closed, tens of thousands of objects that every full garbage collection walks
  again (the tests' workers spent an eighth of their time there). The two styles depend on the
  two colours only, so the cache is keyed by them.
- Scrollbars keep the lines they drew, and draw a plain vertical bar straight from its
  segments. Textual draws a scrollbar through Rich (a renderable, a console render, the styles
  cache) each time its widget is laid out or restyled: ~1 ms a bar at 80x24 (2-3 ms for a post
  opened), and a key that shows or hides a pane redraws three or four, in the same frame as
  everything else, for bars that mostly look as they did. A bar's lines depend on what its
  renderable holds (sizes, position, colours), its size and its background, so those are the
  key of a few lines kept on the bar. Drawn straight, a vertical bar's segments (Textual's own
  `ScrollBarRender.render_bar`) take the bar's style beneath them and the app's line filters,
  as Textual's styles cache gives them; a bar with a tint or an opacity is drawn by Textual.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from rich.color import Color as RichColor
from rich.segment import Segment
from rich.style import Style as RichStyle
from textual._styles_cache import StylesCache
from textual.color import Color
from textual.geometry import Region
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.strip import Strip
from textual.style import Style

_SCROLLBAR_LINES_KEPT = 8
_textual_scrollbar_lines = ScrollBar.render_lines


@lru_cache(1024)
def _inner_outer(base_background: Color, background: Color) -> tuple[Style, Style]:
    return Style(background=base_background + background), Style(background=base_background)


def _get_inner_outer(
    _cache: StylesCache, base_background: Color, background: Color
) -> tuple[Style, Style]:
    return _inner_outer(base_background, background)


def _draw_scrollbar(bar: ScrollBar, drawn: object, crop: Region) -> list[Strip]:
    styles = bar.styles
    plain = (
        type(drawn) is ScrollBarRender
        and drawn.vertical
        and isinstance(drawn.style, RichStyle)
        and bar.opacity == 1
        and styles.text_opacity == 1
        and not styles.tint.a
        and not styles.gutter
        and crop.column_span == (0, bar.size.width)
    )
    if not plain:
        return _textual_scrollbar_lines(bar, crop)
    assert isinstance(drawn, ScrollBarRender) and isinstance(drawn.style, RichStyle)
    width, height = bar.size
    bar_segments = ScrollBarRender.render_bar(
        size=height,
        virtual_size=drawn.virtual_size,
        window_size=drawn.window_size,
        position=drawn.position,
        thickness=width,
        vertical=True,
        back_color=drawn.style.bgcolor or RichColor.parse("#555555"),
        bar_color=drawn.style.color or RichColor.parse("bright_magenta"),
    )
    base = bar.visual_style.rich_style
    background = bar.background_colors[1]
    filters = bar.get_line_filters()
    lines = []
    for segment in bar_segments.segments[crop.y : crop.y + crop.height]:
        text, style, control = segment
        line = Strip([Segment(text, base + style, control)], width)
        for line_filter in filters:
            line = line.apply_filter(line_filter, background)
        lines.append(line)
    return lines


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
        lines = _draw_scrollbar(bar, drawn, crop)
        if len(kept) >= _SCROLLBAR_LINES_KEPT:
            del kept[next(iter(kept))]
        kept[key] = lines
    return list(lines)  # the caller may change the list, never the lines


def apply() -> None:
    StylesCache.get_inner_outer = _get_inner_outer  # type: ignore[method-assign, assignment]
    ScrollBar.render_lines = _scrollbar_lines  # type: ignore[method-assign, assignment]
