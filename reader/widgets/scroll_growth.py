"""A scroll view's size changed without the layouts Textual would spend on it."""

from __future__ import annotations

from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.widget import Widget


def grow_below(view: ScrollView, size: Size) -> None:
    """Set `view`'s virtual size to `size`, lines added below the screen: only its scrollbar
    changes. Setting `virtual_size` lays the whole screen out again and repaints all of the
    view (a post's rest, streamed in after its first screen, cost a full frame)."""
    view.set_reactive(ScrollView.virtual_size, size)
    view._scroll_update(size)  # Textual's own update of the scrollbars for a new size


def resize_content(view: ScrollView, size: Size) -> None:
    """Set `view`'s virtual size to `size`. A hidden view is given or denied its vertical
    scrollbar now, as the layout that shows it at its parent's height will: found by that
    layout, the change asks for a second layout of the screen in the same frame (~1 ms of the
    key that opens a post longer or shorter than a screen, after one that was not)."""
    parent = view.parent
    if not view.display and view.styles.overflow_y == "auto" and isinstance(parent, Widget):
        room = parent.content_region.height - view.styles.gutter.height
        if room > 0:  # else the parent is hidden too: nothing to go by
            needed = size.height > room
            if view.show_vertical_scrollbar != needed:
                view.show_vertical_scrollbar = needed
                view.vertical_scrollbar.display = needed
    view.virtual_size = size
