"""Give the memory a closed long post used back to the system.

glibc's malloc keeps what Python frees in its heaps (one arena per thread that allocated, and
posts are rendered in worker threads), so the resident size of the app only ever grew to the
largest posts read: 16 hostile posts took it from 86 to 521 MB, 860 MB after a longer walk.
`malloc_trim(0)` hands the free pages back. It runs in a thread (ctypes releases the GIL around
the call, so the UI does not wait); elsewhere than glibc it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading
from collections.abc import Callable

TRIM_AFTER_LINES = 5_000
"""A post of at least this many rendered lines is worth a trim once it is closed (~5 MB)."""


def _load_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        function = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):  # not glibc (musl, macOS)
        return None
    function.argtypes = [ctypes.c_size_t]
    function.restype = ctypes.c_int
    return function


_TRIM = _load_trim()


def trim_now() -> None:
    """Return free heap memory to the system (blocks until done; a no-op without glibc)."""
    if _TRIM is not None:
        _TRIM(0)


def trim_soon() -> threading.Thread | None:
    """`trim_now` in a daemon thread; returns it (None without glibc)."""
    if _TRIM is None:
        return None
    thread = threading.Thread(target=trim_now, name="malloc-trim", daemon=True)
    thread.start()
    return thread
