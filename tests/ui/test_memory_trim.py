"""The heap is trimmed once malloc holds enough more free memory than since the last trim, and
the trim gives the free pages back to the system (glibc; elsewhere nothing happens)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest

from reader.devtools.memwalk import rss_mb
from reader.foreground import Foreground
from reader.widgets import memory_trim
from reader.widgets.memory_trim import Trimmer, free_heap_bytes

MB = 1024 * 1024


@pytest.fixture
def glibc_on_linux() -> None:
    if free_heap_bytes() is None or not Path("/proc/self/status").exists():
        pytest.skip("needs glibc's malloc and /proc")


def test_a_trim_waits_for_memory_to_be_freed_and_gives_its_pages_back(glibc_on_linux: None) -> None:
    trimmer = Trimmer(growth=16 * MB)
    assert trimmer.trim_if_grown() is None  # the first call sets where growth counts from
    # 96 MB in malloc-sized blocks (Python's own allocator takes only small objects)
    blocks = [bytes(600 + n % 4000) for n in range(96 * MB // 2600)]
    assert trimmer.trim_if_grown() is None  # all in use: nothing to give back yet
    kept = blocks[::7]  # six in seven freed: holes the heap keeps without a trim
    del blocks
    before = rss_mb(os.getpid())
    released: list[bool] = []
    thread = trimmer.trim_if_grown(lambda: released.append(True))
    assert thread is not None
    thread.join()
    after = rss_mb(os.getpid())
    assert released == [True]  # caches outside Python are dropped with it
    assert before - after > 16, (before, after)  # MB
    assert trimmer.trim_if_grown() is None  # counted from after the trim: nothing freed since
    del kept


def test_no_trim_without_growth(glibc_on_linux: None) -> None:
    trimmer = Trimmer(growth=64 * MB)
    assert trimmer.trim_if_grown() is None
    kept = [bytes(1000) for _ in range(1000)]  # ~1 MB
    assert trimmer.trim_if_grown() is None
    del kept


class _Node:
    """What trim_when_idle needs of a widget: its app's foreground and timers (run by hand)."""

    def __init__(self) -> None:
        self.app = SimpleNamespace(foreground=Foreground())
        self.timers: list[tuple[float, Callable[[], object]]] = []

    def set_timer(self, delay: float, callback: Callable[[], object]) -> None:
        self.timers.append((delay, callback))

    def fire(self) -> None:
        _, callback = self.timers.pop(0)
        callback()


def test_a_trim_waits_until_no_key_came_for_a_while(monkeypatch: pytest.MonkeyPatch) -> None:
    """A trim holds malloc's locks: never run beside a key's frame."""
    trims: list[object] = []
    monkeypatch.setattr(memory_trim.TRIMMER, "trim_if_grown", trims.append)
    node = _Node()
    release = object()
    memory_trim.trim_when_idle(node, release)  # type: ignore[arg-type]
    memory_trim.trim_when_idle(node, release)  # type: ignore[arg-type]
    assert [delay for delay, _ in node.timers] == [memory_trim.IDLE]  # one waits per node
    node.app.foreground.last_input = time.monotonic()  # a key just came
    node.fire()
    assert trims == [] and len(node.timers) == 1  # waits again
    assert 0 < node.timers[0][0] <= memory_trim.IDLE
    node.app.foreground.last_input = time.monotonic() - memory_trim.IDLE  # keys rested
    node.fire()
    assert trims == [release] and node.timers == []
    memory_trim.trim_when_idle(node, release)  # type: ignore[arg-type]
    assert len(node.timers) == 1  # the next one may wait again
