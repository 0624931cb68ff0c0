"""Give the memory that finished work freed back to the system.

glibc's malloc keeps what Python frees in its heaps (one arena per thread that allocated, and
posts are converted and rendered in worker threads), so the resident size of the app only ever
grew to its highest point: 16 hostile posts took it from 86 to 521 MB, and one 1 MB post
passed over in a walk of a thousand posts left it 80 MB higher for the rest of the session.
`malloc_trim(0)` hands the free pages back. What asks for it is malloc's own count of the free
bytes it holds (`mallinfo2`): grown by `GROWTH`, whatever freed them (a long post closed, a big
one converted, a sync). It is asked once no key came for `IDLE`, and runs in a thread (ctypes
releases the GIL around the call, so the UI does not wait); elsewhere than glibc it does
nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading
import weakref
from collections.abc import Callable
from typing import Any

from reader.after_keys import OnScreen, once_keys_pause

GROWTH = 4 * 1024 * 1024
"""Free heap bytes gained since the last trim that make another one worth its 5-20 ms."""
IDLE = 1.0
"""Seconds without a key before a trim: it holds malloc's locks for its 5-20 ms, and a key's
frame that allocates meanwhile waits for them (a post closed during a 100k sync took 45 ms)."""

_FIELDS = [
    "arena",
    "ordblks",
    "smblks",
    "hblks",
    "hblkhd",
    "usmblks",
    "fsmblks",
    "uordblks",
    "fordblks",
    "keepcost",
]


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in _FIELDS]


class _MallInfo(ctypes.Structure):  # before glibc 2.33: ints, which wrap at 2 GB
    _fields_ = [(name, ctypes.c_uint) for name in _FIELDS]


def _load_libc() -> tuple[Callable[[int], int], Callable[[], int]] | None:
    """glibc's `malloc_trim`, and a function of the free bytes its heaps hold; None elsewhere."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        libc = ctypes.CDLL(name)
        trim = libc.malloc_trim
        info = getattr(libc, "mallinfo2", None) or libc.mallinfo
    except (OSError, AttributeError):  # not glibc (musl, macOS)
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    info.argtypes = []
    info.restype = _MallInfo2 if info.__name__ == "mallinfo2" else _MallInfo
    return trim, lambda: int(info().fordblks)


_LIBC = _load_libc()


def free_heap_bytes() -> int | None:
    """Bytes malloc holds free in all its arenas (a trimmed page still counts: it stays in
    the free lists); None without glibc. ~0.3 ms on a heap of 100 MB in 6,000 pieces."""
    return _LIBC[1]() if _LIBC is not None else None


def trim_now() -> None:
    """Return free heap memory to the system (blocks until done; a no-op without glibc)."""
    if _LIBC is not None:
        _LIBC[0](0)


class Trimmer:
    """Trims once malloc holds `growth` more free bytes than the fewest it held since the last
    trim: after work freed memory, not on every post."""

    def __init__(self, growth: int = GROWTH) -> None:
        self._growth = growth
        self._fewest: int | None = None
        """Fewest free heap bytes seen since the last trim: freed since are bytes touched since."""
        self._lock = threading.Lock()

    def trim_if_grown(self, release: Callable[[], object] | None = None) -> threading.Thread | None:
        """When grown: `release` (caches outside Python worth dropping with it, such as
        SQLite's page caches), then a trim, in a daemon thread; returns it. Else None."""
        free = free_heap_bytes()
        if free is None:
            return None
        with self._lock:
            if self._fewest is None or free < self._fewest:
                self._fewest = free
            if free - self._fewest < self._growth:
                return None
            self._fewest = free  # no second trim while this one runs

        def trim() -> None:
            if release is not None:
                release()
            trim_now()
            after = free_heap_bytes()  # with what `release` freed: trimmed as well
            with self._lock:
                self._fewest = after

        thread = threading.Thread(target=trim, name="malloc-trim", daemon=True)
        thread.start()
        return thread


TRIMMER = Trimmer()
"""The process's: one heap."""


_waiting: weakref.WeakSet[Any] = weakref.WeakSet()
"""Nodes with a trim waiting for the keys to rest (UI thread only): one each."""


def trim_when_idle(node: OnScreen, release: Callable[[], object] | None = None) -> None:
    """`TRIMMER.trim_if_grown(release)` in `IDLE` seconds, once no key came for as long (on
    `node`'s timers: the work that freed memory is done, a reader is reading)."""
    if node in _waiting:
        return
    _waiting.add(node)

    def trim() -> None:
        _waiting.discard(node)
        TRIMMER.trim_if_grown(release)

    node.set_timer(IDLE, lambda: once_keys_pause(node, trim, quiet=IDLE, longest=None))
