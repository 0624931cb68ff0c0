"""The library pane: the folder tree, the filter and the post list, one above the other.

Its own lines are blank where its children do not cover them, yet Textual paints every one of
them again each time the pane is shown (a change of `display` clears a widget's line cache):
0.6 ms of each post closed at 80 columns, where the pane comes back. They are kept here by
everything that shows in them.
"""

from __future__ import annotations

from typing import Any

from textual.containers import Vertical
from textual.geometry import Region
from textual.strip import Strip

from reader.widgets.kept_paints import KeptPaints

_KEEP_PAINTED = 4


class LibraryPane(Vertical):
    def __init__(self, *children: Any, **kwargs: Any) -> None:
        super().__init__(*children, **kwargs)
        self._painted: KeptPaints[list[Strip]] = KeptPaints(_KEEP_PAINTED)

    def render_lines(self, crop: Region) -> list[Strip]:
        styles = self.styles
        key = (
            crop,
            self.size,
            self.rich_style,
            styles.border,
            styles.outline,
            styles.padding,
            styles.tint,
            styles.opacity,
        )
        return self._painted.get(key, lambda: Vertical.render_lines(self, crop))
