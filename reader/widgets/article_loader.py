"""Rendering a post for the article view: what to render with, and the chunks it yields.

Renders on the UI thread for the first screen of a small post, in a thread worker otherwise;
only `render_request` (on the UI thread) reads the widget.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.style import Style
from rich.syntax import SyntaxTheme
from rich.text import Text

from reader.core.model import category_label
from reader.core.sanitize import REPLACEMENT, sanitize_line
from reader.widgets.article_document import BLOCK_GAP, Chunk, Document, Line
from reader.widgets.code_theme import code_theme
from reader.widgets.component_style import solid_style

if TYPE_CHECKING:
    from textual.widget import Widget

    from reader.core.library import Article, Library
    from reader.widgets.article_blocks import Block, RenderedLink

FIRST_SCREEN_HERE_CHARS = 32_000
"""A post file up to this size is converted and its first screen rendered on the UI thread (a
few ms for typical posts); a bigger one loads in a worker from the start, unless cached."""
CACHED_HERE_CHARS = 160_000
"""A post whose conversion is cached, file and Markdown up to this size, is read and cut into
blocks on the UI thread (~5 ms at this size; 23 ms for 1 MB): posts rendered ahead are."""
CHUNK_SECONDS = 0.25
"""After the first screen, a chunk is what renders in this long. Each one the view takes moves
its scrollbar (a relayout and a repaint on the UI thread): a few, well apart, not a stream; one
that came 25 ms after the first paint made a post's opening one long burst of output."""
REST_IN_FRAME_SECONDS = 0.008
"""After the first screen of a post opened on the UI thread, its rendering goes on there for up
to this long, in the same frame: a typical post is then whole when first painted. Left to the
worker, its rest arrived a frame later and moved the scrollbar: a second burst of output some
25 ms after the key."""

STYLE_CLASSES = {
    "markdown.h1": "article--h1",
    "markdown.h2": "article--h2",
    "markdown.h3": "article--h3",
    "markdown.h4": "article--h3",
    "markdown.h5": "article--h3",
    "markdown.h6": "article--h3",
    "markdown.link": "article--link",
    "markdown.link_url": "article--link",
    "markdown.kbd": "article--link-number",
    "markdown.code": "article--code-inline",
    "markdown.code_block": "article--code-block",
    "markdown.block_quote": "article--quote",
    "markdown.hr": "article--rule",
    "markdown.table.border": "article--rule",
    "markdown.table.header": "article--table-header",
    "markdown.list": "article--bullet",
    "markdown.h7": "article--h3",
    "markdown.item.bullet": "article--bullet",
    "markdown.item.number": "article--bullet",
    "reader.title": "article--title",
    "reader.meta": "article--meta",
    "reader.source": "article--source",
    "reader.notice": "article--notice",
}
"""The article view's component class behind each Rich style name the renderer uses."""


@dataclass(frozen=True, slots=True)
class RenderRequest:
    """One rendering of one post: `generation` tells a stale one from the current one."""

    path: str
    generation: int
    width: int
    styles: dict[str, Style]
    code_theme: SyntaxTheme
    first_screen: int
    """Lines that fill the first screen: the first chunk is sent once it has them."""

    @property
    def look(self) -> tuple[int, int, int]:
        """What the rendering depends on besides the text: width, text styles and code colours
        (both kept per theme and background by `Colours`: one identity, one set of colours)."""
        return (self.width, id(self.styles), id(self.code_theme))


def article_here(library: Library, path: str, convert_bytes: int) -> Article | None:
    """`path`'s article, when its first screen may render on the calling thread: its file
    converted now up to `convert_bytes`, or cached up to CACHED_HERE_CHARS; else None (load it
    in a worker). Raises LibraryError."""
    article = library.quick_article(path, convert_bytes, cached_max_bytes=CACHED_HERE_CHARS)
    if article is None or len(article.markdown) > CACHED_HERE_CHARS:
        return None
    return article


def column_width(widget: Widget, measure: int) -> int:
    """The article column in `widget`: `measure` cells at most, less in a narrow view."""
    available = widget.scrollable_content_region.width
    if not available:
        # Hidden until the layout shows it (a narrow terminal shows it full width): guess
        # that width now rather than render twice.
        styles = widget.styles
        gutter = styles.gutter.width + int(styles.scrollbar_size_vertical)
        available = (widget.app.size.width or 80) - gutter
    return max(10, min(int(measure), available - 2))


@dataclass
class Colours:
    """The colours a rendering is made with, kept per app theme (and, for the text styles,
    per background: focus tints it), so opening a post does not work them all out again."""

    code_themes: dict[str, SyntaxTheme] = field(default_factory=dict)
    text_styles: dict[tuple[str, object], dict[str, Style]] = field(default_factory=dict)


