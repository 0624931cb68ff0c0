"""The interactive app collects no garbage while a key is answered: the collector is off from
the key's arrival until shortly after its answer is written (or a while, with no answer)."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from reader import gc_pacing
from reader.gc_pacing import KeyGcHold
from tests.ui_helpers import async_test, make_site, running_app


class Timers:
    """A `schedule` that keeps the callbacks for the test to run."""

    def __init__(self) -> None:
        self.due: list[tuple[float, Callable[[], None]]] = []

    def __call__(self, delay: float, callback: Callable[[], None]) -> None:
        self.due.append((delay, callback))

    def run(self, delay: float) -> None:
        """Run the callbacks scheduled with `delay` (and keep the others)."""
        now = [callback for wait, callback in self.due if wait == delay]
        self.due = [(wait, callback) for wait, callback in self.due if wait != delay]
        for callback in now:
            callback()


@pytest.fixture
def hold() -> Iterator[tuple[KeyGcHold, Timers]]:
    timers = Timers()
    held = KeyGcHold(timers)
    held.start()
    try:
        yield held, timers
    finally:
        held.stop()
        gc.enable()


def test_the_collector_is_off_from_a_key_to_shortly_after_its_answer(hold) -> None:
    held, timers = hold
    assert gc.isenabled()
    held.key_arrived()
    assert not gc.isenabled()
    held.answered()
    assert not gc.isenabled()  # the answer is still being written
    timers.run(gc_pacing.AFTER_ANSWER)
    assert gc.isenabled()
    timers.run(gc_pacing.LONGEST_HOLD)  # the key's fallback: nothing more
    assert gc.isenabled() and not held.holding


def test_a_key_with_no_answer_holds_the_collector_for_a_while_only(hold) -> None:
    held, timers = hold
    held.key_arrived()
    timers.run(gc_pacing.AFTER_ANSWER)
    assert not gc.isenabled()
    timers.run(gc_pacing.LONGEST_HOLD)
    assert gc.isenabled()


def test_the_release_for_a_key_answered_does_not_end_the_hold_of_the_next(hold) -> None:
    held, timers = hold
    held.key_arrived()
    held.answered()
    held.key_arrived()  # typed before the first one's release came
    timers.run(gc_pacing.AFTER_ANSWER)
    assert not gc.isenabled()
    held.answered()
    timers.run(gc_pacing.AFTER_ANSWER)
    assert gc.isenabled()


def test_a_collector_turned_off_elsewhere_is_left_off(hold) -> None:
    held, timers = hold
    gc.disable()
    held.key_arrived()
    held.answered()
    timers.run(gc_pacing.AFTER_ANSWER)
    timers.run(gc_pacing.LONGEST_HOLD)
    assert not gc.isenabled()


def test_keys_faster_than_their_answers_hold_the_collector_for_a_while_only(hold) -> None:
    held, timers = hold
    held.key_arrived()
    held.answered()
    held.key_arrived()
    timers.run(gc_pacing.AFTER_ANSWER)
    held.key_arrived()  # and so on: the collector must come back all the same
    timers.run(gc_pacing.LONGEST_HOLD)
    assert gc.isenabled()
    held.key_arrived()  # a new hold, with an end of its own
    assert not gc.isenabled()
    timers.run(gc_pacing.LONGEST_HOLD)
    assert gc.isenabled()


def test_stop_turns_the_collector_back_on_and_holds_no_more(hold) -> None:
    held, _ = hold
    held.key_arrived()
    held.stop()
    assert gc.isenabled()
    held.key_arrived()
    assert gc.isenabled()


@async_test
async def test_the_app_holds_the_collector_while_it_answers_a_key(tmp_path: Path) -> None:
    async with running_app(make_site(tmp_path / "site"), tmp_path / "data", size=(80, 24)) as (
        app,
        pilot,
    ):
        app.gc_hold.start()  # a headless app leaves the collector alone
        try:
            app.foreground.input_arrived()  # what the terminal's input thread does
            await pilot.press("j")
            assert not gc.isenabled()
            app.foreground.frame_written()  # what the driver does with the answer
            await pilot.pause(gc_pacing.AFTER_ANSWER * 5)
            assert gc.isenabled()
        finally:
            gc.enable()
    assert gc.isenabled()
