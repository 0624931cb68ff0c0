"""Bringing the search index up to date in a child process (reader.core.search_builder), from
the parent's side: its report lines become `IndexProgress`; a cancel, or the library closing,
stops it. An index kept in memory (its file cannot be written) is built here, on the caller's
thread, since a child cannot reach it.

Why `subprocess` and not `multiprocessing`: the child is a fresh interpreter either way
(`spawn`, never `fork`: the app holds threads and SQLite connections), but a plain process on
pipes needs no pickled target, no re-import of the app's main module and no helper process,
and the pipe's end tells the child at once when the parent is gone.
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from reader.core.search import SearchIndex
from reader.core.search_builder import BuildJob
from reader.core.search_source import library_entries
from reader.core.search_write import IndexProgress
from reader.core.store.db import is_busy
from reader.core.store.index import posts_stamp

POLL_SECONDS = 0.1
"""How often a cancel is looked at while the child works."""
STOP_GRACE_SECONDS = 5.0
"""How long a stopped child may take to finish the batch it writes before it is killed (a
kill loses nothing committed: the batch being written is rolled back)."""
_ERROR_TAIL = 2000
MMAP_THRESHOLD = 128 * 1024
"""glibc's default starting threshold, fixed (see `child_environment`)."""


class Builders:
    """The builder children of one library: closing the library stops them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: set[subprocess.Popen[bytes]] = set()
        self._closed = threading.Event()

    def run(self, job: BuildJob, cancel: threading.Event | None) -> Iterator[dict[str, object]]:
        """The child's report lines (see reader.core.search_builder) until it ends, is
        cancelled or the library closes. Raises sqlite3.Error for a fault it reports, OSError
        when it fails otherwise."""
        with self._lock:
            if self._closed.is_set():
                return
            child = _spawn(job)
            self._running.add(child)

        def stopping() -> bool:
            return self._closed.is_set() or (cancel is not None and cancel.is_set())

        try:
            yield from _follow(child, stopping)
        finally:
            stop(child)
            with self._lock:
                self._running.discard(child)

    @property
    def pids(self) -> list[int]:
        """The builders running now (for tests and diagnostics)."""
        with self._lock:
            return [child.pid for child in self._running]

    def close(self) -> None:
        """Stop every builder and start no more."""
        with self._lock:
            self._closed.set()
            children = list(self._running)
        for child in children:
            _end(child)  # its stdout is left to the thread following it


def update_index(
    index: SearchIndex,
    job: BuildJob,
    connect_index: Callable[[], sqlite3.Connection],
    builders: Builders,
    cancel: threading.Event | None = None,
) -> Iterator[IndexProgress]:
    """Bring `index` up to date with the posts of index.db (see `SearchIndex.update`): in a
    child process, or here when the index is in memory or its file turns out unwritable."""
    if not index.in_memory:
        if index.up_to_date_with(_posts_stamp(connect_index)):
            # Nothing to do: no child (a fresh interpreter costs a quarter second of CPU).
            yield IndexProgress(done=0, total=0, removed=0, finished=True)
            return
        try:
            for line in builders.run(job, cancel):
                if "done" in line:
                    yield _progress(line)
            return
        except sqlite3.OperationalError as error:
            if is_busy(error):
                raise
            index.to_memory(error)  # no room, a size limit: index again, in memory
    connection = connect_index()
    try:
        entries, markdown_for = library_entries(job.site, connection)
        yield from index.update(entries, markdown_for, cancel)
    finally:
        connection.close()


def _posts_stamp(connect_index: Callable[[], sqlite3.Connection]) -> str | None:
    connection = connect_index()
    try:
        return posts_stamp(connection)
    finally:
        connection.close()


def _progress(line: dict[str, object]) -> IndexProgress:
    return IndexProgress(
        done=int(str(line["done"])),
        total=int(str(line["total"])),
        removed=int(str(line["removed"])),
        finished=bool(line["finished"]),
    )


def child_environment() -> dict[str, str]:
    """The environment of a builder child: the parent's, with glibc's malloc told to give
    every block of 128 KiB or more its own mapping, unmapped when freed. By default the
    threshold rises to the biggest block freed, so after one long post (a 1 MB post's texts
    are several MB each) its copies are carved from the heap and stay resident: the builder
    kept 15 MB more for the rest of the build. Other platforms ignore the variable."""
    env = dict(os.environ)
    env.setdefault("MALLOC_MMAP_THRESHOLD_", str(MMAP_THRESHOLD))
    return env


def _spawn(job: BuildJob) -> subprocess.Popen[bytes]:
    env = child_environment()
    # The child imports this package from where the parent did, installed or not.
    package_root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
    child = subprocess.Popen(
        [sys.executable, "-m", "reader.core.search_builder"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert child.stdin is not None
    with contextlib.suppress(BrokenPipeError):  # it died at once: _follow tells why
        child.stdin.write(job.to_line().encode("utf-8") + b"\n")
        child.stdin.flush()
    return child


def _follow(
    child: subprocess.Popen[bytes], stopping: Callable[[], bool]
) -> Iterator[dict[str, object]]:
    assert child.stdout is not None and child.stderr is not None
    selector = selectors.DefaultSelector()
    selector.register(child.stdout, selectors.EVENT_READ)
    selector.register(child.stderr, selectors.EVENT_READ)
    pending, errors, ended = b"", b"", False
    try:
        while len(selector.get_map()) and not stopping():
            for key, _ in selector.select(timeout=POLL_SECONDS):
                data = os.read(key.fd, 65536)
                if not data:
                    selector.unregister(key.fileobj)
                elif key.fileobj is child.stderr:
                    errors = (errors + data)[-_ERROR_TAIL:]
                else:
                    *lines, pending = (pending + data).split(b"\n")
                    for raw in lines:
                        line = json.loads(raw)
                        if "fault" in line:
                            raise _fault(str(line["fault"]), str(line["message"]))
                        ended = ended or bool(line.get("finished"))
                        yield line
    finally:
        selector.close()
    if not ended and not stopping():
        code = child.wait()
        tail = errors.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        raise ChildProcessError(f"the search index builder ended early (exit {code}) {tail[0]}")


def _fault(kind: str, message: str) -> sqlite3.Error:
    if kind in ("write", "busy"):
        return sqlite3.OperationalError(message)
    return sqlite3.DatabaseError(message)


def stop(child: subprocess.Popen[bytes]) -> None:
    """Stop a builder and close its pipes."""
    _end(child)
    for stream in (child.stdout, child.stderr):
        with contextlib.suppress(OSError, ValueError):
            if stream is not None:
                stream.close()


def _end(child: subprocess.Popen[bytes]) -> None:
    """Stdin's end asks a builder to stop after its batch; a kill if it takes long."""
    with contextlib.suppress(OSError, ValueError):
        if child.stdin is not None:
            child.stdin.close()
    try:
        child.wait(timeout=STOP_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
