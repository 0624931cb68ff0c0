"""Parse the changed files of a sync in worker processes, so the app's threads keep the GIL.

Reading, decoding and YAML parsing are pure Python: run in a thread of the app they starve its
event loop (keys took 0.4-1.3 s while a 10k library synced). Here they run in `WORKERS`
processes, each a fresh interpreter (spawned, never forked: the app holds threads and open
SQLite connections) that runs only this module: multiprocessing's `spawn` would run the app's
main script again in every worker. Each worker reads pickled batches of `FileRef`s on its
stdin and writes `IndexRow`s, plain values, on its stdout: the sync thread only unpickles and
writes them (a 10k cold sync: 0.6 s of the app's CPU instead of 4 s). Batches go round the
workers, two in flight per worker, and come back in order. Workers run niced, so the app's
event loop wins the cores (at the price of a slower sync when other programs load the machine).

Workers are stateless, so stopping them is always safe: they go when the sync ends, is
cancelled or its library closes, and on their own when the app is gone (their stdin closes).
A sync of fewer than `POOL_FROM` files parses in its own thread: starting a worker (0.3-1 s)
would cost more than the parse.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import signal
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Iterator, Sequence
from typing import IO, Any

from reader.core.parse import read_post
from reader.core.scan import FileRef, Site
from reader.core.store.index import IndexRow, post_row

WORKERS = min(2, os.cpu_count() or 1)
"""Worker processes of a big sync. One worker takes the parse out of the app's process; a
second halves its time where there are cores for both (measured: reader.devtools.store_figures)."""
POOL_FROM = 2000
"""Files to parse from which a sync starts worker processes: below, starting them (0.3-1 s)
costs more than parsing in the sync's thread (1000 files: 0.7 s in the thread, 1.5 s with one
worker on a loaded 2-core machine)."""
IN_FLIGHT = 2
"""Batches sent to a worker ahead of its results: it never waits for the next one."""
NICENESS = 10
"""Workers run at a lower priority: on a machine with few cores they would take the CPU from the
app's event loop (the GIL is no longer the bottleneck, the cores are)."""
_STOP_SECONDS = 1.0
_WORKER_MAIN = (
    "import pickle, sys; sys.path[:] = pickle.load(sys.stdin.buffer); "
    "from reader.core.parse_pool import serve; serve()"
)


def parse_rows(site: Site, refs: Sequence[FileRef]) -> list[IndexRow]:
    """Read and parse `refs` into index rows (the body is not kept: the index stores none)."""
    rows = []
    for ref in refs:
        parsed = read_post(site, ref)
        rows.append(post_row(parsed.post, ref.size, ref.mtime_ns, parsed.content_hash or None))
    return rows


def parse_in_thread(site: Site, batches: Sequence[Sequence[FileRef]]) -> Iterator[list[IndexRow]]:
    for batch in batches:
        yield parse_rows(site, batch)


def _send(stream: IO[bytes], message: object) -> None:
    data = pickle.dumps(message, pickle.HIGHEST_PROTOCOL)
    stream.write(len(data).to_bytes(8, "little"))
    stream.write(data)
    stream.flush()


def _receive(stream: IO[bytes]) -> Any:
    head = stream.read(8)
    size = int.from_bytes(head, "little") if len(head) == 8 else -1
    data = stream.read(size) if size >= 0 else b""
    if size < 0 or len(data) < size:
        raise EOFError("the parse worker stopped")
    return pickle.loads(data)


