"""The reading place a view is on its way back to while its lines are still being rendered."""

from __future__ import annotations


class PendingPlace:
    """A Markdown line to bring to the top once it is rendered: the saved position of a post
    just opened, or the place kept while a post is rendered again for a new width or theme.

    The reader's own scrolling ends it, whatever moved the view (a key, the wheel, a search
    hit): once the view is no longer where the restore last put it, the reader's place wins,
    and the next rendered chunk must not pull the view back."""

    def __init__(self) -> None:
        self._line: int | None = None
        self._put_at: int | None = None

    def start(self, line: int | None, *, at: float | None = None) -> None:
        """Restore `line`; `at`: the view already rests there (a post rendered again keeps
        the place on screen), so a key pressed before the first new lines arrive ends it."""
        self._line, self._put_at = line, None if at is None else round(at)

    def stop(self) -> None:
        self.start(None)

    def line(self, scroll_y: float, max_scroll_y: float | None = None) -> int | None:
        """The line still to restore with the view at `scroll_y`, or None. A view held up
        at `max_scroll_y` (laid out taller, fewer lines fit below) was not moved by the reader."""
        if self._put_at is not None:
            rests_at = self._put_at if max_scroll_y is None else min(self._put_at, max_scroll_y)
            if round(scroll_y) != round(rests_at):
                self.stop()  # the reader moved since the view was put there
        return self._line

    def put(self, scroll_y: float, *, arrived: bool = False) -> None:
        """The view was scrolled towards the line and rests at `scroll_y`; `arrived`: the
        line is where it will stay, nothing is left to restore."""
        if arrived:
            self.stop()
        else:
            self._put_at = round(scroll_y)
