"""A screen that paints what a key changed in one frame, not in three.

Textual paints at most once per tick of the screen's update timer (60 a second; here its pace
is kept by frame_pacing). A key that shows or hides something (the filter box, the
reading pane) took three ticks: the layout; then the widgets that asked for a repaint meanwhile
(their requests reach the screen as messages on their next idle, after the tick) and the
scrollbars the layout resized, which ask for a layout of their own (a scrollbar has nothing to
lay out); then those scrollbars again, repainted on their own request. Here the tick takes the
repaints already asked for, and the scrollbars a layout touched are painted right after it, in
the same burst of output. So is a widget a layout gave or took a scrollbar: it asks for a
layout of its own, a frame later (30 ms after Enter opened a longer post than the last).
The paints those layouts ask for are one, at the end.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import TypeVar

from textual import messages
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive
from textual.screen import Screen
from textual.scrollbar import ScrollBar
from textual.widget import Widget

from reader.screens.frame_pacing import FramePacer

ResultType = TypeVar("ResultType")


class OneFrameScreen(Screen[ResultType]):
    _paint_held: bool | None = None
    """While a layout runs: whether it asked for a paint (one at its end, for everything it
    changed: a burst of output, not three)."""

    _frame_pacer: FramePacer | None = None

    focused: Reactive[Widget | None] = Reactive(None, repaint=False)
    """Textual's, without its repaint of the whole screen on every focus change: the widgets
    that gain and lose focus repaint themselves."""

    @property
    def _update_timer(self) -> FramePacer:  # type: ignore[override]
        """Paints paced by the app, not by Textual's interval timer (see frame_pacing)."""
        if self._frame_pacer is None:
            self._frame_pacer = FramePacer(self, self._on_timer_update)
        return self._frame_pacer

    async def _message_loop_exit(self) -> None:
        if self._frame_pacer is not None:
            self._frame_pacer.stop()
        await super()._message_loop_exit()

    def post_message(self, message: Message) -> bool:
        """A widget's repaint request counts at once, not when the screen's queue gets to it:
        a frame painted meanwhile would miss it, and the widget would get a frame of its own."""
        if (
            type(message) is messages.Update
            and self._thread_id == threading.get_ident()
            and self.is_running
            and not self._closing
        ):
            if self in self._compositor:
                self._dirty_widgets.add(message.widget)
                self.check_idle()
            return True
        return super().post_message(message)

    def _on_timer_update(self) -> None:
        if self.is_current and not self.app._batch_count:
            self._take_asked_repaints()
        super()._on_timer_update()

    def _take_asked_repaints(self) -> None:
        """Widgets on screen that asked for a repaint whose message has not come yet: painted
        in this frame (their flag cleared, so the message is never sent)."""
        for widget in self._compositor.full_map:
            if widget._repaint_required and widget.display and not widget._closing:
                widget._repaint_required = False
                self._dirty_widgets.add(widget)

    def _compositor_refresh(self) -> None:
        if self._paint_held is not None:  # laying out: painted once, at the end
            self._paint_held = True
            return
        super()._compositor_refresh()

    def _refresh_layout(self, size: Size | None = None, scroll: bool = False) -> None:
        before = _scrollbars(self._compositor.full_map)
        self._paint_held = False
        # Asked for this layout (Textual clears it after): left set, the screen would count
        # as a widget asking for one more
        self._layout_required = False
        try:
            super()._refresh_layout(size, scroll)
            if self.is_current and not self.app._batch_count:
                self._settle_layout(size, scroll, before)
        finally:
            held, self._paint_held = self._paint_held, None
        if held:
            self._compositor_refresh()

    def _settle_layout(self, size: Size | None, scroll: bool, before: set[ScrollBar]) -> None:
        """What the layout asked for of itself, done now: widgets given or denied a scrollbar
        laid out again, the scrollbars it resized repainted."""
        if _take_layout_requests(self._compositor.full_map):
            super()._refresh_layout(size, scroll)
        shown = _scrollbars(self._compositor.full_map)
        resized: set[Widget] = set()
        for bar in shown | before:  # those the layout hid need nothing more either
            if bar._layout_required or bar._repaint_required:
                bar._layout_required = False
                bar._repaint_required = False
                if bar in shown:
                    resized.add(bar)
        if resized:
            self._compositor.update_widgets(resized)
            self._paint_held = True


def _take_layout_requests(widgets: Iterable[Widget]) -> bool:
    """Clear the layouts that widgets asked for during a layout (one that gained or lost a
    scrollbar: its size changed), as Textual does before asking the screen for one; True if
    there were any. Laid out again at once, they are painted in this frame, not the next."""
    asked = [w for w in widgets if w._layout_required and not isinstance(w, ScrollBar)]
    for widget in asked:
        widget._layout_required = False
        widget._repaint_required = False  # the layout repaints it
        for ancestor in widget.ancestors:
            if not isinstance(ancestor, Widget):
                break
            ancestor._clear_arrangement_cache()
            ancestor._layout_updates += 1
            if not ancestor.styles.auto_dimensions:
                break
    return bool(asked)


def _scrollbars(widgets: Iterable[Widget]) -> set[ScrollBar]:
    return {widget for widget in widgets if isinstance(widget, ScrollBar)}
