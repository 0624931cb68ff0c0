"""Render an article's Markdown into lines of Rich segments, a block at a time.

Rich's Markdown renderable is fast, but a long post rendered in one piece makes the reader wait
for the last line before the first shows. So the Markdown is cut into blocks at safe places
(heading lines, blank lines outside fences, HTML blocks and indented code) and each block is
rendered on its own: the first screen is ready after a few blocks, the rest follows in a worker.
A block boundary is also what positions are measured against, so a saved position is a
Markdown line and survives a change of width.

Links are numbered in the text (`text[3]`) for the link list, and their targets never reach
the terminal: each link's style carries only `{"reader_link": n}` metadata, never an OSC 8 URL.
Nothing here parses Rich markup: text from posts becomes `Text` through Rich's Markdown.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import ClassVar

from markdown_it import MarkdownIt
from markdown_it.token import Token
from rich.console import Console, ConsoleOptions, RenderResult
from rich.markdown import Heading as RichHeading
from rich.markdown import Markdown, MarkdownElement
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from rich.theme import Theme

from reader.core.sanitize import sanitize_line

LINK_SCHEME = "reader-link:"
"""Placeholder href written into link tokens: the real target stays in `RenderedLink`."""

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


class _Heading(RichHeading):
    """Headings flush left (Rich centres level 1) so the column reads as one."""

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        text = self.text.copy()
        text.justify = "left"
        yield text


class _ArticleMarkdown(Markdown):
    elements: ClassVar[dict[str, type[MarkdownElement]]] = {
        **Markdown.elements,
        "heading_open": _Heading,
    }


_PARSER = MarkdownIt().enable("strikethrough").enable("table")
# markdown-it silently turns javascript:/file:/data: links into plain text; we keep every link so
# the link list can show its real target and refuse it with a reason (reader.linkopen decides).
_PARSER.validateLink = lambda url: True  # type: ignore[method-assign]


def _number_links(tokens: Sequence[Token], links: list[RenderedLink]) -> None:
    """Give each link a number, hide its target behind a placeholder, add a `[n]` marker."""
    for token in tokens:
        children = token.children
        if not children:
            continue
        out: list[Token] = []
        stack: list[tuple[int, list[str]]] = []
        for child in children:
            if child.type == "link_open":
                number = len(links) + 1
                href = str(child.attrs.get("href", ""))
                links.append(RenderedLink(number, "", href))
                stack.append((len(links) - 1, []))
                child.attrs["href"] = f"{LINK_SCHEME}{number}"
                out.append(child)
                continue
            if stack and child.type in ("text", "code_inline"):
                stack[-1][1].append(child.content)
            if stack and child.type == "image":
                stack[-1][1].append(child.content or "image")
            out.append(child)
            if child.type == "link_close" and stack:
                slot, parts = stack.pop()
                old = links[slot]
                text = sanitize_line("".join(parts)) or sanitize_line(old.href)
                links[slot] = RenderedLink(old.number, text, old.href)
                out.append(Token("html_inline", "", 0, content="<kbd>"))
                out.append(Token("text", "", 0, content=f"[{old.number}]"))
                out.append(Token("html_inline", "", 0, content="</kbd>"))
        token.children = out


def make_console(width: int, styles: dict[str, Style]) -> Console:
    """A private, off-screen console for rendering (safe to use from one worker thread)."""
    return Console(
        width=width,
        file=io.StringIO(),
        theme=Theme(styles),
        color_system="truecolor",
        force_terminal=True,
        legacy_windows=False,
        emoji=False,
        highlight=False,
        markup=False,
    )


def render_block(
    block: Block,
    console: Console,
    width: int,
    *,
    code_theme: str,
    links: list[RenderedLink],
) -> list[list[Segment]]:
    """Render one block into lines of segments exactly `width` cells wide.

    Appends the block's links to `links`; their numbers continue from the links already there.
    """
    markdown = _ArticleMarkdown("", code_theme=code_theme, hyperlinks=True)
    markdown.markup = block.source
    markdown.parsed = _PARSER.parse(block.source)
    _number_links(markdown.parsed, links)
    options = console.options.update(width=width, height=None)
    lines = console.render_lines(markdown, options, pad=True)
    out: list[list[Segment]] = [_relink(line) for line in lines]
    while out and not any(seg.text.strip() for seg in out[-1]):
        out.pop()  # Rich ends with blank lines; the view adds its own gap between blocks
    return out


def _relink(line: list[Segment]) -> list[Segment]:
    """Swap link placeholders for click metadata so no URL is ever sent to the terminal."""
    if not any(seg.style is not None and seg.style.link for seg in line):
        return line
    result: list[Segment] = []
    for seg in line:
        style = seg.style
        if style is not None and style.link:
            link = style.link
            style = style.update_link(None)
            if link.startswith(LINK_SCHEME):
                number = int(link[len(LINK_SCHEME) :])
                style = style + Style.from_meta({"reader_link": number})
            result.append(Segment(seg.text, style, seg.control))
        else:
            result.append(seg)
    return result


def render_text(text: Text, console: Console, width: int) -> list[list[Segment]]:
    """Render a header `Text` (already sanitized) into padded lines."""
    options = console.options.update(width=width, height=None)
    return console.render_lines(text, options, pad=True)


def iter_blocks_rendered(
    blocks: Sequence[Block],
    console: Console,
    width: int,
    *,
    code_theme: str,
    links: list[RenderedLink],
) -> Iterator[tuple[Block, list[list[Segment]]]]:
    for block in blocks:
        yield block, render_block(block, console, width, code_theme=code_theme, links=links)
