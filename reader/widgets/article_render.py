"""Render an article's Markdown into lines of Rich segments, a block at a time.

Each block (article_blocks) is rendered on its own with Rich's Markdown, lines broken as
line_breaking says: the first screen is ready after a few blocks, the rest follows in a worker.

Links are numbered in the text (`text[3]`) for the link list, and their targets never reach
the terminal: each link's style carries only `{"reader_link": n}` metadata, never an OSC 8 URL.
Nothing here parses Rich markup: text from posts becomes `Text` through Rich's Markdown.
"""

from __future__ import annotations

import copy
import functools
import io
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from markdown_it.token import Token
from rich.console import Console, ConsoleOptions, RenderResult
from rich.markdown import (
    CodeBlock,
    Markdown,
    MarkdownContext,
    MarkdownElement,
    Paragraph,
    TableDataElement,
)
from rich.markdown import Heading as RichHeading
from rich.segment import Segment
from rich.style import Style
from rich.syntax import Syntax, SyntaxTheme
from rich.text import Text
from rich.theme import Theme

from reader.core.markdown_syntax import READING_PARSER
from reader.core.sanitize import sanitize_line
from reader.widgets.article_blocks import Block, RenderedLink
from reader.widgets.line_breaking import WrapText, breaks_around, wrap_text

if TYPE_CHECKING:
    from rich.console import JustifyMethod

LINK_SCHEME = "reader-link:"
"""Placeholder href written into link tokens: the real target stays in `RenderedLink`."""


class _Heading(RichHeading):
    """Headings flush left (Rich centres level 1) so the column reads as one."""

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        text = wrap_text(self.text)
        text.justify = "left"
        yield text


class _Paragraph(Paragraph):
    def on_enter(self, context: MarkdownContext) -> None:
        super().on_enter(context)
        self.text = WrapText(justify="left")


class _TableData(TableDataElement):
    def __init__(self, justify: JustifyMethod) -> None:
        super().__init__(justify)
        self.content = WrapText("", justify=justify)


class _CodeBlock(CodeBlock):
    """A code block in the syntax colours of the app's theme (`_ArticleMarkdown.syntax`)."""

    @classmethod
    def create(cls, markdown: Markdown, token: Token) -> CodeBlock:
        block = super().create(markdown, token)
        assert isinstance(block, _CodeBlock)
        block.syntax = markdown.syntax if isinstance(markdown, _ArticleMarkdown) else None
        return block

    syntax: SyntaxTheme | None = None

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        code = str(self.text).rstrip()
        theme = self.syntax or self.theme
        yield Syntax(code, self.lexer_name, theme=theme, word_wrap=True, padding=1)


class _ArticleMarkdown(Markdown):
    syntax: SyntaxTheme | None = None
    elements: ClassVar[dict[str, type[MarkdownElement]]] = {
        **Markdown.elements,
        "fence": _CodeBlock,
        "code_block": _CodeBlock,
        "heading_open": _Heading,
        "paragraph_open": _Paragraph,
        "td_open": _TableData,
        "th_open": _TableData,
    }


_PARSER = READING_PARSER


@functools.cache
def _blank_markdown(code_theme: str) -> _ArticleMarkdown:
    """Copied for each block, which brings its own parse: Rich's constructor builds a
    markdown-it parser of its own each time (1-2 ms, most of it linkify's patterns), a third of
    what rendering a post's first screen cost."""
    return _ArticleMarkdown("", code_theme=code_theme, hyperlinks=True)


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
            if not stack and child.type == "image" and child.attrs.get("src"):
                # An image outside a link: shown where it stands as `[image: alt]`, the way
                # HTML images are, and its URL goes in the link list (to open or copy).
                number = len(links) + 1
                alt = sanitize_line(child.content)
                label = f"image: {alt}" if alt else "image"
                links.append(RenderedLink(number, label, str(child.attrs["src"])))
                out.append(Token("text", "", 0, content=f"[{label}]"))
                out.append(Token("html_inline", "", 0, content="<kbd>"))
                out.append(Token("text", "", 0, content=f"[{number}]"))
                out.append(Token("html_inline", "", 0, content="</kbd>"))
                continue
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


def _join_cjk_lines(tokens: Sequence[Token]) -> None:
    """A line break inside a paragraph between two CJK characters joins them with no space:
    CJK text has no spaces between words, so the break was only where the author wrapped."""
    for token in tokens:
        children = token.children
        if not children:
            continue
        for index in range(1, len(children) - 1):
            child = children[index]
            before, after = children[index - 1], children[index + 1]
            if (
                child.type == "softbreak"
                and before.type == "text"
                and after.type == "text"
                and before.content[-1:]
                and after.content[:1]
                and breaks_around(before.content[-1])
                and breaks_around(after.content[0])
            ):
                children[index] = Token("text", "", 0, content="")


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


