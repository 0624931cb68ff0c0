"""The plain text a reader sees in the reading pane for a converted Markdown body.

The pane parses the Markdown with reader.core.markdown_syntax.READING_PARSER, block by block
(reader.widgets.article_render.split_blocks), and joins CJK lines across soft breaks. This
module does the same and keeps the text: prose (inline code kept as its text), the inline code
spans on their own, and code blocks apart.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token

from reader.core.markdown_syntax import joins_without_space, reading_parser

ESCAPED = "\ue000"
"""Stands in, in `Rendered.prose_escapes`, for a backslash-escaped character (`\\*`), so a
literal the Markdown asked for can be told from markup left over."""

_BLOCK_ENDS = frozenset(
    {
        "paragraph_close",
        "heading_close",
        "list_item_close",
        "blockquote_close",
        "tr_close",
        "hr",
        "table_close",
    }
)
_CELL_ENDS = frozenset({"th_close", "td_close"})


@dataclass(slots=True)
class Rendered:
    full: str = ""
    """Everything the reader sees, code included, in order, blocks on their own lines."""
    prose: str = ""
    """`full` without code: code blocks left out, inline code spans as one space each."""
    prose_escapes: str = ""
    """`prose` with each backslash-escaped character as ESCAPED (same length, same places)."""
    code_spans: list[str] = field(default_factory=list)
    code_blocks: list[str] = field(default_factory=list)
    link_texts: list[str] = field(default_factory=list)
    headings: int = 0
    images: list[str] = field(default_factory=list)
    """The alt text of each Markdown image the pane draws itself (not a converted placeholder)."""
    skipped_blocks: list[str] = field(default_factory=list)
    """Reasons for blocks the pane shows as their source text (too large to lay out)."""


class _Text:
    """The three texts of `Rendered`, written in step."""

    def __init__(self) -> None:
        self.full: list[str] = []
        self.prose: list[str] = []
        self.escapes: list[str] = []

    def add(self, text: str, *, code: bool = False, escaped: bool = False) -> None:
        self.full.append(text)
        shown = " " if code else text
        self.prose.append(shown)
        self.escapes.append(ESCAPED * len(shown) if escaped else shown)

    def add_code_block(self, text: str) -> None:
        self.full.append(text)
        self.prose.append("\n")
        self.escapes.append("\n")


def rendered_text(markdown: str) -> Rendered:
    """The text the reading pane shows for `markdown`."""
    from reader.widgets.article_blocks import split_blocks
    from reader.widgets.article_render import too_costly

    rendered = Rendered()
    text = _Text()
    for block in split_blocks(markdown):
        reason = too_costly(block.source)
        if reason is not None:
            rendered.skipped_blocks.append(reason)
            continue
        for token in _parser_without_text_join().parse(block.source):
            if token.type in ("fence", "code_block"):
                rendered.code_blocks.append(token.content)
                text.add_code_block(token.content + "\n")
            elif token.type == "inline":
                _inline(token.children or [], rendered, text)
            elif token.type == "heading_open":
                rendered.headings += 1
            elif token.type in _BLOCK_ENDS:
                text.add("\n")
            elif token.type in _CELL_ENDS:
                text.add(" | ")
        text.add("\n")
    rendered.full = "".join(text.full)
    rendered.prose = "".join(text.prose)
    rendered.prose_escapes = "".join(text.escapes)
    return rendered


@functools.cache
def _parser_without_text_join() -> MarkdownIt:
    """The pane's parser with escaped characters left as their own tokens (text_join off), so
    they can be told apart; the text is the same."""
    return reading_parser().disable("text_join")


def _inline(children: list[Token], rendered: Rendered, text: _Text) -> None:
    link_starts: list[int] = []
    for index, child in enumerate(children):
        kind = child.type
        if kind == "link_open":
            link_starts.append(len(text.full))
        elif kind == "link_close" and link_starts:
            rendered.link_texts.append("".join(text.full[link_starts.pop() :]))
        elif kind == "text":
            text.add(child.content)
        elif kind == "text_special":
            text.add(child.content, escaped=child.info == "escape")
        elif kind == "code_inline":
            rendered.code_spans.append(child.content)
            text.add(child.content, code=True)
        elif kind == "softbreak":
            before = children[index - 1].content if index > 0 else ""
            after = children[index + 1].content if index + 1 < len(children) else ""
            text.add("" if joins_without_space(before, after) else " ")
        elif kind == "hardbreak":
            text.add("\n")
        elif kind == "image":
            # the pane shows `[image: alt]` where the image stands
            rendered.images.append(child.content)
            text.add(f"[image: {child.content}]" if child.content else "[image]")
