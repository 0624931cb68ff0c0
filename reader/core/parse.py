"""One post file to the one model: bytes -> text -> front matter -> normalised, sanitized Post.

`parse_post` is pure (bytes in, `ParsedPost` out) and never raises on input: whatever is
wrong with a file ends up in `post.error` and the post stays listed with what could be read.
The body is returned as text; converting it to Markdown is `convert`'s job and happens lazily.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from reader.core.dates import date_from_filename, from_mtime_ns, parse_date
from reader.core.decode import NOT_TEXT, NotText, decode
from reader.core.frontmatter import first_heading, parse_front_matter
from reader.core.model import BodyFormat, CategoryPath, DateSource, Post
from reader.core.sanitize import REPLACEMENT, draws, sanitize_line
from reader.core.scan import (
    DRAFTS_PREFIX,
    ERROR_NOT_REGULAR,
    ERROR_PERMISSION,
    FileRef,
    Site,
    SiteKind,
    display_name,
    post_file_path,
)

__all__ = ["MAX_READ", "ParsedPost", "file_bytes", "parse_post", "post_file_path", "read_post"]

MAX_READ = 8 * 1024 * 1024
"""Bytes of a post file we read; a larger file keeps its first part and says so in `error`."""

_DATE_KEYS = ("date", "publishdate", "pubdate", "created")
_UPDATED_KEYS = ("updated", "lastmod", "last_modified_at", "modified")
_URL_KEYS = ("link", "permalink", "url", "source")
_IDENTITY_KEYS = ("id", "permalink", "link", "url", "abbrlink")
_COVER_KEYS = (
    "cover",
    "cover_image",
    "image",
    "headimg",
    "thumbnail",
    "banner",
    "featured_image",
    "photos",
    "images",
)
_WANTED_KEYS = frozenset(
    {
        "title",
        "categories",
        "category",
        "tags",
        "tag",
        "author",
        "authors",
        "draft",
        "published",
        *_DATE_KEYS,
        *_UPDATED_KEYS,
        *_URL_KEYS,
        *_IDENTITY_KEYS,
        *_COVER_KEYS,
    }
)
"""The front-matter keys the model reads; other YAML values are never constructed."""
_ABSOLUTE_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://\S")
_HTML_START = re.compile(r"<(?:!doctype|[A-Za-z][A-Za-z0-9]*)[\s>/]", re.IGNORECASE)
_HTML_COMMENT = re.compile(r"<!--.*?-->\s*", re.DOTALL)
# Markdown-only lines: a fence, or an ATX heading holding no tag (a shell comment inside an
# HTML <pre> such as `# do this<br>` is not one).
_MARKDOWN_BLOCKS = re.compile(r"^(?:#{1,6}[ \t][^<\n]*$|```|~~~)", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class ParsedPost:
    post: Post
    """Metadata, every string field sanitized."""
    body: str
    """Decoded body after the front matter: not converted, not sanitized."""
    content_hash: str
    """Hex digest of the raw bytes."""


def read_post(site: Site, ref: FileRef) -> ParsedPost:
    """Read and parse one scanned file. Never raises: errors go to `post.error`."""
    if ref.error is not None:
        return _failed(ref.relpath, ref.error, ref.mtime_ns, site.kind, site.timezone, ref.draft)
    path: str | os.PathLike[str]
    if ref.relpath.startswith(DRAFTS_PREFIX) and site.drafts_root is not None:
        path = post_file_path(site, ref.relpath)
    else:  # the common case, without building a Path
        path = os.path.join(site.posts_root, ref.relpath)
    try:
        # O_NONBLOCK: a file swapped for a FIFO since the scan must not hang the open.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except PermissionError:
        return _failed(
            ref.relpath, ERROR_PERMISSION, ref.mtime_ns, site.kind, site.timezone, ref.draft
        )
    except OSError as error:
        reason = "file is gone" if isinstance(error, FileNotFoundError) else error.strerror
        return _failed(
            ref.relpath, f"cannot read: {reason}", ref.mtime_ns, site.kind, site.timezone, ref.draft
        )
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return _failed(
                ref.relpath, ERROR_NOT_REGULAR, ref.mtime_ns, site.kind, site.timezone, ref.draft
            )
        data = _read_all(fd, info.st_size)
    except OSError as error:
        return _failed(
            ref.relpath,
            f"cannot read: {error.strerror}",
            ref.mtime_ns,
            site.kind,
            site.timezone,
            ref.draft,
        )
    finally:
        os.close(fd)
    return parse_post(
        data,
        ref.relpath,
        mtime_ns=info.st_mtime_ns,
        timezone=site.timezone,
        draft=ref.draft,
        kind=site.kind,
    )


def file_bytes(site: Site, relpath: str) -> bytes | None:
    """The bytes of a post file as `read_post` reads them; None when it cannot be read."""
    try:
        fd = os.open(post_file_path(site, relpath), os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        return _read_all(fd, info.st_size) if stat.S_ISREG(info.st_mode) else None
    except OSError:
        return None
    finally:
        os.close(fd)


def _read_all(fd: int, size_hint: int) -> bytes:
    """Up to MAX_READ + 1 bytes (one more than the cap tells a truncated file).

    One read of the size from fstat plus one byte: a short read of a regular file is its end.
    Only a file that grew since the stat needs more reads.
    """
    want = MAX_READ + 1
    first = os.read(fd, min(max(size_hint, 0) + 1, want))
    if len(first) <= size_hint or len(first) >= want:
        return first
    chunks = [first]
    total = len(first)
    while total < want:
        chunk = os.read(fd, min(1024 * 1024, want - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def parse_post(
    data: bytes,
    relpath: str,
    *,
    mtime_ns: int,
    timezone: tzinfo | None = None,
    draft: bool = False,
    kind: SiteKind = "folder",
) -> ParsedPost:
    """Parse the bytes of a post file. Pure, never raises on input.

    `kind` picks the category dialect (Jekyll strings split on spaces, Hugo lists are several
    one-level categories); `data` longer than MAX_READ is cut and flagged.
    """
    # A change detector and cache key, not a signature: SHA-1 is the fastest hashlib digest
    # on CPUs with SHA extensions (twice blake2b on small files).
    content_hash = hashlib.sha1(data, usedforsecurity=False).hexdigest()
    error: str | None = None
    truncated = len(data) > MAX_READ
    if truncated:
        data = data[:MAX_READ]
        error = f"too large: showing the first {MAX_READ // (1024 * 1024)} MiB"
    elif not data:
        error = "empty file"
    try:
        text = decode(data, truncated=truncated)
    except NotText:
        failed = _failed(relpath, NOT_TEXT, mtime_ns, kind, timezone, draft)
        return ParsedPost(failed.post, "", content_hash)
    front = parse_front_matter(text, keys=_WANTED_KEYS)
    if front.error is not None and error is None:
        error = front.error
    meta = _lower_keys(front.data)
    body = front.body
    name = _file_name(relpath)

    title = _title(meta.get("title"))
    if not draws(title):  # empty, or only zero-width characters: the row would look empty
        heading = first_heading(body)
        title = sanitize_line(heading) if heading else ""
    if not draws(title):
        title = _title_from_name(relpath, kind)

    date, date_source = _post_date(meta, name, mtime_ns, timezone)
    updated = None
    for key in _UPDATED_KEYS:
        if key in meta:
            updated = parse_date(meta[key], timezone)
            if updated is not None:
                break

    post = Post(
        path=relpath,
        title=title,
        date=date,
        date_source=date_source,
        categories=_categories(meta, relpath, kind),
        tags=_tags(meta, kind),
        author=_author(meta),
        url=_url(meta),
        cover=_cover(meta),
        updated=updated,
        draft=draft or _is_draft(meta),
        format=sniff_format(body, name),
        error=sanitize_line(error) if error else None,
        identity=_identity(meta),
    )
    return ParsedPost(post, body, content_hash)


def _failed(
    relpath: str,
    error: str,
    mtime_ns: int,
    kind: SiteKind,
    timezone: tzinfo | None,
    draft: bool,
) -> ParsedPost:
    """A post for a file that could not be read: named, dated and filed from its path."""
    date, source = _post_date({}, _file_name(relpath), mtime_ns, timezone)
    post = Post(
        path=relpath,
        title=_title_from_name(relpath, kind),
        date=date if mtime_ns or source == "filename" else None,
        date_source=source,
        categories=_categories({}, relpath, kind),
        draft=draft,
        error=sanitize_line(error),
    )
    return ParsedPost(post, "", "")


def _lower_keys(data: Mapping[Any, Any]) -> dict[str, Any]:
    """Keys compared without case (Hugo's are case-insensitive); an exact lower-case key wins."""
    lowered: dict[str, Any] = {}
    for key, value in data.items():
        text = str(key)
        lower = text.lower()
        if lower not in lowered or text == lower:
            lowered[lower] = value
    return lowered


def _file_name(relpath: str) -> str:
    return relpath.rsplit("/", 1)[-1]


def _title_from_name(relpath: str, kind: SiteKind) -> str:
    parts = relpath.split("/")
    name = parts[-1]
    if kind == "hugo" and name.lower() in ("index.md", "_index.md") and len(parts) > 1:
        name = parts[-2]
    else:
        dot = name.rfind(".")
        if dot > 0:
            name = name[:dot]
        if date_from_filename(name + "-") is not None or date_from_filename(name) is not None:
            name = name[11:] or name
    for candidate in (name, parts[-1]):
        shown = _shown_name(candidate)
        if draws(shown):
            return shown
    return "?"


def _shown_name(name: str) -> str:
    """A file or folder name as text: what was removed from it leaves a visible mark, so a name
    made of an escape sequence does not vanish."""
    return sanitize_line(display_name(name), REPLACEMENT)


def _title(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return sanitize_line(value)
    if isinstance(value, list | dict):
        return ""
    return sanitize_line(str(value))


def _post_date(
    meta: Mapping[str, Any], name: str, mtime_ns: int, timezone: tzinfo | None
) -> tuple[datetime | None, DateSource]:
    for key in _DATE_KEYS:
        if key in meta:
            parsed = parse_date(meta[key], timezone)
            if parsed is not None:
                return parsed, "front-matter"
    from_name = date_from_filename(name, timezone)
    if from_name is not None:
        return from_name, "filename"
    return from_mtime_ns(mtime_ns), "mtime"


def _segment(value: object) -> str:
    if isinstance(value, str):
        return sanitize_line(value)
    if value is None or isinstance(value, dict | list):
        return ""
    return sanitize_line(str(value))


MAX_CATEGORY_DEPTH = 16
"""Deeper category paths (a hostile `categories: [d0, d1, ... d999]`) end in one "…" level:
every reader of the tree (folders, counts, export headings) may then walk it recursively."""


def _path(values: Iterable[object]) -> CategoryPath:
    path = tuple(segment for segment in map(_segment, values) if segment)
    if len(path) > MAX_CATEGORY_DEPTH:
        return (*path[: MAX_CATEGORY_DEPTH - 1], "…")
    return path


def _categories(meta: Mapping[str, Any], relpath: str, kind: SiteKind) -> tuple[CategoryPath, ...]:
    """Category paths by dialect; without any, the folder path under the posts root."""
    value = meta.get("categories")
    key = "categories"
    if value is None or value == [] or value == "":
        value, key = meta.get("category"), "category"
    paths: list[CategoryPath] = []
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        text = str(value)
        if kind == "jekyll" and key == "categories":
            paths.append(_path(text.split()))
        else:
            paths.append(_path([text]))
    elif isinstance(value, list):
        if kind == "hugo":
            paths.extend(_path([item]) for item in value)
        elif any(isinstance(item, list) for item in value):
            # Hexo: a list of lists is several hierarchies; a plain item is one of one level.
            for item in value:
                paths.append(_path(item if isinstance(item, list) else [item]))
        else:
            paths.append(_path(value))
    unique = tuple(dict.fromkeys(path for path in paths if path))
    if unique:
        return unique
    return _folder_category(relpath, kind)


def _folder_category(relpath: str, kind: SiteKind) -> tuple[CategoryPath, ...]:
    parts = relpath.split("/")[:-1]
    if parts and relpath.startswith(DRAFTS_PREFIX):
        parts = parts[1:]
    if kind == "hugo" and parts and _file_name(relpath).lower() == "index.md":
        parts = parts[:-1]  # a page bundle: the folder is the post, not a category
    path = tuple(shown for shown in map(_shown_name, parts) if shown)
    if len(path) > MAX_CATEGORY_DEPTH:
        path = (*path[: MAX_CATEGORY_DEPTH - 1], "…")
    return (path,) if path else ()


def _tags(meta: Mapping[str, Any], kind: SiteKind) -> tuple[str, ...]:
    value = meta.get("tags")
    if value is None or value == []:
        value = meta.get("tag")
    items: list[object]
    if isinstance(value, str):
        items = list(value.split()) if kind == "jekyll" else [value]
    elif isinstance(value, list):
        items = []
        for item in value:
            items.extend(item if isinstance(item, list) else [item])
    elif value is None or isinstance(value, dict | bool):
        items = []
    else:
        items = [value]
    return tuple(dict.fromkeys(tag for tag in map(_segment, items) if tag))


def _author(meta: Mapping[str, Any]) -> str | None:
    value = meta.get("author")
    if value is None or value == "" or value == []:
        value = meta.get("authors")
    names: list[str] = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict):
            lowered = _lower_keys(item)
            item = lowered.get("name")
        name = _segment(item)
        if name:
            names.append(name)
    return ", ".join(names) or None


def _first_string(meta: Mapping[str, Any], keys: Iterable[str]) -> Iterable[str]:
    for key in keys:
        value = meta.get(key)
        if isinstance(value, list) and value:
            value = value[0]
        if isinstance(value, str | int) and not isinstance(value, bool):
            text = sanitize_line(str(value))
            if text:
                yield text


def _url(meta: Mapping[str, Any]) -> str | None:
    """The post's source URL: the first absolute URL among link/permalink/url/source."""
    for text in _first_string(meta, _URL_KEYS):
        if _ABSOLUTE_URL.match(text):
            return text
    return None


def _cover(meta: Mapping[str, Any]) -> str | None:
    return next(iter(_first_string(meta, _COVER_KEYS)), None)


def _identity(meta: Mapping[str, Any]) -> tuple[str, ...]:
    """`key:value` for id/permalink/link/url/abbrlink, to relink a renamed file."""
    found: list[str] = []
    for key in _IDENTITY_KEYS:
        value = meta.get(key)
        if isinstance(value, str | int) and not isinstance(value, bool):
            text = sanitize_line(str(value))
            if text:
                found.append(f"{key}:{text}")
    return tuple(found)


def _is_draft(meta: Mapping[str, Any]) -> bool:
    draft = meta.get("draft")
    if draft is True or (isinstance(draft, str) and draft.strip().lower() in ("true", "yes")):
        return True
    return meta.get("published") is False


def sniff_format(body: str, name: str = "") -> BodyFormat:
    """`html` when the body opens with an HTML tag and has no Markdown headings or fences.

    The extension does not decide: RSSHUB-PAGE `.md` files hold HTML. A `.html` file whose
    body has any tag is HTML too.
    """
    head = body[:4096].lstrip()
    while head.startswith("<!--"):
        match = _HTML_COMMENT.match(head)
        if not match:
            break
        head = head[match.end() :]
    opens_with_tag = _HTML_START.match(head) is not None
    is_html_file = name.lower().endswith((".html", ".htm"))
    if not opens_with_tag and not (is_html_file and "<" in body):
        return "markdown"
    if _MARKDOWN_BLOCKS.search(body, 0, 65536):
        return "markdown"
    return "html"
