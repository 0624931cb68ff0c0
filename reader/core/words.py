"""Counts in messages, CLI and app alike: "1 post", "2 posts", "12,345 files"."""

from __future__ import annotations

_IRREGULAR = {"library": "libraries", "category": "categories", "match": "matches"}


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """`count` and `noun`, singular for exactly one; thousands separated by commas."""
    if count == 1:
        return f"1 {noun}"
    return f"{count:,} {plural or _IRREGULAR.get(noun, noun + 's')}"
