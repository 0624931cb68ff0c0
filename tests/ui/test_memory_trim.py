"""The heap is trimmed once malloc holds enough more free memory than since the last trim, and
the trim gives the free pages back to the system (glibc; elsewhere nothing happens)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reader.widgets.memory_trim import Trimmer, free_heap_bytes

MB = 1024 * 1024


def resident_bytes() -> int:
    with open("/proc/self/statm", "rb") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.fixture(autouse=True)
def _glibc_on_linux() -> None:
    if free_heap_bytes() is None or not Path("/proc/self/statm").exists():
        pytest.skip("needs glibc's malloc and /proc")


def test_a_trim_waits_for_memory_to_be_freed_and_gives_its_pages_back() -> None:
    trimmer = Trimmer(growth=16 * MB)
    assert trimmer.trim_if_grown() is None  # the first call sets where growth counts from
    # 96 MB in malloc-sized blocks (Python's own allocator takes only small objects)
    blocks = [bytes(600 + n % 4000) for n in range(96 * MB // 2600)]
    assert trimmer.trim_if_grown() is None  # all in use: nothing to give back yet
    kept = blocks[::7]  # six in seven freed: holes the heap keeps without a trim
    del blocks
    before = resident_bytes()
    released: list[bool] = []
    thread = trimmer.trim_if_grown(lambda: released.append(True))
    assert thread is not None
    thread.join()
    after = resident_bytes()
    assert released == [True]  # caches outside Python are dropped with it
    assert before - after > 16 * MB, (before, after)
    assert trimmer.trim_if_grown() is None  # counted from after the trim: nothing freed since
    del kept


def test_no_trim_without_growth() -> None:
    trimmer = Trimmer(growth=64 * MB)
    assert trimmer.trim_if_grown() is None
    kept = [bytes(1000) for _ in range(1000)]  # ~1 MB
    assert trimmer.trim_if_grown() is None
    del kept
