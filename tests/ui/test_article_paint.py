"""A post's line as the reading pane paints it: centred on the pane's style, cut to its width."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget

from reader.widgets.article_paint import paint_line

BASE = Style(color="white", bgcolor="black")
LINE = Strip(
    [
        Segment("plain "),
        Segment("bold", Style(bold=True)),
        Segment("", None, [(1,)]),  # a control segment keeps no style
        Segment(" 中文", Style(color="red")),
    ]
)


def composed(line: Strip, width: int) -> Strip:
    """The same painted the plain way: margin, the pane's style, then cut or padded."""
    margin = max(0, (width - line.cell_length) // 2)
    if margin:
        line = Strip([Segment(" " * margin), *line], margin + line.cell_length)
    return line.apply_style(BASE).crop_extend(0, width, BASE)


def test_a_painted_line_is_the_line_centred_styled_and_fitted() -> None:
    widget = Widget()
    for width in (LINE.cell_length - 3, LINE.cell_length, LINE.cell_length + 1, 40):
        painted = paint_line(widget, LINE, width, BASE, None)
        assert list(painted) == list(composed(LINE, width)), width
        assert painted.cell_length == width


def test_a_painted_line_placed_on_a_row_carries_what_a_mouse_selection_reads() -> None:
    widget = Widget()
    for width in (LINE.cell_length - 3, 40):
        painted = paint_line(widget, LINE, width, BASE, None, row=7)
        expected = composed(LINE, width).apply_offsets(0, 7)
        assert [(text, style) for text, style, _ in painted] == [
            (text, style) for text, style, _ in expected
        ], width
        assert [style.meta["offset"] for _, style, _ in painted if style] == [
            style.meta["offset"] for _, style, _ in expected if style
        ]
