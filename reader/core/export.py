"""Bookmarks -> a CommonMark document that renders the same everywhere and can be read back.

The document: a title heading, the export date, a `## Category › Sub` heading per group, and one
list item per bookmark: the title as a link, the section, the post's date, author and categories,
when it was bookmarked, the note as a block quote, and an HTML comment holding the same data as
JSON for `reader import-bookmarks` (renderers hide it; it is pure ASCII and cannot end early).

Every string from a post or a note is sanitized, then escaped so that Markdown punctuation and
line breaks show literally. Link targets are percent-encoded, so no renderer splits them.
"""

from __future__ import annotations

import json
import os
import re
import stat
import tempfile
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, Protocol
from urllib.parse import quote, urlsplit, urlunsplit

import platformdirs

from reader.core.model import CATEGORIES_SEPARATOR, category_label
from reader.core.names import library_label
from reader.core.sanitize import sanitize, sanitize_line
from reader.core.words import counted

GroupBy = Literal["category", "date", "none"]
LinkMode = Literal["source", "file"]

COMMENT_TAG = "reader-bookmark"
"""Marker of the per-item HTML comment: `<!-- reader-bookmark {json} -->`."""
FORMAT_VERSION = 1
UNCATEGORIZED = "Uncategorized"
UNDATED = "Undated"

# Characters that can start Markdown syntax anywhere in a line: escaped everywhere.
_INLINE_SPECIAL = frozenset("\\`*_[]<>#!|~&$")
# A line that would start a list item, a setext underline or an ordered list.
_LINE_START = re.compile(r"^([-+=])|^(\d{1,9})([.)])")
# Characters kept as they are in link targets; everything else is percent-encoded.
_URL_SAFE = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#@!$&'*+,;="
)
_PERCENT_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_WEB_SCHEMES = frozenset({"http", "https"})


