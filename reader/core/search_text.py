"""Plain text for searching: Markdown to the indexed text, finding hits, snippets."""

from __future__ import annotations

import codecs
import html
import re
import zlib
from collections.abc import Iterable

from reader.core.sanitize import sanitize, sanitize_line
from reader.core.search_query import caseless, fold, normalize_space

SNIPPET_CHARS = 160


def find_all(text: str, query: str) -> list[tuple[int, int]]:
    """Offsets (start, end) of every non-overlapping occurrence of `query` in `text`.

    Case-insensitive for Latin (and any script with case), exact for CJK; whitespace in the
    query matches itself. An empty query finds nothing.
    """
    if not query:
        return []
    haystack = fold(text)
    needle = fold(query)
    found: list[tuple[int, int]] = []
    start = haystack.find(needle)
    while start >= 0:
        found.append((start, start + len(needle)))
        start = haystack.find(needle, start + len(needle))
    return found


# -- Markdown to plain text ------------------------------------------------------------------

# Each pattern stops a scan at the character that would start its next match ("[" for links,
# "<" for tags) or at a line end, so no position is scanned twice: one call is one hold of the
# GIL, and a rescan of a long line of unclosed "[a](b" held it for 48 s while indexing.
_FENCE = re.compile(r"^[ \t]*(```|~~~).*$", re.MULTILINE)
_LINK_DEF = re.compile(r"^\s{0,3}\[[^\]\n]+\]:\s*\S+.*$", re.MULTILINE)
_IMAGE_LINE = re.compile(r"\[image:\s*([^\[\]\n]*)\]")
_IMAGE = re.compile(r"!\[([^\[\]\n]*)\]\([^()\[\]\n]*\)")
_LINK = re.compile(r"\[([^\[\]\n]*)\](?:\([^()\[\]\n]*\)|\[[^\[\]\n]*\])")
_AUTOLINK = re.compile(r"<((?:https?|mailto|ftp):[^<>\s]+)>")
_TAG = re.compile(r"</?[A-Za-z][^<>\n]*>|<!--(?:(?!<!--).)*?-->", re.DOTALL)
_LINE_MARK = re.compile(
    r"^[ \t]*(?:#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+|[-*_=|: ]{3,}$)", re.MULTILINE
)
_EMPHASIS = re.compile(r"(?<!\w)[*_~]+|[*_~]+(?!\w)")
_CODE_TICKS = re.compile(r"`+")
_TABLE_PIPE = re.compile(r"\|")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_SURROGATE = re.compile("[\ud800-\udfff]")


def plain_text(markdown: str) -> str:
    """The text a reader sees in a Markdown document, on one line; this is what gets indexed."""
    # Backslash escapes become character references, restored last by html.unescape.
    text = _ESCAPED.sub(lambda m: f"&#{ord(m.group(1))};", markdown)
    text = _FENCE.sub(" ", text)
    text = _LINK_DEF.sub(" ", text)
    text = _IMAGE_LINE.sub(r" \1 ", text)
    text = _IMAGE.sub(r" \1 ", text)
    text = _LINK.sub(r"\1", text)
    text = _AUTOLINK.sub(r"\1", text)
    text = _TAG.sub(" ", text)
    for _ in range(2):  # "> - item" carries two line marks
        text = _LINE_MARK.sub(" ", text)
    text = _EMPHASIS.sub("", text)
    # reader.core.emphasis puts zero-width spaces by marks next to CJK text: invisible, unsearched
    text = text.replace("\u200b", "")
    text = _CODE_TICKS.sub("", text)
    text = _TABLE_PIPE.sub(" ", text)
    text = html.unescape(text)
    return clean(text)


def clean(text: str) -> str:
    """Sanitized, no lone surrogates (SQLite stores UTF-8), whitespace folded to single spaces."""
    return normalize_space(_SURROGATE.sub("\ufffd", sanitize(text)))


def merge_hits(text: str, terms: Iterable[str]) -> tuple[tuple[int, int], ...]:
    spans = sorted(span for term in terms for span in find_all(text, term))
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


def first_hit(text: str, terms: Iterable[str]) -> int | None:
    """Offset of the earliest occurrence of any of the (folded) `terms` in `text`, or None."""
    folded = fold(text)
    return min((i for t in terms if (i := folded.find(t)) >= 0), default=None)


def make_snippet(
    body: str,
    terms: Iterable[str],
    width: int = SNIPPET_CHARS,
    *,
    more: bool = False,
    first: int | None = None,
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """A window of `body` around its first hit, with '…' where cut, and the hits in it.

    `more`: `body` is only the start of the text (see `snippet_of_packed`), so it ends in '…'.
    `first`: the offset of the first hit when the caller knows it already.
    """
    terms = tuple(terms)
    if first is None:
        first = first_hit(body, terms) or 0
    start = max(0, first - width // 4)
    if start > 0:
        space = body.rfind(" ", max(0, start - 12), first)
        start = space + 1 if space >= 0 else start
    end = min(len(body), start + width)
    if end < len(body) or more:
        space = body.rfind(" ", end - 12, end)
        end = space if space > first else end
    snippet = sanitize_line(body[start:end])
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(body) or more else ""
    text = prefix + snippet + suffix
    return text, merge_hits(text, terms)


def snippet_of_packed(
    packed: bytes, terms: Iterable[str], width: int = SNIPPET_CHARS
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """`make_snippet` of zlib-packed UTF-8 text, unpacking only as far as the snippet needs.

    Long posts rank first for common terms and their first hit is usually near the start, so
    this saves unpacking and folding whole posts. Once a hit is found and the text unpacked
    so far reaches a whole snippet past it, later text cannot change the window: any term not
    found yet starts after it.
    """
    terms = tuple(terms)
    if all(caseless(term) for term in terms):  # found unfolded: unpacking all is cheaper
        text = zlib.decompress(packed).decode("utf-8")
        start = min((at for term in terms if (at := text.find(term)) >= 0), default=0)
        return make_snippet(text, terms, width, first=start)
    unpacker = zlib.decompressobj()
    decoder = codecs.getincrementaldecoder("utf-8")()
    text = ""
    step = 4 * width
    while True:
        chunk = unpacker.decompress(packed, step)
        packed = unpacker.unconsumed_tail
        finished = unpacker.eof or (not chunk and not packed)
        if finished:
            chunk += unpacker.flush()
        text += decoder.decode(chunk, final=finished)
        if finished:
            return make_snippet(text, terms, width)
        first = first_hit(text, terms)
        if first is not None and len(text) >= first + width:
            if unpacker.decompress(packed, 1):  # there is more text: the window is final
                return make_snippet(text, terms, width, more=True, first=first)
            packed = unpacker.unconsumed_tail
        step *= 2
