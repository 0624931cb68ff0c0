"""The place a re-rendering view goes back to gives way to the reader's own scrolling."""

from __future__ import annotations

from reader.widgets.pending_place import PendingPlace


def test_the_place_stays_pending_while_the_view_rests_where_it_was_put() -> None:
    place = PendingPlace()
    place.start(120)
    assert place.line(0) == 120  # nothing rendered yet: the view has not been put anywhere
    place.put(40.0)  # only 40 lines reachable so far
    assert place.line(40.0) == 120
    place.put(80.0)
    assert place.line(80.0) == 120
    place.put(120.0, arrived=True)
    assert place.line(120.0) is None


def test_the_readers_scroll_ends_the_restore() -> None:
    place = PendingPlace()
    place.start(120)
    place.put(40.0)
    assert place.line(55.0) is None  # half a page down by the reader
    assert place.line(40.0) is None  # and it stays ended


def test_a_new_start_forgets_where_the_last_one_put_the_view() -> None:
    place = PendingPlace()
    place.start(120)
    place.put(40.0)
    place.start(7)
    assert place.line(90.0) == 7
    place.stop()
    assert place.line(90.0) is None


def test_a_layout_holding_the_view_up_is_not_the_readers_scroll() -> None:
    place = PendingPlace()
    place.start(43)
    place.put(43.0)  # laid out hidden: any line looked reachable
    assert place.line(30.0, max_scroll_y=30) == 43  # shown, 30 is as far down as it goes
    assert place.line(20.0, max_scroll_y=30) is None  # the reader went up


def test_a_place_kept_on_screen_ends_with_a_key_before_any_line_arrives() -> None:
    place = PendingPlace()
    place.start(17, at=20.0)  # rendering again for a new width, the view on the place
    assert place.line(20.0) == 17
    assert place.line(31.0) is None  # half a page down before the first new lines
