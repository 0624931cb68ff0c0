"""Find in the rendered article: hits as (line, start cell, end cell) ranges, CJK included.

The text searched is what is on screen. Wrapped lines of one paragraph are joined (with a
space, or with nothing between CJK characters, where the wrap dropped no space), so a phrase
broken by a wrap is still found; such a hit is highlighted on both lines.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import ModalScreen
from textual.strip import Strip
from textual.widgets import Input

from reader.keys import bindings


@dataclass(frozen=True, slots=True)
class Hit:
    """One match; `spans` are (line, start cell, end cell) pieces, one per line it covers."""

    line: int
    spans: tuple[tuple[int, int, int], ...]


def _lower(text: str) -> str:
    """Lower case that keeps every character at its offset."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def _wide(char: str) -> bool:
    return cell_len(char) == 2


def find_hits(lines: Sequence[Sequence[Segment]], query: str) -> list[Hit]:
    """Every case-insensitive occurrence of `query` in the rendered lines, in reading order."""
    needle = _lower(" ".join(query.split()))
    if not needle:
        return []
    texts = ["".join(segment.text for segment in line).strip() for line in lines]
    parts: list[str] = []
    starts: list[int] = []
    offset = 0
    previous = ""
    for text in texts:
        joint = ""
        if previous and text:
            joint = "" if _wide(previous[-1]) or _wide(text[0]) else " "
        elif not text:
            joint = "\n"
        parts.append(joint)
        offset += len(joint)
        starts.append(offset)
        parts.append(text)
        offset += len(text)
        previous = text
    haystack = _lower("".join(parts))
    lead = [len(line_text) - len(line_text.lstrip()) for line_text in _raw(lines)]
    hits: list[Hit] = []
    position = haystack.find(needle)
    while position != -1:
        end = position + len(needle)
        spans = _spans(position, end, starts, texts, lines, lead)
        if spans:
            hits.append(Hit(spans[0][0], tuple(spans)))
        position = haystack.find(needle, end)
    return hits


def _raw(lines: Sequence[Sequence[Segment]]) -> list[str]:
    return ["".join(segment.text for segment in line) for line in lines]


def _spans(
    start: int,
    end: int,
    starts: list[int],
    texts: list[str],
    lines: Sequence[Sequence[Segment]],
    lead: list[int],
) -> list[tuple[int, int, int]]:
    spans: list[tuple[int, int, int]] = []
    index = bisect.bisect_right(starts, start) - 1
    while index < len(texts) and starts[index] < end:
        text = texts[index]
        first = max(start - starts[index], 0)
        last = min(end - starts[index], len(text))
        if last > first:
            indent = cell_len(" " * lead[index])
            raw_prefix = "".join(s.text for s in lines[index])[lead[index] :]
            cell_start = indent + cell_len(raw_prefix[:first])
            cell_end = indent + cell_len(raw_prefix[:last])
            spans.append((index, cell_start, cell_end))
        index += 1
    return spans


def highlight(strip: Strip, ranges: Sequence[tuple[int, int, Style]]) -> Strip:
    """Paint `style` over cells [start, end) of the strip for each range (over its own style)."""
    if not ranges:
        return strip
    cuts = sorted({cut for start, end, _ in ranges for cut in (start, end)})
    pieces = strip.divide([*cuts, strip.cell_length])
    segments: list[Segment] = []
    bounds = [0, *cuts]
    for piece, left in zip(pieces, bounds, strict=False):
        style = next((s for a, b, s in ranges if a <= left < b), None)
        if style is not None:
            segments.extend(Segment.apply_style(piece, post_style=style))
        else:
            segments.extend(piece)
    return Strip(segments, strip.cell_length)


class FindBar(ModalScreen[bool]):
    """A one-line find box at the bottom: finds as you type; Enter keeps the hits, Esc ends."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("find")

    def __init__(self, on_change: Callable[[str], int], query: str = "") -> None:
        super().__init__(classes="find-bar")
        self._on_change = on_change
        self._query = query

    def compose(self) -> ComposeResult:
        yield Input(self._query, placeholder="Find in the article", id="find-input")

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        count = self._on_change(event.value)
        query = event.value.strip()
        event.input.border_subtitle = (
            f"{count} found" if query and count else "not found" if query else ""
        )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(bool(event.value.strip()))

    def action_cancel(self) -> None:
        self.dismiss(False)
