"""Articles: a post converted to Markdown with its outline, and the cache of conversions."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING

from reader.core.library.context import LibraryContext
from reader.core.library.model import MISSING, Article, PostRow
from reader.core.library.rows import Rows
from reader.core.scan import FileRef, post_file_path
from reader.core.store import library_reads as q
from reader.core.store.db import write
from reader.core.store.index import (
    from_ts,
    get_converted,
    is_write_fault,
    put_converted,
    save_posts,
    stored_files,
)

if TYPE_CHECKING:
    from reader.core.parse import ParsedPost


class Articles:
    def __init__(
        self,
        context: LibraryContext,
        rows: Rows,
        index_to_memory: Callable[[BaseException], None],
    ) -> None:
        self._c = context
        self._rows = rows
        self._index_to_memory = index_to_memory

    def cached(self, path: str, max_bytes: int | None = None) -> Article | None:
        """The article when its converted Markdown is cached, the file did not change since and
        is at most `max_bytes`, else None. No conversion: cheap enough for the UI thread."""
        from reader.core.outline import outline

        with self._c.reader() as conn:
            stored = q.post_file(conn, path)
        if stored is None or not stored[2] or (max_bytes is not None and stored[0] > max_bytes):
            return None
        try:
            st = os.stat(post_file_path(self._c.site, path))
        except OSError:
            return None
        if (st.st_size, st.st_mtime_ns) != (stored[0], stored[1]):
            return None
        with self._c.reader() as conn:
            cached = get_converted(conn, stored[2])
        row = self._rows.of(path) if cached is not None else None
        if cached is None or row is None:
            return None
        return Article(row, cached[0], outline(cached[0]), cached[1], (st.st_size, st.st_mtime_ns))

    def quick(
        self, path: str, max_bytes: int, cached_max_bytes: int | None = None
    ) -> Article | None:
        """The article when its file is at most `max_bytes` (converting a small post takes a
        few milliseconds), or at most `cached_max_bytes` (default: `max_bytes`) and cached;
        None when it should be loaded in a worker."""
        cached = self.cached(path, max(max_bytes, cached_max_bytes or 0))
        if cached is not None:
            return cached
        try:
            size = os.stat(post_file_path(self._c.site, path)).st_size
        except OSError:
            return None
        return self.converted(path) if size <= max_bytes else None

    def current(self, article: Article) -> bool:
        """Whether `article` was converted from its post's file as it is now: one stat, no
        query (a query hands the GIL over two or three times, and a worker rendering ahead
        holds it up to a millisecond each time)."""
        if article.file is None:
            return False
        try:
            st = os.stat(post_file_path(self._c.site, article.row.path))
        except OSError:
            return False
        return (st.st_size, st.st_mtime_ns) == article.file

    def article(self, path: str) -> Article:
        """Converted Markdown of a post, from the cache when the file did not change."""
        cached = self.cached(path)
        return cached if cached is not None else self.converted(path)

    def converted(self, path: str) -> Article:
        """Read and convert the post now, and cache the result."""
        from reader.core.convert import to_markdown
        from reader.core.outline import outline
        from reader.core.parse import read_post

        c = self._c
        with c.reader() as conn:
            stored = q.post_file(conn, path)
        if stored is None:
            return self._missing(path)
        file = post_file_path(c.site, path)
        try:
            st = os.stat(file)
        except OSError as error:
            row = self._rows.of(path)
            assert row is not None
            return Article(row, "", [], f"cannot read {path}: {error.strerror or error}")
        size, mtime_ns, content_hash = stored
        ref = FileRef(path, st.st_size, st.st_mtime_ns, draft=path.startswith("_drafts/"))
        parsed = read_post(c.site, ref)
        converted = to_markdown(parsed.body, parsed.post.format)
        notice = converted.notice
        if parsed.post.error is not None:
            notice = parsed.post.error if notice is None else f"{parsed.post.error}; {notice}"
        changed = parsed.content_hash != content_hash or (size, mtime_ns) != (
            st.st_size,
            st.st_mtime_ns,
        )
        with c.write_lock:
            try:
                self._keep(parsed, st, converted.markdown, notice, changed)
            except sqlite3.OperationalError as error:
                if not is_write_fault(error) or c.index.in_memory:
                    raise
                self._index_to_memory(error)
                self._keep(parsed, st, converted.markdown, notice, changed)
        row = self._rows.of(path)
        assert row is not None
        version = (st.st_size, st.st_mtime_ns)
        return Article(row, converted.markdown, outline(converted.markdown), notice, version)

    def _keep(
        self,
        parsed: ParsedPost,
        st: os.stat_result,
        markdown: str,
        notice: str | None,
        changed: bool,
    ) -> None:
        """(Holding the write lock.) Save a changed post and cache its conversion."""
        conn = self._c.conn
        if changed:
            with write(conn):
                known = stored_files(conn, parsed.post.path)
                save_posts(
                    conn,
                    [(parsed.post, st.st_size, st.st_mtime_ns, parsed.content_hash or None)],
                    known,
                )
            self._c.posts_written()  # the next read drops the caches
        if parsed.content_hash:
            put_converted(conn, parsed.content_hash, markdown, notice)

    def _missing(self, path: str) -> Article:
        c = self._c
        for record in c.state.bookmarks(c.lib):
            if record.path == path:
                row = PostRow(
                    path,
                    record.title,
                    from_ts(record.date),
                    record.categories,
                    record.author,
                    record.url,
                    False,
                    True,
                    False,
                    MISSING,
                    record.note,
                )
                return Article(row, "", [], f"{path} is no longer in the library")
        raise KeyError(path)
