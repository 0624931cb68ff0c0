"""What start-up made is frozen for the collector while a screen holds it, then given back."""

from __future__ import annotations

import gc

from reader import long_lived


def test_freeze_until_the_last_holder_closes() -> None:
    first, second = object(), object()
    try:
        long_lived.freeze(first)
        assert long_lived.holds(first) and gc.get_freeze_count() > 0
        long_lived.freeze(second)
        long_lived.thaw(first)
        assert not long_lived.holds(first) and gc.get_freeze_count() > 0  # second holds it
        long_lived.thaw(second)
        assert gc.get_freeze_count() == 0
    finally:
        long_lived.thaw(first)
        long_lived.thaw(second)


def test_freezing_again_adds_what_was_made_since() -> None:
    holder = object()
    try:
        long_lived.freeze(holder)  # the first screen
        frozen = gc.get_freeze_count()
        made_since = [[n] for n in range(1000)]  # what the first sync read
        long_lived.freeze(holder)
        assert gc.get_freeze_count() >= frozen + len(made_since)
        long_lived.thaw(holder)
        assert gc.get_freeze_count() == 0
    finally:
        long_lived.thaw(holder)


def test_a_holder_that_never_froze_leaves_the_freeze_alone() -> None:
    """A headless app closing does not give back what a screen still holds."""
    holder, headless = object(), object()
    try:
        long_lived.freeze(holder)
        long_lived.thaw(headless)
        assert long_lived.holds(holder) and gc.get_freeze_count() > 0
    finally:
        long_lived.thaw(holder)