def serve() -> None:
    """A worker process: parse batches until stdin closes (the sync ended or the app is gone).
    Ctrl-C in a terminal is the parent's to handle."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(OSError, AttributeError):
        os.nice(NICENESS)  # the app's event loop comes first for the CPU
    source = sys.stdin.buffer
    sink = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # a stray print must not break the pipe
    sys.stdout = sys.stderr
    jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()

    def read() -> None:
        # Batches are read as soon as they come, so the sync never blocks sending one while
        # this worker blocks sending its rows (paths long enough fill a pipe's buffer).
        try:
            while True:
                jobs.put(_receive(source))
        except (EOFError, OSError):
            jobs.put(None)

    threading.Thread(target=read, daemon=True).start()
    while (job := jobs.get()) is not None:
        site, refs = job
        try:
            _send(sink, parse_rows(site, refs))
        except OSError:
            return


class _Worker:
    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", _WORKER_MAIN],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # the app's terminal is its screen
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self.requests: IO[bytes] = self.process.stdin
        self.replies: IO[bytes] = self.process.stdout
        pickle.dump(sys.path, self.requests)  # finds this package wherever the app found it
        self.requests.flush()

    def send(self, message: object) -> None:
        _send(self.requests, message)

    def receive(self) -> Any:
        return _receive(self.replies)

    def stop(self, *, at_once: bool = False) -> None:
        """Let the worker finish (its stdin closed, it exits), or end it `at_once`: also from
        another thread than the sync's, whose read then fails (the pipes are left to it)."""
        if not at_once:
            with contextlib.suppress(OSError):
                self.requests.close()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(_STOP_SECONDS)
        if self.process.poll() is None:
            self.process.kill()  # in the middle of a batch: nothing of it is kept
            self.process.wait()

    def close_pipes(self) -> None:
        for pipe in (self.requests, self.replies):
            with contextlib.suppress(OSError):
                pipe.close()


class ParseWorkers:
    """The worker processes of one library's syncs: started per big sync, stopped when it ends,
    and all stopped by `close` (the library closes while a sync still runs)."""

    def __init__(self, processes: int = WORKERS, *, pool_from: int = POOL_FROM) -> None:
        self.processes = processes
        self.pool_from = pool_from
        self._lock = threading.Lock()
        self._running: list[_Worker] = []
        self._closed = False

    def pids(self) -> list[int]:
        """Process ids of the workers running now."""
        with self._lock:
            return [w.process.pid for w in self._running if w.process.pid is not None]

    def parse(self, site: Site, batches: Sequence[Sequence[FileRef]]) -> Iterator[list[IndexRow]]:
        """The rows of each batch, in order. A worker that dies (killed, out of memory) leaves
        the batches not yet done to this thread; `close` ends the iteration."""
        files = sum(len(batch) for batch in batches)
        workers: list[_Worker] | None = None
        if self.processes >= 1 and files >= self.pool_from and sys.executable:
            with contextlib.suppress(OSError):  # no process to be had: parse here
                workers = self._start(min(self.processes, len(batches)))
        if workers is None:
            yield from parse_in_thread(site, batches)
            return
        if not workers:  # closed
            return
        done, at_once = 0, False
        try:
            for rows in self._through(workers, site, batches):
                done += 1
                yield rows
        except GeneratorExit:
            at_once = True  # the sync was cancelled: the batches still parsing are not wanted
            raise
        except (EOFError, OSError):
            if self._closed:
                return
            yield from parse_in_thread(site, batches[done:])
        finally:
            self._stop(workers, at_once=at_once)

    def _through(
        self, workers: list[_Worker], site: Site, batches: Sequence[Sequence[FileRef]]
    ) -> Iterator[list[IndexRow]]:
        waiting: deque[_Worker] = deque()
        sent = 0

        def send_next() -> None:
            nonlocal sent
            if sent < len(batches):
                worker = workers[sent % len(workers)]
                worker.send((site, batches[sent]))
                waiting.append(worker)
                sent += 1

        for _ in range(IN_FLIGHT * len(workers)):
            send_next()
        while waiting:
            rows: list[IndexRow] = waiting.popleft().receive()
            send_next()  # before the caller writes these rows: the worker goes on meanwhile
            yield rows

    def _start(self, count: int) -> list[_Worker]:
        with self._lock:
            if self._closed:
                return []
            workers: list[_Worker] = []
            try:
                for _ in range(count):
                    workers.append(_Worker())
            except OSError:
                for worker in workers:
                    worker.stop(at_once=True)
                    worker.close_pipes()
                raise
            self._running.extend(workers)
            return workers

    def _stop(self, workers: list[_Worker], *, at_once: bool) -> None:
        for worker in workers:
            worker.stop(at_once=at_once)
            worker.close_pipes()
        with self._lock:
            self._running = [w for w in self._running if w not in workers]

    def close(self) -> None:
        """Stop every worker now and start no more; a sync still running stops where it is."""
        with self._lock:
            self._closed = True
            workers = list(self._running)
        for worker in workers:
            worker.stop(at_once=True)
