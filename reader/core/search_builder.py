"""The search index builder, run as a child process: `python -m reader.core.search_builder`.

Indexing turns every post into plain text, seconds of CPU per thousand posts: in a child process
at a lower priority it leaves the app's interpreter (and its GIL) to the UI. The child is
started fresh (never forked: the app holds threads and SQLite connections), reads the posts
from index.db and writes search.db on its own connections, one builder per search.db at a time
(`search_lock.build_lock`); batches it committed stay when it is stopped or killed, and the
next build goes on from there.

Protocol: the parent writes the job as one JSON line on stdin and keeps stdin open; stdin
ending (the parent stopped the build, or died) stops the build after the batch being made. The
child writes JSON lines on stdout: `{"waiting": true}` while another builder holds search.db,
then progress (`done`, `total`, `removed`, `finished`, as `IndexProgress`), or one
`{"fault": kind, "message": text}` with kind "write" (search.db cannot be written), "busy"
or "failed".
"""

from __future__ import annotations

import base64
import contextlib
import ctypes
import dataclasses
import json
import os
import pickle
import signal
import sqlite3
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from reader.core import search_write
from reader.core.scan import Site
from reader.core.search_lock import build_lock, users_lock
from reader.core.search_source import library_entries
from reader.core.search_write import prepare_schema
from reader.core.store.db import connect, is_busy
from reader.core.store.index import posts_stamp

NICENESS = 10
LOCK_POLL_SECONDS = 0.2
_PR_SET_PDEATHSIG = 1


@dataclasses.dataclass(frozen=True, slots=True)
class BuildJob:
    site: Site
    index_db: Path
    search_db: Path

    def to_line(self) -> str:
        site = base64.b64encode(pickle.dumps(self.site)).decode("ascii")
        return json.dumps(
            {
                "site": site,
                "index_db": str(self.index_db),
                "search_db": str(self.search_db),
                "parent": os.getpid(),
            }
        )


def build(
    job: BuildJob, cancel: threading.Event, report: Callable[[dict[str, object]], None]
) -> None:
    """Bring search.db up to date with index.db, holding the build lock; `report` gets the
    protocol's lines."""
    users, builder = users_lock(job.search_db), build_lock(job.search_db)
    users.acquire(shared=True, wait=True)  # search.db is open here: nobody may delete it
    try:
        if not builder.acquire():
            report({"waiting": True})
            while not builder.acquire():
                if cancel.wait(LOCK_POLL_SECONDS):
                    return
        _update(job, cancel, report)
    finally:
        builder.release()
        users.release()


def _update(
    job: BuildJob, cancel: threading.Event, report: Callable[[dict[str, object]], None]
) -> None:
    posts = connect(job.index_db, synchronous="NORMAL")
    search = connect(job.search_db, synchronous="NORMAL")
    try:
        prepare_schema(search)  # raises for a damaged file: the sessions replace those
        source = posts_stamp(posts)  # read first: a change made meanwhile counts after it
        entries, markdown_for = library_entries(job.site, posts)
        for progress in search_write.update(search, entries, markdown_for, cancel, source):
            report(dataclasses.asdict(progress))
    finally:
        search.close()
        posts.close()


def _die_with_parent(parent: int) -> None:
    """Linux: the kernel ends this process when its parent dies, however it dies."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(1)


def _watch_stdin(cancel: threading.Event) -> None:
    """Stop when stdin ends: the parent closed it, or went away (its end of the pipe closed).

    Reads the file descriptor, not `sys.stdin.buffer`: a thread blocked inside the buffered
    reader holds its lock, and at exit the interpreter waits a second for that lock before
    closing stdin, so every build ended a second late."""
    with contextlib.suppress(OSError, ValueError):
        while os.read(sys.stdin.fileno(), 4096):
            pass
    cancel.set()


def _report(line: dict[str, object]) -> None:
    sys.stdout.write(json.dumps(line) + "\n")
    sys.stdout.flush()


def main() -> int:
    # Ctrl-C in a terminal reaches the whole process group: the parent decides, and stops
    # the build by closing stdin, so the batch being written is committed or rolled back.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raw = json.loads(sys.stdin.buffer.readline())
    _die_with_parent(int(raw["parent"]))
    with contextlib.suppress(OSError):
        os.nice(NICENESS)
    site = pickle.loads(base64.b64decode(raw["site"]))  # written by our own parent
    job = BuildJob(site, Path(raw["index_db"]), Path(raw["search_db"]))
    cancel = threading.Event()
    threading.Thread(target=_watch_stdin, args=(cancel,), daemon=True).start()
    try:
        build(job, cancel, _report)
    except BrokenPipeError:
        return 1  # the parent is gone
    except sqlite3.OperationalError as error:
        _report({"fault": "busy" if is_busy(error) else "write", "message": str(error)})
    except OSError as error:
        _report({"fault": "write", "message": str(error)})
    except sqlite3.DatabaseError as error:
        _report({"fault": "failed", "message": str(error)})
    return 0


if __name__ == "__main__":
    sys.exit(main())
