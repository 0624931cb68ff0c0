"""A component class's Rich style with its translucent colours made solid.

Textual's partial component styles (`get_component_rich_style(..., partial=True)`) drop a
colour's alpha: `$boost` (white at 4%) came out pure white, `$accent 50%` full orange. Text
drawn with such a style lost its contrast. Here the colours are laid over the widget's own
background, as Textual does for the widget itself.
"""

from __future__ import annotations

from rich.style import Style
from textual.color import Color
from textual.widget import Widget


def solid_style(widget: Widget, name: str) -> Style:
    """The style of component class `name` on `widget`, colours composited on its background."""
    styles = widget.get_component_styles(name)
    _, under = widget.background_colors
    background: Color | None = None
    if styles.has_rule("background") and styles.background.a > 0:
        background = under + styles.background
    color: Color | None = None
    if styles.has_rule("color") and styles.color.a > 0:
        color = (background or under) + styles.color
    return (
        Style(
            color=None if color is None else color.rich_color,
            bgcolor=None if background is None else background.rich_color,
        )
        + styles.text_style
    )