def render_request(
    widget: Widget, path: str, generation: int, width: int, colours: Colours
) -> RenderRequest:
    """Render `path` in `widget`'s colours as they are now."""
    theme = widget.app.theme
    code_themes = colours.code_themes
    if theme not in code_themes:
        code_themes[theme] = code_theme(lambda name: solid_style(widget, name))
    key = (theme, widget.background_colors)
    styles = colours.text_styles.get(key)
    if styles is None:
        styles = {style: solid_style(widget, name) for style, name in STYLE_CLASSES.items()}
        colours.text_styles[key] = styles
    first_screen = max(widget.size.height, 24) + 10
    return RenderRequest(path, generation, width, styles, code_themes[theme], first_screen)


def render_chunks(
    doc: Document,
    request: RenderRequest,
    wanted: Callable[[], bool],
    rest_in_frame: float | None = None,
    chunk_seconds: float | None = None,
) -> Iterator[tuple[Chunk, bool]]:
    """Render `doc` in chunks of lines (with `done` on the last): the first as soon as it
    fills a screen, then what renders in `chunk_seconds` (CHUNK_SECONDS) each. With
    `rest_in_frame`, the second is what renders in that many seconds (painted with the first).
    Stops once `wanted()` is False. A document rendered in part already (a head rendered
    ahead) goes on where it stopped."""
    # Imported here: Rich's Markdown, markdown-it and Pygments cost start-up otherwise.
    from reader.widgets.article_blocks import split_blocks
    from reader.widgets.article_render import make_console, render_block, render_text

    article, width, styles = doc.article, doc.width, request.styles
    console = make_console(width, styles)
    blank: Line = [Segment(" " * width)]
    blocks = split_blocks(article.markdown, (h.line for h in article.headings))
    doc.total_blocks = len(blocks)
    links: list[RenderedLink] = list(doc.links)  # numbered on from the last one shown
    sent_links = len(links)
    lines: list[Line] = []
    top = len(doc.lines)
    sent_first = bool(top)
    if not sent_first:
        lines = [*render_text(article_header(article, styles), console, width), blank]
    placed: list[tuple[Block, int, int]] = []
    chunk_seconds = CHUNK_SECONDS if chunk_seconds is None else chunk_seconds
    in_frame = chunk_seconds if rest_in_frame is None else rest_in_frame
    chunk_until = time.perf_counter() + chunk_seconds  # resumed: no first screen to send
    for index in range(doc.consumed, len(blocks)):
        if not wanted():
            return
        block = blocks[index]
        rendered = render_block(block, console, width, code_theme=request.code_theme, links=links)
        if not rendered:
            continue
        y = top + len(lines)
        placed.append((block, y, len(rendered)))
        lines.extend(rendered)
        lines.extend(blank for _ in range(BLOCK_GAP))
        if sent_first:
            ends = time.perf_counter() > chunk_until
        else:
            ends = len(lines) + top >= request.first_screen
        if ends:
            yield Chunk(lines, placed, links[sent_links:], index + 1), False
            chunk_until = time.perf_counter() + (chunk_seconds if sent_first else in_frame)
            top += len(lines)
            lines, placed, sent_links = [], [], len(links)
            sent_first = True
    yield Chunk(lines, placed, links[sent_links:], len(blocks)), True


def guarded(chunks: Iterator[tuple[Chunk, bool]]) -> Iterator[tuple[Chunk, bool, str | None]]:
    """`chunks` with no error (None), or up to an error, then an empty last chunk with the reason:
    Rich's rendering of a hostile post can fail in any way, and what was rendered stays."""
    try:
        for chunk, done in chunks:
            yield chunk, done, None
    except Exception as error:
        yield Chunk([], [], []), True, f"Cannot show all of this post: {error}"


def article_header(article: Article, styles: dict[str, Style]) -> Text:
    """Title, date and author, category paths, source URL, notices: sanitized, no markup."""
    from reader.widgets.line_breaking import WrapText

    row = article.row
    text = WrapText(justify="left", overflow="fold")
    text.append(
        sanitize_line(row.title) or sanitize_line(row.path, REPLACEMENT), styles["reader.title"]
    )
    meta = []
    if row.date is not None:
        meta.append(row.date.strftime("%Y-%m-%d %H:%M").removesuffix(" 00:00"))
    if row.author:
        meta.append(sanitize_line(row.author))
    if meta:
        text.append("\n" + " · ".join(meta), styles["reader.meta"])
    if row.categories:
        paths = (category_label(path, sanitize_line) for path in row.categories)
        text.append("\n" + "  ·  ".join(paths), styles["reader.meta"])
    if row.url:
        text.append("\n" + sanitize_line(row.url), styles["reader.source"])
    for notice in (article.notice, row.error):
        if notice:
            text.append("\n⚠ " + sanitize_line(notice), styles["reader.notice"])
    return text
