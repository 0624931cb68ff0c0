"""The interactive app collects garbage between keys: young generations after a key's answer,
the full pass once the keys rest (or when far overdue), never at CPython's default moments."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from reader import gc_pacing
from reader.gc_pacing import KeyPacedCollector
from tests.ui_helpers import async_test, make_site, running_app


class Timers:
    """A `schedule` that keeps the callbacks for the test to run."""

    def __init__(self) -> None:
        self.due: list[tuple[float, Callable[[], None]]] = []

    def __call__(self, delay: float, callback: Callable[[], None]) -> None:
        self.due.append((delay, callback))

    def run(self) -> list[float]:
        """Run what is due (not what that schedules); the delays they were given."""
        due, self.due = self.due, []
        for _, callback in due:
            callback()
        return [delay for delay, _ in due]


@pytest.fixture
def collections() -> Iterator[list[int]]:
    """The generations collected, in order, while the test runs."""
    seen: list[int] = []

    def note(phase: str, info: dict[str, int]) -> None:
        if phase == "stop":
            seen.append(info["generation"])

    gc.callbacks.append(note)
    try:
        yield seen
    finally:
        gc.callbacks.remove(note)


@pytest.fixture
def collector() -> Iterator[tuple[KeyPacedCollector, Timers, list[float]]]:
    timers = Timers()
    last_input = [time.monotonic()]
    paced = KeyPacedCollector(timers, lambda: last_input[0])
    saved = gc.get_threshold()
    paced.start()
    try:
        yield paced, timers, last_input
    finally:
        paced.stop()
        gc.set_threshold(*saved)


def test_start_raises_the_young_threshold_and_stop_gives_it_back() -> None:
    saved = gc.get_threshold()
    paced = KeyPacedCollector(Timers(), time.monotonic)
    paced.start()
    try:
        assert gc.get_threshold() == (gc_pacing.YOUNG_THRESHOLD, *saved[1:])
    finally:
        paced.stop()
    assert gc.get_threshold() == saved


def test_an_answer_is_followed_by_one_young_collection(collector, collections) -> None:
    paced, timers, _ = collector
    garbage = [[] for _ in range(100)]  # containers the young generation counts
    paced.answered()
    paced.answered()  # keys in a row: one collection due
    assert len(timers.due) == 1
    assert collections == []
    assert timers.run() == [gc_pacing.AFTER_ANSWER]
    assert collections and max(collections) <= 1
    assert gc.get_count()[0] < len(garbage)


def test_the_middle_generation_is_collected_when_due(collector, collections) -> None:
    paced, timers, _ = collector
    for _ in range(gc.get_threshold()[1]):
        gc.collect(0)
    collections.clear()
    paced.answered()
    timers.run()
    assert collections == [1]


def test_the_full_pass_waits_for_the_keys_to_rest(collector, collections) -> None:
    paced, timers, last_input = collector
    for _ in range(gc.get_threshold()[2]):
        gc.collect(1)
    collections.clear()
    paced.answered()
    timers.run()  # the young collection; the full pass is now due, once keys rest
    assert 2 not in collections
    assert timers.due
    last_input[0] = time.monotonic()  # a key came just now
    assert timers.run() == [gc_pacing.IDLE]
    assert 2 not in collections
    assert timers.due and 0 < timers.due[0][0] <= gc_pacing.IDLE
    last_input[0] = time.monotonic() - gc_pacing.IDLE - 1  # they rested
    timers.run()
    assert collections[-1] == 2
    assert timers.due == []


def test_a_full_pass_far_overdue_runs_with_keys_coming(collector, collections) -> None:
    paced, timers, _ = collector
    for _ in range(gc.get_threshold()[2] * gc_pacing.OVERDUE):
        gc.collect(1)
    collections.clear()
    paced.answered()
    timers.run()
    assert 2 in collections


def test_after_stop_nothing_is_collected(collector, collections) -> None:
    paced, timers, _ = collector
    paced.answered()
    paced.stop()
    timers.run()
    assert collections == []
    paced.answered()
    assert timers.due == []


@async_test
async def test_the_app_collects_after_a_keys_answer(tmp_path: Path) -> None:
    seen: list[int] = []

    def note(phase: str, info: dict[str, int]) -> None:
        if phase == "stop":
            seen.append(info["generation"])

    saved = gc.get_threshold()
    async with running_app(make_site(tmp_path / "site"), tmp_path / "data", size=(80, 24)) as (
        app,
        pilot,
    ):
        app.collector.start()  # a headless app keeps CPython's own pacing
        gc.callbacks.append(note)
        try:
            await pilot.press("j")
            seen.clear()
            app.foreground.frame_written()  # what the driver does with the answer
            await pilot.pause(gc_pacing.AFTER_ANSWER * 5)
        finally:
            gc.callbacks.remove(note)
    assert seen
    assert gc.get_threshold() == saved  # given back as the app ended
