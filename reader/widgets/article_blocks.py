"""An article's Markdown cut into blocks that render on their own, and its numbered links.

Rich's Markdown renderable is fast, but a long post rendered in one piece makes the reader wait
for the last line before the first shows. So the Markdown is cut into blocks at safe places
(heading lines, blank lines outside fences, HTML blocks and indented code) and each block is
rendered on its own. A block boundary is also what positions are measured against, so a saved
position is a Markdown line and survives a change of width.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*\S")
_HTML_RAW_OPEN = re.compile(
    r"^ {0,3}<(pre|script|style|textarea)[\s>]|^ {0,3}<(pre|script|style|textarea)$", re.I
)
_LIST_OR_QUOTE = re.compile(r"^ {0,3}(?:[-+*]|\d{1,9}[.)])(?:\s|$)")


@dataclass(frozen=True, slots=True)
class Block:
    """A piece of the article's Markdown that can be rendered on its own."""

    source: str
    line: int
    """Index of the block's first line in the article's Markdown."""
    lines: int
    """How many Markdown lines the block spans."""


@dataclass(frozen=True, slots=True)
class RenderedLink:
    number: int
    text: str
    """The link's text, sanitized, one line."""
    href: str


def split_blocks(
    markdown: str, heading_lines: Iterable[int] = (), *, size: int = 24
) -> list[Block]:
    """Cut Markdown into renderable blocks of about `size` lines, each heading starting one.

    Cuts happen only at a blank line outside fenced code, raw HTML blocks and comments, when
    the next line starts flush left (so indented code and list continuations stay whole).
    Link reference definitions are copied into every block that needs them.
    """
    lines = markdown.split("\n")
    starts = set(heading_lines)
    references: list[str] = []
    blocks: list[Block] = []
    fence: str | None = None
    raw_end: str | None = None
    start = 0

    def cut(end: int) -> None:
        nonlocal start
        if end > start:
            blocks.append(Block("\n".join(lines[start:end]), start, end - start))
        start = end

    for index, line in enumerate(lines):
        if fence is not None:
            stripped = line.strip()
            if stripped.startswith(fence) and set(stripped) == {fence[0]}:
                fence = None
            continue
        if raw_end is not None:
            if raw_end in line.lower():
                raw_end = None
            continue
        if index in starts or (
            index - start >= size
            and index > 0
            and not lines[index - 1].strip()
            and line[:1] not in ("", " ", "\t")
        ):
            cut(index)
        match = _FENCE.match(line)
        if match:
            fence = match.group(1)
            continue
        stripped = line.lstrip()
        if stripped.startswith("<!--") and "-->" not in stripped[4:]:
            raw_end = "-->"
            continue
        raw = _HTML_RAW_OPEN.match(line)
        if raw:
            tag = (raw.group(1) or raw.group(2)).lower()
            if f"</{tag}>" not in line.lower():
                raw_end = f"</{tag}>"
            continue
        if _REFERENCE.match(line):
            references.append(line)
    cut(len(lines))
    if references and len(blocks) > 1:
        tail = "\n\n" + "\n".join(references)
        blocks = [Block(b.source + tail, b.line, b.lines) for b in blocks]
    return blocks
