"""Libraries without opening one: which were opened before, which holds a file, and the
posts of a library whose index is current (for commands that only list)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from reader.core.errors import reports_errors
from reader.core.model import Post
from reader.core.paths import StorePaths
from reader.core.scan import Site, scan
from reader.core.store.index import all_posts, stored_files
from reader.core.store.library_reads import is_current_index
from reader.core.store.state import known_roots


def current_posts(site: Site, paths: StorePaths | None = None) -> list[Post] | None:
    """Every post of `site` from its index, when the index is current: every scanned file is
    indexed with the same size and mtime, and nothing else is. None otherwise (or when the
    index cannot be read); the caller then parses the files. Never writes anything."""
    index_path = (paths or StorePaths.default()).index_db(str(site.identity))
    if not index_path.exists():
        return None
    try:
        conn = sqlite3.connect(f"file:{index_path}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        if not is_current_index(conn):
            return None
        known = stored_files(conn)
        seen = 0
        for ref in scan(site):
            stored = known.get(ref.relpath)
            if (
                stored is None
                or (stored.size, stored.mtime_ns) != (ref.size, ref.mtime_ns)
                or (stored.error and ref.error is None)  # a read error may be gone by now
            ):
                return None
            seen += 1
        if seen != len(known):
            return None
        return all_posts(conn)
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def known_libraries(paths: StorePaths) -> list[str]:
    """Roots of the libraries opened before, last opened first (posts piped in are not
    libraries anyone would choose again)."""
    piped = os.path.realpath(paths.piped_dir) + os.sep  # roots are realpaths
    return [root for root in known_roots(paths) if not root.startswith(piped)]


@reports_errors
def library_for_file(file: str | os.PathLike[str], paths: StorePaths) -> tuple[str, str] | None:
    """(root, relpath) of the deepest known library whose root contains `file`."""
    target = Path(os.path.realpath(file))
    best: tuple[str, str] | None = None
    for root in known_roots(paths):
        try:
            rel = target.relative_to(root)
        except ValueError:
            continue
        if rel == Path("."):  # the file read on its own before: not a library holding it
            continue
        if best is None or len(root) > len(best[0]):
            best = (root, rel.as_posix())
    return best


@reports_errors
def post_location(file: str | os.PathLike[str], paths: StorePaths) -> tuple[str, str]:
    """(library, relpath) to read a post file in: the known library holding it (its marks,
    its neighbours), else the file on its own (its state keyed by its real path)."""
    found = library_for_file(file, paths)
    if found is not None and Path(found[0]).is_dir():
        return found
    real = os.path.realpath(file)
    return real, os.path.basename(real)
