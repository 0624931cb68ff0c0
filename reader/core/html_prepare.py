"""HTML bodies made ready for html2text, so that its Markdown reads as the page does.

- `escape_unknown_entities`: `ABS&PVC` is text to a browser, html2text would show `ABS&PVC;`;
- `join_wide_lines`: a line break between CJK characters is no space (CSS Text);
- `layout_tables_as_blocks`: tables that lay out a page read as blocks, not as one glued row.
"""

from __future__ import annotations

import functools
import html.entities
import re

_OPEN_CLOSE_CACHE: dict[str, re.Pattern[str]] = {}


def balanced_close(text: str, name: str, pos: int) -> re.Match[str] | None:
    """The end tag closing an element of this name opened just before pos, nesting counted."""
    pattern = _OPEN_CLOSE_CACHE.get(name)
    if pattern is None:
        pattern = _OPEN_CLOSE_CACHE[name] = re.compile(rf"<(/?){name}\b[^>]*>", re.IGNORECASE)
    depth = 1
    for match in pattern.finditer(text, pos):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            return match
    return None


_TABLE_OPEN = re.compile(r"<table\b[^>]*>", re.IGNORECASE)
_TABLE_PART = re.compile(
    r"<(/?)(?:table|tbody|thead|tfoot|tr|td|th|caption)\b[^>]*>", re.IGNORECASE
)
_BLOCK_IN_CELL = re.compile(
    r"<(?:p|div|ul|ol|dl|h[1-6]|blockquote|pre|table|br|section|article|figure|hr)\b",
    re.IGNORECASE,
)
_ROW = re.compile(r"<tr\b", re.IGNORECASE)
_CELL = re.compile(r"<t[dh]\b", re.IGNORECASE)


def layout_tables_as_blocks(body: str) -> str:
    """Tables that lay out a page (blocks or line breaks in cells, nested tables, one column)
    become blocks: as a Markdown table their text would run together on one line."""
    if "<table" not in body and "<TABLE" not in body:
        return body
    out: list[str] = []
    pos = 0
    for match in _TABLE_OPEN.finditer(body):
        if match.start() < pos:
            continue  # inside a table already handled
        close = balanced_close(body, "table", match.end())
        if close is None:
            break
        fragment = body[match.start() : close.end()]
        if _is_layout(body[match.end() : close.start()]):
            fragment = _TABLE_PART.sub(lambda part: f"<{part.group(1)}div>", fragment)
        out.append(body[pos : match.start()])
        out.append(fragment)
        pos = close.end()
    out.append(body[pos:])
    return "".join(out)


def _is_layout(inner: str) -> bool:
    if _BLOCK_IN_CELL.search(inner):
        return True
    return all(len(_CELL.findall(row)) <= 1 for row in _ROW.split(inner))


# Only references without `;`: an unknown `&name;` html2text shows as written, as a browser does.
_ENTITY = re.compile(r"&([A-Za-z][A-Za-z0-9]*)(?![A-Za-z0-9;])")


def escape_unknown_entities(body: str) -> str:
    """`ABS&PVC` is text to a browser; html2text would show it as `ABS&PVC;`."""
    if "&" not in body:
        return body

    def escape(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in html.entities.html5 or _legacy_prefix(name):
            return match.group(0)
        return "&amp;" + match.group(0)[1:]

    return _ENTITY.sub(escape, body)


def _legacy_prefix(name: str) -> bool:
    # `&copy2021` reads as `©2021`: legacy entities need no semicolon and may run into text
    longest = min(len(name), _LONGEST_LEGACY)
    return any(name[:length] in _LEGACY_ENTITIES for length in range(1, longest + 1))


# a set, not a regex alternation of the names: compiling that cost more than importing html2text
_LEGACY_ENTITIES = frozenset(k for k in html.entities.html5 if not k.endswith(";"))
_LONGEST_LEGACY = max(map(len, _LEGACY_ENTITIES))
_PRE = re.compile(r"<pre\b.*?</pre\s*>", re.IGNORECASE | re.DOTALL)
# CJK ideographs and punctuation, Hangul, compatibility ideographs, full-width forms
_WIDE_RANGES = (
    ("\u2e80", "\u9fff"),
    ("\uac00", "\ud7af"),
    ("\uf900", "\ufaff"),
    ("\uff00", "\uffef"),
)


def _is_wide(char: str) -> bool:
    return any(low <= char <= high for low, high in _WIDE_RANGES)


@functools.cache
def _break_before_wide() -> re.Pattern[str]:
    """A line break before a CJK character; starts with a literal, so it is found fast.
    Compiled on first use: a class of 40,000 characters costs as much to compile as the rest
    of the converter's regexes."""
    wide = "".join(f"{low}-{high}" for low, high in _WIDE_RANGES)
    return re.compile(f"\\n[ \\t]*(?=[{wide}])")


def _wide_line_break(match: re.Match[str]) -> str:
    text, at = match.string, match.start() - 1
    while at >= 0 and text[at] in " \t\r":
        at -= 1
    if at < 0 or not _is_wide(text[at]):
        return match.group()
    return "\x00"  # marks the spaces before the break too, removed below


def join_wide_lines(body: str) -> str:
    """A line break between two CJK characters is no space (as CSS Text has it); html2text
    would make it one (`革新。 目前`). Preformatted text keeps its lines."""
    if "\n" not in body:
        return body
    out: list[str] = []
    pos = 0
    for match in _PRE.finditer(body) if "<pre" in body or "<PRE" in body else ():
        out.append(_join_lines(body[pos : match.start()]))
        out.append(match.group(0))
        pos = match.end()
    out.append(_join_lines(body[pos:]))
    return "".join(out)


_SPACE_BEFORE_MARK = re.compile("[ \t\r]*\x00")


def _join_lines(text: str) -> str:
    if "\n" not in text:
        return text
    joined = _break_before_wide().sub(_wide_line_break, text)
    return _SPACE_BEFORE_MARK.sub("", joined) if "\x00" in joined else joined