class Bookmark(Protocol):
    """What export reads of a bookmark: `reader.core.library.Bookmark` fits it."""

    @property
    def library(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def url(self) -> str | None: ...
    @property
    def heading(self) -> str | None: ...
    @property
    def anchor(self) -> str | None: ...
    @property
    def note(self) -> str | None: ...
    @property
    def created(self) -> datetime: ...
    @property
    def updated(self) -> datetime: ...
    @property
    def missing(self) -> bool: ...
    @property
    def date(self) -> datetime | None: ...
    @property
    def author(self) -> str | None: ...
    @property
    def categories(self) -> tuple[tuple[str, ...], ...]: ...


class ExportError(Exception):
    """The export could not be written; `str()` is a one-line message for the user."""


class ExportExists(ExportError):
    """The target exists and replacing it was not asked for."""

    def __init__(self, target: Path) -> None:
        super().__init__(f"{target} already exists")
        self.target = target


# -- escaping ------------------------------------------------------------------------------


def escape_inline(text: str) -> str:
    """Escape one line of text so that CommonMark (and GFM) shows every character literally."""
    line = " ".join(sanitize_line(text).split())
    escaped = "".join("\\" + ch if ch in _INLINE_SPECIAL else ch for ch in line)
    return _escape_line_start(escaped)


def _escape_line_start(line: str) -> str:
    match = _LINE_START.match(line)
    if match is None:
        return line
    if match.group(1):
        return "\\" + line
    end = match.end(2)
    return line[:end] + "\\" + line[end:]


def escape_block(text: str) -> list[list[str]]:
    """Split multi-line text into paragraphs of escaped lines (blank lines separate paragraphs)."""
    paragraphs: list[list[str]] = []
    current: list[str] = []
    for raw in sanitize(text).replace("\r", "\n").split("\n"):
        line = escape_inline(raw)
        if line:
            current.append(line)
        elif current:
            paragraphs.append(current)
            current = []
    if current:
        paragraphs.append(current)
    return paragraphs


def encode_url(url: str) -> str:
    """Percent-encode a URL so that it stays one link target in every renderer.

    Reserved characters keep their meaning; spaces, parentheses, angle brackets, backslashes,
    non-ASCII and the like become %XX (UTF-8); existing %XX escapes are kept; a stray `%`
    becomes %25; a non-ASCII host name becomes punycode.
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        parts, host = None, ""
    if parts is not None and host and not host.isascii():
        ascii_host = ".".join(
            label if label.isascii() else "xn--" + label.encode("punycode").decode("ascii")
            for label in host.split(".")
        )
        netloc = parts.netloc.replace(host, ascii_host)
        url = urlunsplit(parts._replace(netloc=netloc))
    out: list[str] = []
    index = 0
    while index < len(url):
        ch = url[index]
        if ch == "%" and _PERCENT_ESCAPE.match(url, index):
            out.append(url[index : index + 3])
            index += 3
            continue
        if ch in _URL_SAFE:
            out.append(ch)
        else:
            out.append(quote(ch.encode("utf-8", "surrogateescape"), safe=""))
        index += 1
    return "".join(out)


def _web_url(url: str | None) -> str | None:
    """The URL when it is an absolute http(s) link, else None (never a javascript: link)."""
    if not url:
        return None
    url = sanitize(url).strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in _WEB_SCHEMES or not parts.netloc:
        return None
    return url


def bookmark_target(
    bookmark: Bookmark, *, link: LinkMode, library_root: str, base_dir: str | None = None
) -> str:
    """The exact, encoded link target written for a bookmark.

    `source`: the post's http(s) URL when known, else the file. `file`: the post file, as a path
    relative to `base_dir` (where the export is written) when given, else absolute. A section
    bookmark gets `#anchor`.
    """
    target: str | None = _web_url(bookmark.url) if link == "source" else None
    if target is not None:
        target = encode_url(target.split("#", 1)[0] if bookmark.anchor else target)
    else:
        target = _file_target(bookmark.path, library_root, base_dir)
    if bookmark.anchor:
        target += "#" + encode_url(bookmark.anchor).replace("#", "%23")
    return target


def _file_target(relpath: str, library_root: str, base_dir: str | None) -> str:
    path = os.path.join(library_root, *relpath.split("/"))
    if base_dir is not None:
        path = os.path.relpath(path, base_dir)
    segments = path.split(os.sep)
    encoded = "/".join(quote(os.fsencode(segment), safe="!$&'*+,;=:@-._~") for segment in segments)
    if encoded.startswith("/") or not encoded:
        return encoded or "."
    first = encoded.split("/", 1)[0]
    # A relative path whose first segment has a colon would read as a URL scheme.
    return "./" + encoded if ":" in first else encoded


# -- the document --------------------------------------------------------------------------


def export_bookmarks(
    bookmarks: Sequence[Bookmark],
    *,
    group_by: GroupBy = "category",
    link: LinkMode = "source",
    library_root: str,
    now: datetime,
    base_dir: str | None = None,
) -> str:
    """Render bookmarks as a CommonMark document (ends with a newline).

    Groups are sorted (categories by name, months newest first, "Uncategorized"/"Undated"
    last); inside a group bookmarks keep their given order (the library gives newest first).
    """
    root_text = escape_inline(library_label(library_root))
    lines = [
        "# Bookmarks",
        "",
        f"Exported {_when(now)} from {root_text}: {counted(len(bookmarks), 'bookmark')}.",
        "",
    ]
    if not bookmarks:
        lines.append("No bookmarks yet.")
        return "\n".join(lines) + "\n"
    for heading, items in _groups(bookmarks, group_by):
        if heading is not None:
            lines += [f"## {heading}", ""]
        for bookmark in items:
            lines += _item(bookmark, link=link, library_root=library_root, base_dir=base_dir)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"


def _groups(
    bookmarks: Sequence[Bookmark], group_by: GroupBy
) -> Iterable[tuple[str | None, list[Bookmark]]]:
    if group_by == "none":
        return [(None, list(bookmarks))]
    key: Callable[[Bookmark], tuple[int, str, str]]
    key = _month_key if group_by == "date" else _category_key
    groups: dict[tuple[int, str, str], list[Bookmark]] = {}
    for bookmark in bookmarks:
        groups.setdefault(key(bookmark), []).append(bookmark)
    return [(label, groups[(rank, sort, label)]) for rank, sort, label in sorted(groups)]


def _category_key(bookmark: Bookmark) -> tuple[int, str, str]:
    path = next((p for p in bookmark.categories if p), None)
    if path is None:
        return (1, "", UNCATEGORIZED)
    label = category_label(path, escape_inline)
    return (0, "\x00".join(s.casefold() for s in path), label)


def _month_key(bookmark: Bookmark) -> tuple[int, str, str]:
    if bookmark.date is None:
        return (1, "", UNDATED)
    month = _utc(bookmark.date).strftime("%Y-%m")
    # Newest month first: sort on the complement of the digits.
    inverted = month.translate(str.maketrans("0123456789", "9876543210"))
    return (0, inverted, month)


def _item(
    bookmark: Bookmark, *, link: LinkMode, library_root: str, base_dir: str | None
) -> list[str]:
    title = escape_inline(bookmark.title) or escape_inline(bookmark.path) or "untitled"
    target = bookmark_target(bookmark, link=link, library_root=library_root, base_dir=base_dir)
    details: list[str] = []
    if bookmark.heading:
        details.append("Section: " + escape_inline(bookmark.heading))
    facts: list[str] = []
    if bookmark.date is not None:
        facts.append(_utc(bookmark.date).strftime("%Y-%m-%d"))
    if bookmark.author:
        facts.append(escape_inline(bookmark.author))
    categories = CATEGORIES_SEPARATOR.join(
        category_label(path, escape_inline) for path in bookmark.categories
    )
    if categories:
        facts.append(categories)
    if facts:
        details.append(" · ".join(facts))
    bookmarked = f"Bookmarked {_when(bookmark.created)}"
    if bookmark.missing:
        bookmarked += " · missing: the post file is gone"
    details.append(bookmarked)
    lines = [f"- [{title}]({target})\\"]
    lines += [f"  {detail}\\" for detail in details[:-1]]
    lines.append(f"  {details[-1]}")
    if bookmark.note:
        paragraphs = escape_block(bookmark.note)
        for number, paragraph in enumerate(paragraphs):
            lines.append("  >" if number else "")
            lines += [f"  > {line}\\" for line in paragraph[:-1]]
            lines.append(f"  > {paragraph[-1]}")
    lines += ["", "  " + item_comment(bookmark), ""]
    return lines


def item_comment(bookmark: Bookmark) -> str:
    """The machine-readable record of a bookmark: an HTML comment that cannot be closed early."""
    data: dict[str, Any] = {
        "v": FORMAT_VERSION,
        "library": bookmark.library,
        "path": bookmark.path,
        "title": sanitize(bookmark.title),
        "url": _clean(bookmark.url),
        "heading": _clean(bookmark.heading),
        "anchor": _clean(bookmark.anchor),
        "note": _clean(bookmark.note),
        "created": _utc(bookmark.created).isoformat(),
        "updated": _utc(bookmark.updated).isoformat(),
        "missing": bookmark.missing,
    }
    return f"<!-- {COMMENT_TAG} {encode_comment_json(data)} -->"


def _clean(text: str | None) -> str | None:
    return None if text is None else sanitize(text)


def encode_comment_json(data: dict[str, Any]) -> str:
    """JSON made of printable ASCII without `-`, `<`, `>` or `&`: safe inside an HTML comment."""
    text = json.dumps(data, ensure_ascii=True, separators=(",", ":"))
    for ch in "-<>&":
        text = text.replace(ch, f"\\u{ord(ch):04x}")
    return text


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _when(moment: datetime) -> str:
    return _utc(moment).strftime("%Y-%m-%d %H:%M UTC")


# -- writing -------------------------------------------------------------------------------


def default_export_path(now: datetime) -> Path:
    """A file in the user's documents directory (home when there is none), named by the date."""
    documents = Path(platformdirs.user_documents_dir())
    if not documents.is_dir():
        documents = Path.home()
    return documents / f"reader-bookmarks-{_utc(now):%Y-%m-%d}.md"


TEMP_TAG = "reader-export"
"""In the name of every temporary file an export makes: `.NAME.reader-export-PID-XXXX.tmp`."""


def write_atomically(path: str | os.PathLike[str], text: str, *, overwrite: bool = False) -> Path:
    """Write `text` (UTF-8) to `path` so that readers see the old file or the new one, whole.

    Temporary file in the same directory, fsync, rename over the target, fsync the directory.
    An existing target is replaced only with `overwrite` (else ExportExists, the file left as it
    was); a symlink or anything not a regular file is refused. Temporary files that killed
    exports left beside the target are removed first. Returns the absolute path.
    """
    target = Path(os.path.abspath(os.fspath(path)))
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise ExportError(f"cannot write {target}: {error.strerror}") from error
    if info is not None and stat.S_ISLNK(info.st_mode):
        raise ExportError(f"refusing to write through a symlink: {target}")
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise ExportError(f"refusing to replace something that is not a regular file: {target}")
    if info is not None and not overwrite:
        raise ExportExists(target)
    directory = target.parent
    if not directory.is_dir():
        raise ExportError(f"cannot write {target}: the folder {directory} does not exist")
    _remove_stale_temps(directory, target.name)
    mode = stat.S_IMODE(info.st_mode) if info is not None else 0o666 & ~_umask()
    data = text.encode("utf-8", "surrogateescape")
    try:
        fd, temp_name = tempfile.mkstemp(
            prefix=f".{target.name}.{TEMP_TAG}-{os.getpid()}-", suffix=".tmp", dir=directory
        )
    except OSError as error:
        raise ExportError(f"cannot write in {directory}: {error.strerror}") from error
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        if overwrite:
            os.replace(temp_name, target)
        else:
            _link_new(temp_name, target)
    except OSError as error:
        with suppress(OSError):
            os.unlink(temp_name)
        if isinstance(error, FileExistsError):
            raise ExportExists(target) from error
        raise ExportError(f"cannot write {target}: {error.strerror or error}") from error
    except BaseException:
        with suppress(OSError):
            os.unlink(temp_name)
        raise
    _fsync_directory(directory)
    return target


def _link_new(temp_name: str, target: Path) -> None:
    """Move the temporary file to `target` unless a file appeared there meanwhile (another
    program writing it): a hard link fails then, where a rename would replace it."""
    try:
        os.link(temp_name, target)
    except FileExistsError:
        raise
    except OSError:  # no hard links on this file system: the check above is what we have
        if os.path.lexists(target):
            raise FileExistsError(str(target)) from None
        os.replace(temp_name, target)
        return
    os.unlink(temp_name)


def _remove_stale_temps(directory: Path, name: str) -> None:
    """Delete what earlier exports to `name` left when killed: our tag, a writer that is gone."""
    prefix = f".{name}.{TEMP_TAG}-"
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return
    for entry in entries:
        if not (entry.name.startswith(prefix) and entry.name.endswith(".tmp")):
            continue
        pid_text = entry.name[len(prefix) :].split("-", 1)[0]
        if not pid_text.isdigit() or _alive(int(pid_text)):
            continue
        with suppress(OSError):
            if entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process
    return True


def _fsync_directory(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot sync a directory; the rename is done either way
    finally:
        os.close(fd)


def _umask() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022
