"""A screen paints at most once a period, except a key's answer, which is painted at once."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import SimpleNamespace

from reader.foreground import Foreground
from reader.screens.frame_pacing import FramePacer
from tests.ui_helpers import async_test, make_site, running_app

LONG = 30.0
"""A period no test waits out: a paint held for it did not happen."""


def _pacer(paints: list[int], errors: list[BaseException] | None = None) -> FramePacer:
    app = SimpleNamespace(
        _exit=False,
        foreground=Foreground(),
        _handle_exception=(errors if errors is not None else []).append,
    )
    return FramePacer(SimpleNamespace(app=app), lambda: paints.append(len(paints)), LONG)


async def _turns(count: int = 3) -> None:
    for _ in range(count):
        await asyncio.sleep(0)


@async_test
async def test_the_first_paint_is_at_once_the_next_waits_for_the_period() -> None:
    paints: list[int] = []
    pacer = _pacer(paints)
    pacer.resume()
    await _turns()
    assert paints == [0]
    pacer.resume()
    pacer.resume()
    await asyncio.sleep(0.05)
    assert paints == [0]
    pacer.stop()


@async_test
async def test_a_keys_answer_does_not_wait_for_the_period() -> None:
    paints: list[int] = []
    pacer = _pacer(paints)
    foreground = pacer._app.foreground
    pacer.resume()
    await _turns()
    pacer.resume()  # background work asks for a paint: held for the period
    foreground.input_arrived()
    foreground.key_dispatched()
    pacer.resume()  # the key's widget asks: now
    await _turns()
    assert paints == [0, 1]
    foreground.frame_written()
    pacer.resume()
    await asyncio.sleep(0.05)
    assert paints == [0, 1]  # answered: the pace again
    pacer.stop()


@async_test
async def test_pause_and_stop_cancel_the_paint_due() -> None:
    paints: list[int] = []
    pacer = _pacer(paints)
    pacer.resume()
    pacer.pause()
    await _turns()
    assert paints == []
    pacer.resume()
    pacer.stop()
    pacer.resume()
    await _turns()
    assert paints == []


@async_test
async def test_an_error_in_a_paint_goes_to_the_app() -> None:
    errors: list[BaseException] = []
    app = SimpleNamespace(_exit=False, foreground=None, _handle_exception=errors.append)

    def paint() -> None:
        raise ValueError("boom")

    pacer = FramePacer(SimpleNamespace(app=app), paint, LONG)
    pacer.resume()
    await _turns()
    assert [type(error) for error in errors] == [ValueError]


@async_test
async def test_the_main_screen_paints_through_a_pacer_stopped_with_it(tmp_path: Path) -> None:
    async with running_app(make_site(tmp_path / "site"), tmp_path / "data", size=(80, 24)) as (
        app,
        pilot,
    ):
        pacer = app.screen._update_timer
        assert isinstance(pacer, FramePacer)
        before = app.screen.posts.cursor
        await pilot.press("j")
        await pilot.pause()
        assert app.screen.posts.cursor == before + 1
    assert pacer._stopped
