"""Background threads of the app wait while a key is being answered: from the input's arrival
to the first frame written once the key was dispatched."""

from __future__ import annotations

from pathlib import Path

from reader.foreground import Foreground, may_run_of
from tests.ui_helpers import async_test, make_site, running_app


def test_a_key_is_answered_by_the_first_frame_after_its_dispatch() -> None:
    foreground = Foreground()
    assert foreground.may_run.is_set()
    foreground.input_arrived()
    assert not foreground.may_run.is_set()
    foreground.frame_written()  # a frame of something else (the sync's progress)
    assert not foreground.may_run.is_set()
    foreground.key_dispatched()
    foreground.frame_written()
    assert foreground.may_run.is_set()
    foreground.frame_written()  # frames with no key pending leave it set
    assert foreground.may_run.is_set()


def test_only_a_keys_answer_is_reported() -> None:
    answers: list[None] = []
    foreground = Foreground(on_answered=lambda: answers.append(None))
    foreground.frame_written()
    foreground.input_arrived()
    foreground.frame_written()  # before the key was dispatched: not its answer
    assert answers == []
    foreground.key_dispatched()
    foreground.frame_written()
    foreground.frame_written()
    assert len(answers) == 1


def test_a_key_the_driver_did_not_tell_of_waits_for_no_frame() -> None:
    """Through a browser the driver reports no input: no frame is taken for an answer (the
    frame pacer would paint every frame at once, for good)."""
    answers: list[None] = []
    foreground = Foreground(on_answered=lambda: answers.append(None))
    foreground.key_dispatched()
    assert not foreground.answer_pending
    foreground.frame_written()
    assert answers == [] and foreground.may_run.is_set()


@async_test
async def test_the_app_marks_each_key_it_dispatches(tmp_path: Path) -> None:
    async with running_app(make_site(tmp_path / "site"), tmp_path / "data", size=(80, 24)) as (
        app,
        pilot,
    ):
        may_run = may_run_of(app)
        assert may_run is not None and may_run.is_set()
        app.foreground.input_arrived()  # what the terminal's input thread does
        app.foreground.frame_written()
        assert not may_run.is_set()
        await pilot.press("j")
        app.foreground.frame_written()  # what the driver does with the next frame
        assert may_run.is_set()
