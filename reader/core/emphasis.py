"""Emphasis that CommonMark reads as emphasis next to CJK text.

CommonMark takes `**` as bold only when it "flanks" the text: an opening `**` followed by
punctuation must follow a space or punctuation, and a closing `**` after punctuation must be
followed by one. CJK text has no spaces, so `输入**=rand()**便可以` and `**注意：**html` show
their stars. A zero-width space (invisible; neither a space nor punctuation to CommonMark)
between the mark and the text that needs it makes the mark flank again.

Converters mark emphasis with the private-use characters STRONG and EMPHASIS (the same
character opens and closes); `resolve_emphasis` turns them into `**`/`*`, keeping whitespace
outside the marks, dropping empty pairs and joining a pair that closes where the next opens.
"""

from __future__ import annotations

import re
import unicodedata

STRONG = "\ue012"
EMPHASIS = "\ue011"
MARKERS = STRONG + EMPHASIS
ZERO_WIDTH_SPACE = "\u200b"
_DELIMITER = {STRONG: "**", EMPHASIS: "*"}
_MD_WHITESPACE = frozenset("\t\n\v\f\r \xa0\u1680\u202f\u205f\u3000")


def is_markdown_punctuation(char: str) -> bool:
    """Punctuation or a symbol, as CommonMark's flanking rules (and markdown-it) count them."""
    return unicodedata.category(char).startswith(("P", "S"))


def _is_space(char: str) -> bool:
    return char in _MD_WHITESPACE or "\u2000" <= char <= "\u200a"


def opens(before: str, after: str) -> bool:
    """An opening run flanks (is left-flanking) between these characters ("" = line edge)."""
    if not after or _is_space(after):
        return False
    return (
        not is_markdown_punctuation(after)
        or not before
        or _is_space(before)
        or (is_markdown_punctuation(before))
    )


def closes(before: str, after: str) -> bool:
    """A closing run flanks (is right-flanking) between these characters."""
    if not before or _is_space(before):
        return False
    return (
        not is_markdown_punctuation(before)
        or not after
        or _is_space(after)
        or (is_markdown_punctuation(after))
    )


def resolve_emphasis(text: str) -> str:
    """Replace STRONG/EMPHASIS marks with Markdown emphasis that parses where it stands."""
    if STRONG not in text and EMPHASIS not in text:
        return text
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if STRONG in line or EMPHASIS in line:
            lines[index] = _resolve_line(line)
    return "\n".join(lines)


def _resolve_line(line: str) -> str:
    # parts alternate text and mark: [text, mark, text, mark, ..., text]
    parts = _MARKER_SPLIT.split(line)
    roles = _pair(parts)
    _move_spaces_out(parts, roles)
    return _write(parts, roles)


_MARKER_SPLIT = re.compile(f"([{MARKERS}])")
_OPEN, _CLOSE, _DROPPED = 1, 2, 0


def _pair(parts: list[str]) -> list[int]:
    """The role of each mark (odd indexes): opening, closing, or dropped (never closed, around
    nothing visible, or closing where the same mark opens again: `**a****b**` is one run)."""
    roles = [_DROPPED] * len(parts)
    open_at: dict[str, int] = {}
    for index in range(1, len(parts), 2):
        mark = parts[index]
        start = open_at.pop(mark, None)
        if start is None:
            open_at[mark] = index
            continue
        if "".join(parts[start + 1 : index : 2]).strip():
            roles[start], roles[index] = _OPEN, _CLOSE
    for index in range(1, len(parts) - 2, 2):
        following = index + 2
        if (
            roles[index] == _CLOSE
            and roles[following] == _OPEN
            and parts[index] == parts[following]
            and not parts[index + 1]
        ):
            roles[index] = roles[following] = _DROPPED
    return roles


def _move_spaces_out(parts: list[str], roles: list[int]) -> None:
    """`** bold **` does not parse: the spaces go outside the marks (through runs of marks)."""
    for index in range(len(parts) - 2, 0, -2):  # openings, right to left
        text = parts[index + 1]
        if roles[index] == _OPEN and text[:1].isspace():
            stripped = text.lstrip()
            parts[index - 1] += text[: len(text) - len(stripped)]
            parts[index + 1] = stripped
    for index in range(1, len(parts), 2):  # closings, left to right
        text = parts[index - 1]
        if roles[index] == _CLOSE and text[-1:].isspace():
            stripped = text.rstrip()
            parts[index + 1] = text[len(stripped) :] + parts[index + 1]
            parts[index - 1] = stripped


def _write(parts: list[str], roles: list[int]) -> str:
    """The line with each run of marks as delimiters, and a zero-width space where CommonMark
    would not take the run as opening or closing (see opens and closes)."""
    out: list[str] = [parts[0]]
    index = 1
    while index < len(parts):
        closers: list[str] = []
        openers: list[str] = []
        while True:  # a run: marks with nothing between them
            role = roles[index]
            if role == _CLOSE:
                closers.append(_DELIMITER[parts[index]])
            elif role == _OPEN:
                openers.append(_DELIMITER[parts[index]])
            index += 1
            if parts[index] or index + 1 >= len(parts):
                break
            index += 1
        after = parts[index][:1]
        before = out[-1][-1:] if out[-1] else (out[-2][-1:] if len(out) > 1 else "")
        if closers:
            next_char = ZERO_WIDTH_SPACE if openers else after
            if not closes(before, next_char or " "):
                out.append(ZERO_WIDTH_SPACE)
            out.append("".join(closers))
            before = "*"
            if openers:
                out.append(ZERO_WIDTH_SPACE)
                before = ZERO_WIDTH_SPACE
        if openers:
            out.append("".join(openers))
            if not opens(before, after):
                out.append(ZERO_WIDTH_SPACE)
        out.append(parts[index])
        index += 1
    return "".join(out)
