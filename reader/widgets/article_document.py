"""A post's rendered lines and the mapping between them and its Markdown lines.

Plain data, no Textual: positions are saved as Markdown lines (they survive a change of width),
the view scrolls in rendered lines; `Document` turns one into the other.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from rich.segment import Segment

if TYPE_CHECKING:
    from reader.core.library import Article
    from reader.widgets.article_blocks import Block, RenderedLink

Line = list[Segment]
"""A rendered line of the article: its segments, exactly the column's width."""

BLOCK_GAP = 1
"""Blank lines between rendered blocks (Rich's own gap between Markdown blocks)."""


@dataclass(slots=True)
class Chunk:
    """Rendered lines handed from the worker to the view (already in view order)."""

    lines: list[Line]
    blocks: list[tuple[Block, int, int]]
    """(block, first line, height) for each block in `lines`, lines counted from the top."""
    links: list[RenderedLink]
    consumed: int = 0
    """Markdown blocks rendered up to the end of this chunk, those that render to nothing
    included: where a rendering stopped goes on from."""


@dataclass(slots=True)
class Document:
    path: str
    article: Article
    width: int
    lines: list[Line] = field(default_factory=list)
    """Every rendered line, exactly `width` cells (a Strip is made only for a line on screen:
    each Strip carries seven caches, ~1 KB, and a long post has 100,000 lines)."""
    block_starts: list[int] = field(default_factory=list)
    """First line of each rendered block (ascending)."""
    blocks: list[Block] = field(default_factory=list)
    block_lines: list[int] = field(default_factory=list)
    """Markdown line of each rendered block (ascending)."""
    heights: list[int] = field(default_factory=list)
    links: list[RenderedLink] = field(default_factory=list)
    total_blocks: int = 0
    consumed: int = 0
    """Markdown blocks rendered so far (Chunk.consumed of the last chunk added)."""
    complete: bool = False
    look: tuple[int, int, int] = (0, 0, 0)
    """What it was rendered with besides the text (RenderRequest.look)."""

    def add(self, chunk: Chunk, done: bool) -> None:
        """Append the next rendered chunk (`done` with the last)."""
        self.lines.extend(chunk.lines)
        for block, start, height in chunk.blocks:
            self.blocks.append(block)
            self.block_lines.append(block.line)
            self.block_starts.append(start)
            self.heights.append(height)
        self.links.extend(chunk.links)
        self.consumed = chunk.consumed
        self.complete = done

    def copy(self) -> Document:
        """Another document with the same lines so far, to go on rendering without this one
        changing (its lines are shared: a rendered line is never changed)."""
        return replace(
            self,
            lines=list(self.lines),
            block_starts=list(self.block_starts),
            blocks=list(self.blocks),
            block_lines=list(self.block_lines),
            heights=list(self.heights),
            links=list(self.links),
        )

    def as_chunk(self) -> Chunk:
        """Every line so far, as one chunk to add to an empty document."""
        blocks = list(zip(self.blocks, self.block_starts, self.heights, strict=True))
        return Chunk(list(self.lines), blocks, list(self.links), self.consumed)

    def line_for_source(self, source_line: int) -> int | None:
        """The rendered line showing Markdown line `source_line`, None if not rendered yet."""
        if not self.blocks or source_line <= 0:
            return 0
        index = bisect.bisect_right(self.block_lines, source_line) - 1
        if index < 0:
            return 0
        block = self.blocks[index]
        last = index == len(self.blocks) - 1
        if source_line >= block.line + block.lines and not self.complete and last:
            return None
        offset = min(source_line - block.line, block.lines - 1)
        return self.block_starts[index] + (offset * self.heights[index]) // max(block.lines, 1)

    def source_for_line(self, y: int) -> int:
        """The last Markdown line that `line_for_source` places at or above rendered line `y`,
        so that saving the position and restoring it lands on the same line, every time."""
        index = bisect.bisect_right(self.block_starts, y) - 1
        if index < 0:
            return 0
        block = self.blocks[index]
        offset = y - self.block_starts[index]
        if offset >= self.heights[index]:
            return block.line + block.lines - 1
        # the largest o with (o * height) // lines <= offset: the inverse of line_for_source
        last = ((offset + 1) * block.lines - 1) // max(self.heights[index], 1)
        return block.line + min(last, block.lines - 1)

    def section_at(self, y: int) -> tuple[str, str] | None:
        """(heading text, anchor) of the last heading at or above rendered line `y`."""
        current: tuple[str, str] | None = None
        for heading in self.article.headings:
            line = self.line_for_source(heading.line)
            if line is None or line > y:
                break
            current = (heading.text, heading.anchor)
        return current
