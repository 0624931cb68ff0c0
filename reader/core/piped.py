"""`reader -`: a post read from standard input, kept as a file so it opens like any other.

The file is named by a hash of its bytes under the cache dir: piping the same post again
opens the same file, so its reading position is kept; a different post is a different file.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from reader.core.export import ExportError, write_atomically
from reader.core.paths import StorePaths

MAX_PIPED = 64 * 1024 * 1024
"""Bytes of standard input we accept (more is refused, not cut silently)."""


class PipedError(Exception):
    """Nothing usable came on standard input (one line for the user)."""


def save_piped_post(data: bytes, paths: StorePaths) -> Path:
    """Keep `data` as a post file in the cache dir and return its path."""
    if not data.strip():
        raise PipedError("nothing came on standard input (try: cat post.md | reader -)")
    if len(data) > MAX_PIPED:
        raise PipedError(f"standard input is larger than {MAX_PIPED // (1024 * 1024)} MiB")
    suffix = ".html" if data.lstrip().startswith(b"<") else ".md"
    name = hashlib.sha256(data).hexdigest()[:16] + suffix
    folder = paths.piped_dir
    target = folder / name
    if target.is_file():
        return target
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # surrogateescape writes the bytes back exactly: the parser does the decoding.
        return write_atomically(target, data.decode("utf-8", "surrogateescape"))
    except (OSError, ExportError) as error:
        raise PipedError(f"cannot keep the piped post in {folder}: {error}") from None
