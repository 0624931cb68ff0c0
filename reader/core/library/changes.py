"""What changed in a post since it was read: the file kept when it was opened and the file
now, both converted by the current converter (a new converter is never an author's edit),
compared word by word."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reader.core.store import library_reads as q
from reader.core.store import read_texts

if TYPE_CHECKING:
    from reader.core.library.context import LibraryContext
    from reader.core.word_diff import TextDiff

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_CODE = re.compile(r"[ \t]*(```|~~~)|    |\t")
_BLOCK_START = re.compile(r"[ \t]*([-*+]|\d+[.)])[ \t]|[ \t]*[#>|]")


@dataclass(frozen=True, slots=True)
class ReadChanges:
    path: str
    diff: TextDiff | None
    reason: str | None = None
    """Why there is nothing to show (diff is None)."""


def paragraphs(data: bytes, path: str, context: LibraryContext) -> list[str]:
    """A post file's body as the current converter makes it, by paragraph: Markdown as the
    reading pane gets it, so code, paths and marks stay exactly as written."""
    from reader.core.convert import to_markdown
    from reader.core.parse import parse_post

    site = context.site
    parsed = parse_post(data, path, mtime_ns=0, timezone=site.timezone, kind=site.kind)
    # reader.core.emphasis puts zero-width spaces by marks next to CJK text: not the author's
    markdown = to_markdown(parsed.body, parsed.post.format).markdown.replace("\u200b", "")
    parts = (_unwrapped(part.strip("\n")) for part in _PARAGRAPH_BREAK.split(markdown))
    return [part for part in parts if part.strip()]


def _unwrapped(paragraph: str) -> str:
    """A paragraph's lines joined as a reader sees them (a line break in Markdown text is a
    space), but for code and the lines that start a list item, heading, quote or table row."""
    lines = paragraph.split("\n")
    if _CODE.match(lines[0]):
        return paragraph
    joined = [lines[0]]
    for line in lines[1:]:
        if _BLOCK_START.match(line) or joined[-1].endswith(("  ", "\\")):
            joined.append(line)
        else:
            joined[-1] = f"{joined[-1].rstrip()} {line.lstrip()}"
    return "\n".join(joined)


def changes_since_read(context: LibraryContext, path: str, seen: str | None = None) -> ReadChanges:
    """What changed in `path` since the version read (`seen`: its content hash, by default the
    one of its read mark)."""
    from reader.core.parse import file_bytes
    from reader.core.word_diff import diff_texts

    c = context
    seen = seen or c.state.seen_hash(c.lib, path)
    if seen is None:
        return ReadChanges(path, None, "This post has not been read: there is nothing to compare")
    with c.reader() as conn:
        current = dict(q.content_hashes(conn, [path])).get(path)
    if current == seen:
        return ReadChanges(path, None, "This post has not changed since you read it")
    kept = c.state.read_text(c.lib, path, seen)
    if kept is None:
        return ReadChanges(
            path,
            None,
            "The text you read was not kept: it was read before reader kept texts, "
            "or marked read without being opened",
        )
    if kept.data is None:
        cap = read_texts.TOTAL_CAP // (1024 * 1024)
        return ReadChanges(
            path,
            None,
            f"The text you read is past the cap: reader keeps {cap} MB of texts read, "
            "the oldest are dropped first, and one larger than "
            f"{read_texts.ONE_CAP // (1024 * 1024)} MB is not kept",
        )
    now = file_bytes(c.site, path)
    if now is None:
        return ReadChanges(path, None, "The post's file cannot be read now")
    return ReadChanges(path, diff_texts(paragraphs(kept.data, path, c), paragraphs(now, path, c)))
