"""Advisory locks beside search.db, so that sessions sharing one search.db agree on who builds it
and on when it may be deleted.

- `build_lock`: held, exclusively, by the one process building the index (the builder child);
  a second builder waits for it.
- `users_lock`: held, shared, by every process that has search.db open (a session, a builder);
  a damaged search.db is deleted only by a process that can hold it alone.

These are `flock` locks: they belong to an open file and go away when the process dies, so a
killed builder or a crashed session never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


class FileLock:
    """One flock on a lock file, taken and given back by its holder."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self.shared = False

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self, *, shared: bool = False, wait: bool = False) -> bool:
        """Take the lock (or change a held one to `shared`/exclusive); False when another process
        holds it and `wait` is False. Raises OSError when the lock file cannot be opened.

        Changing a held lock is not atomic: when it fails, the lock held before is lost."""
        if self._fd is None:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        operation = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
        try:
            fcntl.flock(self._fd, operation if wait else operation | fcntl.LOCK_NB)
        except BlockingIOError:
            self.release()
            return False
        self.shared = shared
        return True

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the file gives the lock back
            self._fd = None


def build_lock(search_db: Path) -> FileLock:
    return FileLock(search_db.with_name(search_db.name + ".build-lock"))


def users_lock(search_db: Path) -> FileLock:
    return FileLock(search_db.with_name(search_db.name + ".users-lock"))
