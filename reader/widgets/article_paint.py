"""One rendered line of a post as the reading pane paints it: centred, hits marked, styled."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from reader.widgets.article_find import highlight
from reader.widgets.component_style import solid_style

if TYPE_CHECKING:
    from reader.widgets.article_document import Document


def paint_line(
    widget: Widget,
    line: Strip,
    width: int,
    base: Style,
    hits: list[tuple[int, int, bool]] | None,
    row: int | None = None,
) -> Strip:
    """`line` centred in `width` cells on `base`, find `hits` (start, end, current) marked;
    with `row`, each cell also carries its place for a mouse selection of text, as Textual's
    `Strip.apply_offsets(0, row)` adds it (in the same pass: that is a strip more per line,
    and a new style for every segment of every line painted)."""
    if hits:
        plain = solid_style(widget, "article--find")
        current = solid_style(widget, "article--find-current")
        line = highlight(line, [(a, b, current if now else plain) for a, b, now in hits])
    length = line.cell_length
    if length > width:  # wider than the view: cut
        cut = line.apply_style(base).crop_extend(0, width, base)
        return cut if row is None else cut.apply_offsets(0, row)
    # One strip made, not four (margin, style, width): each comes with seven caches.
    margin = (width - length) // 2
    add = base.__add__
    segments = [Segment(" " * margin, base)] if margin else []
    segments.extend(
        Segment(text, None if control else add(style), control) for text, style, control in line
    )
    if width - margin - length:
        segments.append(Segment(" " * (width - margin - length), base))
    if row is not None:
        segments = _placed(segments, row)
    return Strip(segments, width)


def _placed(segments: list[Segment], row: int) -> list[Segment]:
    """`segments` with the selection offset of their first cell, as `Strip.apply_offsets`."""
    placed = []
    x = 0
    for text, style, _control in segments:
        at = _offset_style(x, row)
        placed.append(Segment(text, style + at if style else at))
        x += len(text)
    return placed


@lru_cache(maxsize=2_048)
def _offset_style(x: int, y: int) -> Style:
    """Made once per place: the same places recur in every post (each line's margin starts
    at 0), and a style made anew per segment was a third of a first paint. The places of the
    first screens are the ones that recur: 16,384 also kept those of every line scrolled
    through in long posts, ~400 bytes each (6.5 MB once full)."""
    return Style.from_meta({"offset": (x, y)})


class PaintedLines:
    """Painted lines of the post by index, for one width and base style (focus tints the
    base); lines rendered later leave them as they are."""

    def __init__(self) -> None:
        self._strips: dict[int, Strip] = {}
        self._made_for: tuple[int, Style] | None = None

    def clear(self) -> None:
        self._strips.clear()

    @property
    def made_for(self) -> tuple[int, Style] | None:
        """(width, base style) of the lines painted last."""
        return self._made_for

    def adopt(self, made_for: tuple[int, Style], strips: dict[int, Strip]) -> None:
        """Lines painted ahead (`paint_head`) for `made_for`, the post's first screen: kept
        while the width and base style are those (a frame with other ones paints anew)."""
        self._made_for, self._strips = made_for, dict(strips)

    def line(
        self,
        widget: Widget,
        doc: Document,
        index: int,
        width: int,
        base: Style,
        hits: list[tuple[int, int, bool]] | None,
    ) -> Strip:
        """Line `index` of `doc` as `paint_line` paints it, placed for a selection."""
        if (width, base) != self._made_for:
            self._strips.clear()
            self._made_for = (width, base)
        strip = self._strips.get(index)
        if strip is None:
            line = Strip(doc.lines[index], doc.width)
            strip = paint_line(widget, line, width, base, hits, row=index)
            self._strips[index] = strip
        return strip


def paint_head(
    widget: Widget, doc: Document, made_for: tuple[int, Style], count: int
) -> dict[int, Strip]:
    """The first `count` lines of `doc` as `PaintedLines.line` paints them for `made_for`
    (no find hits): painted by the worker rendering ahead, they are not painted in the frame
    of the key that opens the post (0.3-1 ms of it, a new style for each segment; more when
    the post's styles are new)."""
    width, base = made_for
    return {
        index: paint_line(widget, Strip(doc.lines[index], doc.width), width, base, None, index)
        for index in range(min(count, len(doc.lines)))
    }


def paint_text(widget: Widget, text: str, width: int, base: Style) -> Strip:
    """A line of plain `text` (an error in place of the post)."""
    rich_text = Text(text, style=base)
    return Strip(list(rich_text.render(widget.app.console)), rich_text.cell_len).crop_extend(
        0, width, base
    )


class BaseStylePerPaint(Widget):
    """Mixin: the widget's `rich_style` worked out once for the lines painted together (Textual
    works it out from every ancestor's styles on each call: ~60 us, once a line)."""

    _base_style: Style | None = None

    @property
    def painted_base(self) -> Style:
        return self._base_style or self.rich_style

    def render_lines(self, crop: Region) -> list[Strip]:
        self._base_style = self.rich_style
        try:
            return super().render_lines(crop)
        finally:
            self._base_style = None
