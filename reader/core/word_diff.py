"""A word-level difference between two versions of a text, by paragraph, for reading.

Paragraphs are matched first; a changed paragraph shows which words left and came. A word is
a run of letters or digits, one punctuation mark, or one Chinese or Japanese character (those
scripts put no spaces between words, so a changed character is the change, not its line).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

Kind = Literal["same", "added", "removed"]

# Han (with extensions and compatibility forms), kana, CJK punctuation and full-width forms.
_CJK = "\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\U00020000-\U0003134f"
_TOKEN = re.compile(rf"\s+|[{_CJK}]|[^\W{_CJK}]+|[^\w\s]", re.UNICODE)
CONTEXT = 1
"""Unchanged paragraphs shown before and after each change."""
MAX_TOKENS = 20_000
"""Paragraph pairs longer than this (in words) are shown as replaced whole: matching words
takes time that grows with the square of their number."""
_UNLIKE = 0.3
"""Two paragraphs sharing less than this part of their words are a removal and an addition."""


@dataclass(frozen=True, slots=True)
class Piece:
    kind: Kind
    text: str


@dataclass(frozen=True, slots=True)
class Paragraph:
    pieces: tuple[Piece, ...]

    @property
    def changed(self) -> bool:
        return any(piece.kind != "same" for piece in self.pieces)


@dataclass(frozen=True, slots=True)
class TextDiff:
    hunks: tuple[tuple[Paragraph, ...], ...]
    """Runs of changed paragraphs with CONTEXT unchanged ones around them, in text order."""
    added: int
    removed: int
    """Words added and removed."""

    @property
    def unchanged(self) -> bool:
        return not self.hunks


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _words(pieces: Sequence[str]) -> int:
    return sum(1 for token in pieces if not token.isspace())


def diff_texts(old: Sequence[str], new: Sequence[str], context: int = CONTEXT) -> TextDiff:
    """The difference between two texts given as paragraphs."""
    paragraphs: list[Paragraph] = []
    added = removed = 0
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            paragraphs.extend(Paragraph((Piece("same", text),)) for text in old[i1:i2])
            continue
        olds, news = list(old[i1:i2]), list(new[j1:j2])
        for index in range(max(len(olds), len(news))):
            before = olds[index] if index < len(olds) else None
            after = news[index] if index < len(news) else None
            pair, plus, minus = _paragraph_pair(before, after)
            paragraphs.extend(pair)
            added += plus
            removed += minus
    return TextDiff(_hunks(paragraphs, context), added, removed)


def _paragraph_pair(before: str | None, after: str | None) -> tuple[list[Paragraph], int, int]:
    """The paragraphs showing `before` become `after` (either may be None), and the words
    added and removed."""
    old = tokens(before) if before is not None else []
    new = tokens(after) if after is not None else []
    whole = [
        *([Paragraph((Piece("removed", before),))] if before is not None else []),
        *([Paragraph((Piece("added", after),))] if after is not None else []),
    ]
    if not old or not new or len(old) + len(new) > MAX_TOKENS:
        return whole, _words(new), _words(old)
    # Any run of spaces matches any other: a line wrapped elsewhere is not a change
    matcher = SequenceMatcher(None, _spaces_alike(old), _spaces_alike(new), autojunk=False)
    if _shared(old, new, matcher) < _UNLIKE:
        return whole, _words(new), _words(old)
    pieces: list[Piece] = []
    gone: list[str] = []
    came: list[str] = []
    added = removed = 0
    opcodes = matcher.get_opcodes()
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        # A space between two changes joins them: "[-a b-]{+c d+}", not "[-a-]{+c+} [-b-]{+d+}"
        joins = 0 < index < len(opcodes) - 1 and all(token.isspace() for token in old[i1:i2])
        if tag == "equal" and not joins:
            _change(pieces, gone, came)
            _append(pieces, "same", "".join(new[j1:j2]))  # spaces as they are now
            continue
        gone += old[i1:i2]
        came += new[j1:j2]
        if tag != "equal":
            removed += _words(old[i1:i2])
            added += _words(new[j1:j2])
    _change(pieces, gone, came)
    return [Paragraph(tuple(pieces))], added, removed


def _change(pieces: list[Piece], gone: list[str], came: list[str]) -> None:
    """Add the words gone, then the words come in their place, and forget them."""
    if gone:
        _append(pieces, "removed", "".join(gone))
    if came:
        _append(pieces, "added", "".join(came))
    gone.clear()
    came.clear()


def _spaces_alike(pieces: Sequence[str]) -> list[str]:
    return [" " if token.isspace() else token for token in pieces]


def _shared(old: Sequence[str], new: Sequence[str], matcher: SequenceMatcher[str]) -> float:
    """The part of the two paragraphs' words (spaces and punctuation aside) they share."""
    total = _letters(old) + _letters(new)
    same = sum(_letters(old[a : a + size]) for a, _, size in matcher.get_matching_blocks())
    return 2 * same / total if total else 0.0


def _letters(pieces: Sequence[str]) -> int:
    return sum(1 for token in pieces if any(char.isalnum() for char in token))


def _append(pieces: list[Piece], kind: Kind, text: str) -> None:
    if pieces and pieces[-1].kind == kind:
        pieces[-1] = Piece(kind, pieces[-1].text + text)
    else:
        pieces.append(Piece(kind, text))


def _hunks(paragraphs: Sequence[Paragraph], context: int) -> tuple[tuple[Paragraph, ...], ...]:
    changed = [index for index, paragraph in enumerate(paragraphs) if paragraph.changed]
    hunks: list[tuple[Paragraph, ...]] = []
    start = end = -1
    for index in changed:
        if start >= 0 and index - context <= end + 1:  # touching: one hunk
            end = index + context
            continue
        if start >= 0:
            hunks.append(tuple(paragraphs[start : end + 1]))
        start, end = max(0, index - context), index + context
    if start >= 0:
        hunks.append(tuple(paragraphs[start : end + 1]))
    return tuple(hunks)