BIG_TABLE_ROWS = 200
BIG_TABLE_COLUMNS = 40
"""Tables larger than this are shown as their text: laying out a 3000-row table in Rich holds
the worker for tens of seconds and the UI answered keys late meanwhile."""
MAX_NESTING = 12
"""Lists or quotes nested deeper are shown as text: Rich indents each level, so past about a
dozen levels nothing is left of the column (a 32-deep quote drew no line at all), and 1,000
nested lists took 10 s to lay out."""
MAX_BLOCK_CHARS = 100_000
"""A block longer than this is shown as text. Blocks are cut at blank lines every ~24 lines,
so only a pathological one is this long (a 1 MB word took 2.7 s to fold, 300 KB of `*a ` 2.5 s):
what the layout will cost is decided from the source, never by a timer."""
_TABLE_RULE = re.compile(r"^[ \t]{0,3}\|?[ \t:\-|]*-[ \t:\-|]*$", re.MULTILINE)
_NESTED = re.compile(r"^((?:[ \t]{0,3}>)*)([ \t]*)([-+*]|\d{1,9}[.)])?(?=[ \t]|$)", re.MULTILINE)


def _big_table(source: str) -> tuple[int, int] | None:
    """(rows, columns) when `source` holds a Markdown table too large to lay out, else None."""
    scanned = 0  # rows already counted are not scanned again (a table of rule lines)
    for rule in _TABLE_RULE.finditer(source):
        if "|" not in rule.group() or rule.start() < scanned:
            continue
        columns = rule.group().strip().strip("|").count("|") + 1
        rows = 0
        scanned = rule.end() + 1
        while scanned < len(source):
            end = source.find("\n", scanned)
            end = len(source) if end < 0 else end
            if "|" not in source[scanned:end]:
                break
            rows += 1
            scanned = end + 1
        if rows > BIG_TABLE_ROWS or columns > BIG_TABLE_COLUMNS:
            return rows, columns
    return None


def _nesting(source: str) -> int:
    """How deep lists and quotes nest in `source` (a list level per two columns of indent)."""
    deepest = 0
    for match in _NESTED.finditer(source):
        quotes, indent, marker = match.groups()
        depth = quotes.count(">")
        if marker:
            depth += len(indent.expandtabs(4)) // 2 + 1
        deepest = max(deepest, depth)
    return deepest


def too_costly(source: str) -> str | None:
    """Why laying out this block would cost too much (it is then shown as text), else None."""
    size = _big_table(source)
    if size is not None:
        return f"A table of {size[0]:,} rows and {size[1]:,} columns"
    depth = _nesting(source)
    if depth > MAX_NESTING:
        return f"Lists or quotes nested {depth:,} deep"
    if len(source) > MAX_BLOCK_CHARS:
        return f"A block of {len(source):,} characters"
    return None


def _as_text(reason: str, source: str, console: Console, width: int) -> list[list[Segment]]:
    """The note (wrapped), then the source as written, one screen line per source line (cut at
    the edge: folding a megabyte-long line would cost what the layout did)."""
    note = Text(f"{reason}, shown as text:", style="italic")
    lines = console.render_lines(note, console.options.update(width=width, height=None), pad=True)
    options = console.options.update(width=width, height=None, no_wrap=True, overflow="crop")
    body = Text("\n" + "\n".join(line[: width * 4] for line in source.rstrip("\n").split("\n")))
    return [*lines, *console.render_lines(body, options, pad=True)]


def render_block(
    block: Block,
    console: Console,
    width: int,
    *,
    code_theme: SyntaxTheme | str,
    links: list[RenderedLink],
) -> list[list[Segment]]:
    """Render one block into lines of segments exactly `width` cells wide.

    Appends the block's links to `links`; their numbers continue from the links already there.
    """
    reason = too_costly(block.source)
    if reason is not None:
        return _as_text(reason, block.source, console, width)
    if isinstance(code_theme, str):  # a Rich or Pygments theme's name
        markdown = copy.copy(_blank_markdown(code_theme))
    else:
        markdown = copy.copy(_blank_markdown("monokai"))
        markdown.syntax = code_theme
    markdown.markup = block.source
    markdown.parsed = _PARSER.parse(block.source)
    _number_links(markdown.parsed, links)
    _join_cjk_lines(markdown.parsed)
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
