"""Where the search index's posts and text come from: the posts of index.db, and each post's
Markdown (the reading pane's conversion when it made one, else converted from the file).

Parsing and converting are imported only when a post needs them: the builder child starts
fresh for every update, and most updates find nothing to convert."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator

from reader.core.scan import DRAFTS_PREFIX, FileRef, Site, post_file_path
from reader.core.search_write import IndexEntry
from reader.core.store.index import get_converted, readable_posts_with_hashes
from reader.core.store.library_reads import content_hashes


def markdown_of_file(site: Site, path: str) -> str | None:
    """Converted Markdown of a post file, for indexing; None when the file cannot be read.

    Reads and converts on the caller's thread and writes nothing (the conversion cache in
    index.db is left to the reading pane), so indexing never contends with sync."""
    from reader.core.convert import to_markdown
    from reader.core.parse import read_post

    try:
        info = os.stat(post_file_path(site, path))
    except OSError:
        return None
    ref = FileRef(path, info.st_size, info.st_mtime_ns, draft=path.startswith(DRAFTS_PREFIX))
    parsed = read_post(site, ref)
    return to_markdown(parsed.body, parsed.post.format).markdown


def library_entries(
    site: Site, connection: sqlite3.Connection
) -> tuple[Callable[[], Iterator[IndexEntry]], Callable[[str], str | None]]:
    """The posts of index.db as index entries (read a page at a time, each time called), and
    their Markdown: from the conversion cache when the reading pane made it, else converted
    from the file."""

    def entries() -> Iterator[IndexEntry]:
        for post, content_hash in readable_posts_with_hashes(connection):
            yield IndexEntry.from_post(post, content_hash)

    def markdown_for(path: str) -> str | None:
        found = content_hashes(connection, [path])
        content_hash = found[0][1] if found else None
        cached = get_converted(connection, content_hash) if content_hash else None
        return cached[0] if cached is not None else markdown_of_file(site, path)

    return entries, markdown_for
