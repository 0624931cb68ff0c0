"""The headings of a converted article, with GitHub-style anchors: `outline(markdown)`.

ATX headings (`## Title`, optional closing `#`s) and setext headings (a paragraph underlined
with `===` or `---`) are found line by line; anything inside fenced code is ignored. Heading
text is reduced to plain text (emphasis, code spans, links, images and HTML tags give their
text) and sanitized. Anchors follow GitHub: lower case, punctuation and symbols removed, each
space a `-`, letters of every script kept (CJK too), duplicates suffixed `-1`, `-2`, ...
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

from reader.core.sanitize import sanitize_line


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    """1 to 6."""
    text: str
    """Plain, sanitized, one line."""
    anchor: str
    """GitHub-style slug, unique within the article."""
    line: int
    """0-based index of the heading's (first) line in the markdown."""


_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]|$)")
_ATX_CLOSE = re.compile(r"(?:^|[ \t])#+$")
MAX_HEADING_CHARS = 300
"""Longer heading texts are cut (with an ellipsis) for the outline."""
_FENCE = re.compile(r"^[ \t>]*(`{3,}|~{3,})(.*)$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
# A line that cannot be (the start of) a setext heading's paragraph.
_NOT_PARAGRAPH = re.compile(r"^(?: {4}|\t| {0,3}(?:[>#|<]|[-+*][ \t]|\d{1,9}[.)][ \t]|[-*_]{3}))")


def outline(markdown: str) -> list[Heading]:
    """The article's headings in order. Never raises."""
    headings: list[Heading] = []
    used = _Anchors()
    lines = markdown.split("\n")
    fence: str | None = None
    paragraph_start: int | None = None  # first line of the current plain paragraph
    for index, line in enumerate(lines):
        if fence is not None:
            stripped = line.lstrip(" \t>")
            if stripped.startswith(fence) and not stripped.lstrip(fence[0]).strip():
                fence = None
            continue
        fence_match = _FENCE.match(line)
        if fence_match is not None and not (
            fence_match.group(1)[0] == "`" and "`" in fence_match.group(2)
        ):
            fence = fence_match.group(1)
            paragraph_start = None
            continue
        atx = _ATX.match(line)
        if atx is not None:
            content = line[atx.end() :].strip()
            if len(content) <= MAX_HEADING_CHARS:
                content = _ATX_CLOSE.sub("", content)
            _add(headings, used, len(atx.group(1)), content, index)
            paragraph_start = None
            continue
        if not line.strip():
            paragraph_start = None
            continue
        setext = _SETEXT.match(line)
        if setext is not None and paragraph_start is not None:
            text = " ".join(lines[paragraph_start:index])
            level = 1 if setext.group(1)[0] == "=" else 2
            _add(headings, used, level, text, paragraph_start)
            paragraph_start = None
            continue
        if paragraph_start is None:
            paragraph_start = None if _NOT_PARAGRAPH.match(line) else index
    return headings


def _add(headings: list[Heading], used: _Anchors, level: int, raw: str, line: int) -> None:
    text = plain_text(raw[: MAX_HEADING_CHARS * 2])
    if len(text) > MAX_HEADING_CHARS:
        text = text[: MAX_HEADING_CHARS - 1].rstrip() + "…"
    if not text:
        return
    anchor = used.unique(slug(text))
    headings.append(Heading(level, text, anchor, line))


class _Anchors:
    """GitHub's rule: a taken slug gets the first free `-1`, `-2`, ... suffix."""

    def __init__(self) -> None:
        self.taken: set[str] = set()
        self.next_suffix: dict[str, int] = {}  # keeps many duplicates linear

    def unique(self, base: str) -> str:
        anchor = base
        if base in self.taken:
            number = self.next_suffix.get(base, 1)
            anchor = f"{base}-{number}"
            while anchor in self.taken:
                number += 1
                anchor = f"{base}-{number}"
            self.next_suffix[base] = number + 1
        self.taken.add(anchor)
        return anchor


_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[((?:[^\[\]]|\[[^\]]*\])*)\](?:\([^)]*\)|\[[^\]]*\])")
_AUTOLINK = re.compile(r"<((?:[A-Za-z][A-Za-z0-9+.-]{1,31}:|[\w.+-]+@)[^\s<>]*)>")
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_CODE = re.compile(r"(`+)(.+?)\1")
_EMPHASIS = re.compile(
    r"(\*\*|__|~~)(?=\S)(.+?)(?<=\S)\1|(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?!\*)"
    r"|(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])"
)
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def plain_text(markdown_inline: str) -> str:
    """Inline Markdown reduced to the text a reader sees, sanitized, on one line."""
    text = markdown_inline
    codes: list[str] = []

    def keep_code(match: re.Match[str]) -> str:
        codes.append(match.group(2).strip())
        return f"\x00{len(codes) - 1}\x00"

    text = _CODE.sub(keep_code, text)
    text = _IMAGE.sub(r"\1", text)
    for _ in range(3):  # links may hold images or other links' brackets
        text, count = _LINK.subn(r"\1", text)
        if not count:
            break
    text = _AUTOLINK.sub(r"\1", text)
    text = _TAG.sub("", text)
    for _ in range(3):  # nested emphasis
        text, count = _EMPHASIS.subn(lambda m: next(g for g in m.groups()[1:] if g), text)
        if not count:
            break
    text = _ESCAPE.sub(r"\1", text)
    text = html.unescape(text)
    text = re.sub("\x00(\\d+)\x00", lambda m: codes[int(m.group(1))], text)
    return sanitize_line(text)


def slug(text: str) -> str:
    """GitHub-style anchor of a heading's plain text (not made unique)."""
    out: list[str] = []
    for char in text.strip().lower():
        if char in "-_":
            out.append(char)
        elif char.isspace():
            out.append("-")
        elif unicodedata.category(char)[0] in "LNM":
            out.append(char)
        # punctuation, symbols (emoji included), controls and format characters go
    return "".join(out)
