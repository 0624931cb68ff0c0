"""Background work gives way to a key being answered, but not to one that waits for it."""

from __future__ import annotations

import threading

import pytest

from reader.core import give_way as module
from reader.core.give_way import give_way


def test_work_waited_for_stops_giving_way(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(module, "WAIT_AT_MOST", 600.0)  # it would give way for ten minutes
    may_run, awaited = threading.Event(), threading.Event()  # a key is being answered
    worker = threading.Thread(target=give_way, args=(may_run, awaited), daemon=True)
    worker.start()
    worker.join(0.1)
    assert worker.is_alive()  # giving way
    awaited.set()  # the key waits for this work
    worker.join(30)
    assert not worker.is_alive() and not may_run.is_set()


def test_work_goes_on_once_the_key_is_answered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(module, "WAIT_AT_MOST", 600.0)
    may_run = threading.Event()
    worker = threading.Thread(target=give_way, args=(may_run, threading.Event()), daemon=True)
    worker.start()
    may_run.set()
    worker.join(30)
    assert not worker.is_alive()
