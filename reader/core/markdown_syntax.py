"""The Markdown dialect of the reading pane: one markdown-it configuration shared by the pane
(reader.widgets) and the tools that check what it shows (reader.devtools.fidelity).

markdown-it is not Textual, so it belongs to the core; the widgets only draw its tokens.
"""

from __future__ import annotations

import unicodedata

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

from reader.core.emphasis import ZERO_WIDTH_SPACE


def reading_parser() -> MarkdownIt:
    """A new parser of the reading pane's dialect: CommonMark, strikethrough and tables."""
    parser = MarkdownIt().enable("strikethrough").enable("table")
    # markdown-it silently turns javascript:/file:/data: links into plain text; we keep every
    # link so the link list can show its real target and refuse it with a reason
    # (reader.linkopen decides).
    parser.validateLink = lambda url: True  # type: ignore[method-assign]
    parser.core.ruler.push("drop_zero_width_spaces", _drop_zero_width_spaces)
    return parser


def _drop_zero_width_spaces(state: StateCore) -> None:
    """Zero-width spaces make emphasis parse next to CJK text (reader.core.emphasis); once
    parsed they have done their work, and no terminal has to be trusted to draw them as
    nothing."""
    for token in state.tokens:
        for child in token.children or ():
            if child.type == "text" and ZERO_WIDTH_SPACE in child.content:
                child.content = child.content.replace(ZERO_WIDTH_SPACE, "")


READING_PARSER = reading_parser()
"""The parser the reading pane uses."""


def is_wide(char: str) -> bool:
    """CJK ideographs, kana, hangul and fullwidth forms (East Asian Wide or Fullwidth): text
    written without spaces between words, so a line break between two of them is no space."""
    return unicodedata.east_asian_width(char) in ("W", "F")


def joins_without_space(before: str, after: str) -> bool:
    """Whether a soft line break between these two texts reads as nothing (CJK on both sides),
    as the reading pane joins them, rather than as a space."""
    return bool(before) and bool(after) and is_wide(before[-1]) and is_wide(after[0])
