"""Content added below what a scroll view shows, without a layout of the screen."""

from __future__ import annotations

from textual.geometry import Size
from textual.scroll_view import ScrollView


def grow_below(view: ScrollView, size: Size) -> None:
    """Set `view`'s virtual size to `size`, lines added below the screen: only its scrollbar
    changes. Setting `virtual_size` lays the whole screen out again and repaints all of the
    view (a post's rest, streamed in after its first screen, cost a full frame)."""
    view.set_reactive(ScrollView.virtual_size, size)
    view._scroll_update(size)  # Textual's own update of the scrollbars for a new size
