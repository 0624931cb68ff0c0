"""Read a file written by `reader export-bookmarks` back into a library.

Each exported item carries an HTML comment `<!-- reader-bookmark {json} -->` (see export.py);
only those records are read, so edits to the visible Markdown cannot confuse the import. A
record matches a post of the library by source URL or by path; the rest are reported.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from reader.core.export import COMMENT_TAG, FORMAT_VERSION
from reader.core.library import Folder, Library
from reader.core.sanitize import sanitize, sanitize_line

_RECORD = re.compile(r"<!-- " + re.escape(COMMENT_TAG) + r" (\{[^\n]*?\}) -->")


class NotAnExportError(Exception):
    """The file holds no bookmark records at all; `str()` is a one-line message."""


@dataclass(frozen=True, slots=True)
class ImportedBookmark:
    """One record of an exported file, sanitized."""

    path: str
    title: str
    url: str | None
    heading: str | None
    anchor: str | None
    note: str | None
    created: datetime
    updated: datetime
    line: int
    """Line of the record in the file, for messages."""
    library: str | None = None
    """The library root the bookmark was exported from."""


@dataclass(slots=True)
class ImportReport:
    restored: int = 0
    """Bookmarks written to the library."""
    unchanged: int = 0
    """Records the library already had (same or newer)."""
    unmatched: list[str] = field(default_factory=list)
    """One human line per record no post matched: line, title, path."""
    problems: list[str] = field(default_factory=list)
    """Records that could not be read."""
    saved: bool = True
    """False when the restored bookmarks were kept in memory only (state is not being saved)."""


class _Row(Protocol):
    @property
    def path(self) -> str: ...
    @property
    def url(self) -> str | None: ...


def parse_export(text: str) -> tuple[list[ImportedBookmark], list[str]]:
    """The records of an exported file, and one message per record that could not be read."""
    items: list[ImportedBookmark] = []
    problems: list[str] = []
    for match in _RECORD.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        try:
            data = json.loads(match.group(1))
            items.append(_record(data, line))
        except (ValueError, TypeError, KeyError) as error:
            problems.append(f"line {line}: unreadable bookmark record ({error})")
    return items, problems


def _record(data: Any, line: int) -> ImportedBookmark:
    if not isinstance(data, dict):
        raise TypeError("not an object")
    version = data.get("v")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise ValueError(f"unsupported format version {version!r}")
    path = data["path"]
    if not isinstance(path, str) or not path or "\x00" in path or path.startswith("/"):
        raise ValueError("bad path")
    if ".." in path.split("/"):
        raise ValueError("path leaves the library")
    created = _time(data["created"])
    updated = _time(data.get("updated") or data["created"])
    title = _text(data.get("title"), line=True) or path
    return ImportedBookmark(
        path=path,
        title=title,
        url=_text(data.get("url"), line=True),
        heading=_text(data.get("heading"), line=True),
        anchor=_text(data.get("anchor"), line=True),
        note=_text(data.get("note"), line=False),
        created=created,
        updated=max(updated, created),
        line=line,
        library=data.get("library") if isinstance(data.get("library"), str) else None,
    )


def _text(value: Any, *, line: bool) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError("text field is not a string")
    clean = sanitize_line(value) if line else sanitize(value)
    return clean or None


def _time(value: Any) -> datetime:
    if not isinstance(value, str):
        raise TypeError("time is not a string")
    moment = datetime.fromisoformat(value)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def match_posts(
    items: Sequence[ImportedBookmark], rows: Sequence[_Row]
) -> tuple[list[tuple[ImportedBookmark, str]], list[ImportedBookmark]]:
    """Pair records with library paths: same path (unless its URL says another post), else the
    post with the same source URL. Returns (record, path) pairs and the unmatched records."""
    by_path = {row.path: row for row in rows}
    by_url: dict[str, list[str]] = {}
    for row in rows:
        if row.url:
            by_url.setdefault(_url_key(row.url), []).append(row.path)
    matched: list[tuple[ImportedBookmark, str]] = []
    unmatched: list[ImportedBookmark] = []
    for item in items:
        same_path = by_path.get(item.path)
        url_paths = by_url.get(_url_key(item.url), []) if item.url else []
        if same_path is not None and (not url_paths or item.path in url_paths):
            matched.append((item, item.path))
        elif url_paths:
            matched.append((item, url_paths[0]))
        elif same_path is not None:
            matched.append((item, item.path))
        else:
            unmatched.append(item)
    return matched, unmatched


def _url_key(url: str) -> str:
    """URLs compare without scheme case, a trailing slash or a fragment."""
    url = url.strip().split("#", 1)[0]
    scheme, sep, rest = url.partition("://")
    return (scheme.lower() + sep + rest).rstrip("/")


def describe(item: ImportedBookmark) -> str:
    where = f"{item.path}#{item.anchor}" if item.anchor else item.path
    return f"line {item.line}: {item.title} ({where})"


def import_bookmarks(text: str, library: Library) -> ImportReport:
    """Restore the bookmarks of an exported file into `library` (its index should be synced).

    A bookmark the library already has with the same or a newer change time is left alone.
    Raises NotAnExportError when the text holds no bookmark records at all.
    """
    items, problems = parse_export(text)
    if not items and not problems:
        raise NotAnExportError(
            "no bookmarks found: the file was not written by reader export-bookmarks"
        )
    report = ImportReport(problems=problems)
    posts = library.posts(Folder("all"))
    matched, unmatched = match_posts(items, posts.rows(0, len(posts)))
    report.unmatched = [describe(item) for item in unmatched]
    existing = {(b.path, b.anchor): b for b in library.bookmarks()}
    for item, path in matched:
        old = existing.get((path, item.anchor))
        if old is not None and old.updated >= item.updated:
            report.unchanged += 1
            continue
        added = library.add_bookmark(
            path,
            heading=item.heading,
            anchor=item.anchor,
            note=item.note,
            created=item.created,
            updated=item.updated,
        )
        report.saved = report.saved and added.saved
        report.restored += 1
    return report
