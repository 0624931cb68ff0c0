"""Keep the garbage collector's full passes off what start-up made.

A full (oldest-generation) collection walks every container object alive: the modules, Textual's
classes and caches, the widgets and the library's lists. On this kind of machine that took
60-120 ms at 10k posts, and it fell on whichever key happened to allocate enough: a key's
latency then went from ~30 ms to ~150 ms. Once the library is shown and synced, what exists
will live as long as the screen does, so it is frozen (`gc.freeze`): later full passes walk
only what was made since. Frozen objects are still freed by reference counting; only cycles
among them wait until `thaw` (the screen closing: another library, or the app ending).
A headless app (tests, scripts) lives short and has no keys to keep fast: it does not freeze.
"""

from __future__ import annotations

import gc

_holders: set[int] = set()
"""The screens whose start-up objects are frozen (by id)."""


def freeze(holder: object) -> None:
    """Collect start-up's garbage, then freeze what is left (call when idle: the collection
    is the one full pass the freeze saves the keys from). Again later, it adds what was made
    since (the first screen, then what the first sync read)."""
    gc.collect()
    gc.freeze()
    _holders.add(id(holder))


def holds(holder: object) -> bool:
    """`holder` froze what exists (and has not closed since)."""
    return id(holder) in _holders


def thaw(holder: object) -> None:
    """`holder` closes: what was frozen goes back to the collector once no screen holds it.
    A holder that never froze (a headless app) leaves alone what others froze."""
    if id(holder) not in _holders:
        return
    _holders.discard(id(holder))
    if not _holders:
        gc.unfreeze()
