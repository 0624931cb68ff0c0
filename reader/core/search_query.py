"""The search query language: words, "phrases" and qualifiers, parsed into a `Query`.

    words "a phrase" cat:NAME author:NAME tag:NAME is:unread is:bookmarked
    after:YYYY-MM-DD before:YYYY-MM-DD

Words and phrases are substrings that must all occur (AND), case-insensitively (see `fold`).
Qualifier values may be quoted: `cat:"Hacker News"`. `after:D` keeps posts dated on or after
day D (UTC), `before:D` posts dated before day D, so `after:A before:B` is the range [A, B).
A word that merely contains a colon (`http://x`, `c:d`) is a word, not a qualifier.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

QUALIFIERS = ("cat", "author", "tag", "is", "after", "before")
IS_VALUES = ("unread", "bookmarked")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_QUALIFIER = re.compile(r"(?i)(" + "|".join(QUALIFIERS) + r"):")
_SPACE = re.compile(r"\s+")


class QueryError(ValueError):
    """A query that cannot be understood; `str(error)` is a short message for the user."""


def fold(text: str) -> str:
    """Lower-case `text` without changing its length, so offsets in the result fit `text`.

    `str.lower` is used where it maps a character to exactly one character (all Latin,
    Greek, Cyrillic letters); the rare characters it expands ('İ') are kept as they are.
    CJK text is unchanged.
    """
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(low if len(low := char.lower()) == 1 else char for char in text)


def caseless(term: str) -> bool:
    """True for a term of CJK, kana and other characters without case, which no character
    folds into: it occurs in the folded text exactly where its UTF-8 occurs in the raw bytes,
    so checking it needs no decoding and no folding (most of the cost of a check)."""
    return all(ord(char) >= 0x2E80 and char.lower() == char == char.upper() for char in term)


def normalize_space(text: str) -> str:
    """Collapse whitespace runs into one space and strip the ends (what the index stores)."""
    return _SPACE.sub(" ", text).strip()


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query. Terms and names are folded; an empty query has no terms and no filters."""

    terms: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    unread: bool = False
    bookmarked: bool = False
    after: date | None = None
    before: date | None = None

    @property
    def has_filters(self) -> bool:
        return bool(
            self.categories
            or self.authors
            or self.tags
            or self.unread
            or self.bookmarked
            or self.after
            or self.before
        )

    @property
    def is_empty(self) -> bool:
        return not self.terms and not self.has_filters


def parse_query(text: str) -> Query:
    """Parse `text`; raises QueryError with a one-line message for what cannot be understood."""
    terms: list[str] = []
    values: dict[str, list[str]] = {name: [] for name in QUALIFIERS}
    pos = 0
    length = len(text)
    while pos < length:
        if text[pos].isspace():
            pos += 1
            continue
        qualifier = _QUALIFIER.match(text, pos)
        if qualifier is not None:
            name = qualifier.group(1).lower()
            value, pos = _read_value(text, qualifier.end())
            if not value:
                raise QueryError(f"{name}: needs a value, for example {_example(name)}")
            values[name].append(value)
            continue
        if text[pos] == '"':
            phrase, pos = _read_quoted(text, pos)
            phrase = normalize_space(phrase)
            if phrase:
                terms.append(fold(phrase))
            continue
        end = pos
        while end < length and not text[end].isspace() and text[end] != '"':
            end += 1
        terms.append(fold(text[pos:end]))
        pos = end
    flags = {value.lower() for value in values["is"]}
    unknown = sorted(flags - set(IS_VALUES))
    if unknown:
        raise QueryError(f"is:{unknown[0]} is not known; use is:unread or is:bookmarked")
    return Query(
        terms=_unique(terms),
        categories=_unique(fold(normalize_space(v)) for v in values["cat"]),
        authors=_unique(fold(normalize_space(v)) for v in values["author"]),
        tags=_unique(fold(normalize_space(v)) for v in values["tag"]),
        unread="unread" in flags,
        bookmarked="bookmarked" in flags,
        after=max((_parse_date("after", v) for v in values["after"]), default=None),
        before=min((_parse_date("before", v) for v in values["before"]), default=None),
    )


def _read_value(text: str, pos: int) -> tuple[str, int]:
    if pos < len(text) and text[pos] == '"':
        return _read_quoted(text, pos)
    end = pos
    while end < len(text) and not text[end].isspace():
        end += 1
    return text[pos:end], end


def _read_quoted(text: str, pos: int) -> tuple[str, int]:
    """`text[pos]` is a double quote; return the quoted text and the index after the closing one."""
    close = text.find('"', pos + 1)
    if close < 0:
        raise QueryError('a quote is not closed: add the closing "')
    return text[pos + 1 : close], close + 1


def _parse_date(name: str, value: str) -> date:
    if _DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise QueryError(f"{name}:{value} is not a date; write {name}:YYYY-MM-DD")


def _example(name: str) -> str:
    return {
        "cat": "cat:linux",
        "author": "author:alice",
        "tag": "tag:python",
        "is": "is:unread",
        "after": "after:2024-01-31",
        "before": "before:2024-01-31",
    }[name]


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for item in items:
        if item:
            seen.setdefault(item, None)
    return tuple(seen)
