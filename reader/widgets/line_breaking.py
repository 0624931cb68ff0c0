"""Line breaking: words for Latin text, any two CJK characters for CJK text (with the
kinsoku rules: no closing bracket or small kana starts a line, no opening one ends it)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import TYPE_CHECKING

from rich._wrap import divide_line as rich_divide_line
from rich.cells import cell_len, chop_cells, get_character_cell_size
from rich.console import Console, ConsoleOptions
from rich.containers import Lines
from rich.measure import Measurement
from rich.text import Text

if TYPE_CHECKING:
    from rich.console import JustifyMethod, OverflowMethod

_NO_START = frozenset(
    "、。，．,.：:；;？?！!）)］]｝}」』】〕〉》〗〙〛”’»›〞〟々ヽヾゝゞ〻・…‥％%"
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ"
)
"""Characters a line must not start with (closing brackets and quotes, stops, small kana)."""
_NO_END = frozenset("（(［[｛{「『【〔〈《〖〘〚“‘«‹〝")
"""Characters a line must not end with (opening brackets and quotes)."""


def breaks_around(char: str) -> bool:
    """Lines may break before and after this character (CJK ideographs, kana, hangul,
    fullwidth forms: East Asian Wide or Fullwidth)."""
    return unicodedata.east_asian_width(char) in ("W", "F")


_SPACE, _WIDE, _NO_START_CLASS, _NO_END_CLASS, _JOINED = 1, 2, 4, 8, 16
_CLASSES: dict[str, int] = {}


def _class(char: str) -> int:
    """The line-breaking class of a character, as bit flags (cached)."""
    flags = _CLASSES.get(char)
    if flags is None:
        if char.isspace():
            flags = _SPACE
        else:
            flags = _WIDE if breaks_around(char) else 0
            if char in _NO_START:
                flags |= _NO_START_CLASS
            if char in _NO_END:
                flags |= _NO_END_CLASS
            if char == "\u200d" or get_character_cell_size(char) == 0:
                flags |= _JOINED  # a joiner or combining mark: no break before it (or after ZWJ)
        _CLASSES[char] = flags
    return flags


def _may_break(previous: int, current: int) -> bool:
    """May a line end after a character of class `previous` and the next start with one of
    class `current`?"""
    if current & _SPACE:
        return False  # spaces stay at the end of the line they follow
    if previous & _SPACE:
        return True
    if current & _JOINED or previous & _JOINED:
        return False  # inside an emoji sequence, or before a combining mark
    if not (previous | current) & _WIDE:
        return False  # inside a Latin word (or between two Latin punctuation marks)
    return not (current & _NO_START_CLASS or previous & _NO_END_CLASS)


def _may_break_before(previous: str, char: str) -> bool:
    """May a line end after `previous` and the next one start with `char`?"""
    return _may_break(_class(previous), _class(char))


def break_units(text: str) -> Iterator[tuple[int, str]]:
    """(start, unit) pieces of `text` a line may break between, trailing spaces included.

    Latin words stay whole; CJK text breaks between any two characters, except before
    closing punctuation and after opening punctuation (kinsoku)."""
    start = 0
    classes = _CLASSES
    previous = _class(text[0]) if text else 0
    for index in range(1, len(text)):
        char = text[index]
        current = classes.get(char)
        if current is None:
            current = _class(char)
        if _may_break(previous, current):
            yield start, text[start:index]
            start = index
        previous = current
    if text:
        yield start, text[start:]


def divide_line(text: str, width: int, fold: bool = True) -> list[int]:
    """Offsets at which to cut `text` so each piece fits `width` cells.

    Rich's own `divide_line` with break opportunities from `break_units` instead of spaces
    only: a unit that does not fit goes to the next line; one wider than a whole line is
    folded by cells (or cropped when `fold` is false)."""
    if text.isascii():
        return rich_divide_line(text, width, fold=fold)  # no CJK: words only, as Rich does
    breaks: list[int] = []
    offset = 0
    for start, unit in break_units(text):
        unit_width = cell_len(unit.rstrip())
        if width - offset >= unit_width:
            offset += cell_len(unit)
        elif unit_width > width:
            if fold:
                pieces = chop_cells(unit, width)
                position = start
                if offset and position:
                    breaks.append(position)
                for piece in pieces[:-1]:
                    position += len(piece)
                    breaks.append(position)
                offset = cell_len(pieces[-1])
            else:
                if start:
                    breaks.append(start)
                offset = cell_len(unit)
        elif offset and start:
            breaks.append(start)
            offset = cell_len(unit)
    return breaks


class WrapText(Text):
    """A `Text` that wraps CJK text between characters and Latin text between words."""

    def copy(self) -> WrapText:
        return wrap_text(self)

    def wrap(
        self,
        console: Console,
        width: int,
        *,
        justify: JustifyMethod | None = None,
        overflow: OverflowMethod | None = None,
        tab_size: int = 8,
        no_wrap: bool | None = None,
    ) -> Lines:
        wrap_justify = justify or self.justify or "default"
        wrap_overflow = overflow or self.overflow or "fold"
        no_wrap = bool(no_wrap if no_wrap is not None else self.no_wrap) or overflow == "ignore"
        if no_wrap:
            return super().wrap(
                console,
                width,
                justify=justify,
                overflow=overflow,
                tab_size=tab_size,
                no_wrap=no_wrap,
            )
        lines = Lines()
        for line in self.split(allow_blank=True):
            if "\t" in line:
                line.expand_tabs(tab_size)
            new_lines = line.divide(divide_line(line.plain, width, fold=wrap_overflow == "fold"))
            for new_line in new_lines:
                new_line.rstrip_end(width)
            if wrap_justify:
                new_lines.justify(console, width, justify=wrap_justify, overflow=wrap_overflow)
            for new_line in new_lines:
                new_line.truncate(width, overflow=wrap_overflow)
            lines.extend(new_lines)
        return lines

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        lines = self.plain.splitlines()
        widest = max((cell_len(line) for line in lines), default=0)
        units = [cell_len(unit.strip()) for line in lines for _, unit in break_units(line)]
        return Measurement(max(units, default=widest), widest)


def wrap_text(text: Text) -> WrapText:
    """A `WrapText` copy of `text` (same spans and settings)."""
    copy = WrapText(
        text.plain,
        style=text.style,
        justify=text.justify,
        overflow=text.overflow,
        no_wrap=text.no_wrap,
        end=text.end,
        tab_size=text.tab_size,
    )
    copy._spans[:] = text._spans
    return copy
