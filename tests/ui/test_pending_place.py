"""The place a re-rendering view goes back to gives way to the reader's own scrolling, not to
the view being clamped by a layout."""

from __future__ import annotations

from reader.widgets.pending_place import PendingPlace

FAR = 1000.0
"""A bottom the view is nowhere near."""


def test_the_place_stays_pending_while_the_view_rests_where_it_was_put() -> None:
    place = PendingPlace()
    place.start(120)
    assert place.line(0, FAR) == 120  # nothing rendered yet: the view has not been put anywhere
    place.put(40.0)  # only 40 lines reachable so far
    assert place.line(40.0, 40.0) == 120
    place.put(80.0)
    assert place.line(80.0, FAR) == 120
    place.put(120.0, arrived=True)
    assert place.line(120.0, FAR) is None


def test_the_readers_scroll_ends_the_restore() -> None:
    place = PendingPlace()
    place.start(120)
    place.put(40.0)
    assert place.line(55.0, FAR) is None  # half a page down by the reader
    assert place.line(40.0, FAR) is None  # and it stays ended


def test_the_reader_going_back_up_ends_it_too() -> None:
    place = PendingPlace()
    place.start(120)
    place.put(40.0)
    assert place.line(25.0, FAR) is None


def test_a_layout_that_clamps_the_view_keeps_the_restore() -> None:
    place = PendingPlace()
    place.start(33)
    place.put(33.0)
    assert place.line(30.0, 30.0) == 33  # the pane was laid out shorter: pulled up to its end


def test_a_new_start_forgets_where_the_last_one_put_the_view() -> None:
    place = PendingPlace()
    place.start(120)
    place.put(40.0)
    place.start(7)
    assert place.line(90.0, FAR) == 7
    place.stop()
    assert place.line(90.0, FAR) is None
