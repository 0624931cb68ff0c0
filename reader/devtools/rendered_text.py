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
"""Stands in, in `Rendered.prose`, for a character the author escaped (`\\*`): what the author
wrote on purpose as a literal is never reported as markup drawn as text."""

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
    prose: str = ""
    """Everything but code blocks, blocks separated by newlines; author escapes as ESCAPED."""
    full: str = ""
    """Everything the reader sees, code blocks included, in order (for "is the text there")."""
    code_spans: list[str] = field(default_factory=list)
    code_blocks: list[str] = field(default_factory=list)
    link_texts: list[str] = field(default_factory=list)
    headings: int = 0
    images: list[str] = field(default_factory=list)
    """The alt text of each Markdown image the pane draws itself (not a converted placeholder)."""
    skipped_blocks: list[str] = field(default_factory=list)
    """Reasons for blocks the pane shows as their source text (too large to lay out)."""


def rendered_text(markdown: str) -> Rendered:
    """The text the reading pane shows for `markdown`."""
    from reader.widgets.article_render import split_blocks, too_costly

    rendered = Rendered()
    prose: list[str] = []
    full: list[str] = []
    for block in split_blocks(markdown):
        reason = too_costly(block.source)
        if reason is not None:
            rendered.skipped_blocks.append(reason)
            continue
        tokens = _parser_without_text_join().parse(block.source)
        for token in tokens:
            if token.type in ("fence", "code_block"):
                rendered.code_blocks.append(token.content)
                full.append(token.content + "\n")
                prose.append("\n")
            elif token.type == "inline":
                text_prose, text_full = _inline(token.children or [], rendered)
                prose.append(text_prose)
                full.append(text_full)
            elif token.type == "heading_open":
                rendered.headings += 1
            elif token.type in _BLOCK_ENDS:
                prose.append("\n")
                full.append("\n")
            elif token.type in _CELL_ENDS:
                prose.append(" | ")
                full.append(" | ")
        prose.append("\n")
        full.append("\n")
    rendered.prose = "".join(prose)
    rendered.full = "".join(full)
    return rendered


@functools.cache
def _parser_without_text_join() -> MarkdownIt:
    """The pane's parser with escaped characters left as their own tokens (text_join off), so
    an author's `\\*\\*` can be told from `**` the converter left; the text is the same."""
    return reading_parser().disable("text_join")


def _inline(children: list[Token], rendered: Rendered) -> tuple[str, str]:
    prose: list[str] = []
    full: list[str] = []
    link_starts: list[int] = []
    for index, child in enumerate(children):
        kind = child.type
        if kind == "link_open":
            link_starts.append(len(full))
        elif kind == "link_close" and link_starts:
            rendered.link_texts.append("".join(full[link_starts.pop() :]))
        if kind == "text":
            prose.append(child.content)
            full.append(child.content)
        elif kind == "text_special":
            escaped = child.info == "escape"
            prose.append(ESCAPED * len(child.content) if escaped else child.content)
            full.append(child.content)
        elif kind == "code_inline":
            rendered.code_spans.append(child.content)
            prose.append(child.content)
            full.append(child.content)
        elif kind == "softbreak":
            before = children[index - 1].content if index > 0 else ""
            after = children[index + 1].content if index + 1 < len(children) else ""
            joiner = "" if joins_without_space(before, after) else " "
            prose.append(joiner)
            full.append(joiner)
        elif kind == "hardbreak":
            prose.append("\n")
            full.append("\n")
        elif kind == "image":
            # the pane shows `[image: alt]` where the image stands
            alt = child.content
            rendered.images.append(alt)
            label = f"[image: {alt}]" if alt else "[image]"
            prose.append(label)
            full.append(label)
    return "".join(prose), "".join(full)
