"""Crash and concurrency checks of state.db with real processes.

    python -m reader.core.store.crashcheck --rounds 1000

Each round starts a child that writes state changes (read mark, bookmark, position, in
turn), printing the number of each change after its transaction committed; the parent
SIGKILLs it at a random moment, then checks every reported change is in the store.
`two_writers` runs two children at once against one store and checks nothing was lost.
"""

from __future__ import annotations

import argparse
import random
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from reader.core.paths import StorePaths
from reader.core.store.state import PostInfo, StateStore
from reader.core.words import counted

LIBRARY = "/crashcheck/library"
_INFO = PostInfo("Crash check", None, None, None, (("Checks",),))


def apply_change(store: StateStore, lib: int, key: str, n: int) -> None:
    """Change number n: a read mark, a bookmark or a position, in turn."""
    kind = n % 3
    if kind == 0:
        store.set_read(lib, [(f"{key}-{n}.md", f"hash{n}")], True, f"mark {n}")
    elif kind == 1:
        store.add_bookmark(lib, f"{key}-{n}.md", _INFO, heading=None, anchor=None, note=str(n))
    else:
        store.save_position(lib, f"{key}-{n}.md", n)


def missing_changes(store: StateStore, lib: int, key: str, numbers: list[int]) -> list[int]:
    reads = store.reads(lib)
    notes = {b.path: b.note for b in store.bookmarks(lib)}
    lost = []
    for n in numbers:
        path = f"{key}-{n}.md"
        kind = n % 3
        ok = (
            reads.get(path) == f"hash{n}"
            if kind == 0
            else notes.get(path) == str(n)
            if kind == 1
            else store.position(lib, path) == n
        )
        if not ok:
            lost.append(n)
    return lost


def _child(data_dir: str, key: str, start: int, count: int) -> int:
    store = StateStore.open(StorePaths.default(data_dir))
    if store.read_only:
        print("read-only: " + "; ".join(store.notices), file=sys.stderr)
        return 1
    lib = store.library_id(LIBRARY, touch=False)
    print("ready", flush=True)
    for n in range(start, start + count):
        apply_change(store, lib, key, n)
        print(n, flush=True)
    return 0


def _spawn(data_dir: Path, key: str, start: int, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "reader.core.store.crashcheck",
            "--child",
            str(data_dir),
            key,
            str(start),
            str(count),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _reported(output: str) -> list[int]:
    # A line cut by the kill has no newline: it was not fully reported, so it is not counted.
    lines = output.split("\n")[:-1]
    return [int(line) for line in lines if line.isdigit()]


@dataclass(frozen=True, slots=True)
class Result:
    rounds: int
    committed: int
    lost: list[tuple[int, int]]  # (round, change number)
    seconds: float


def crash_rounds(data_dir: Path, rounds: int, *, seed: int = 0) -> Result:
    rng = random.Random(seed)
    started = time.monotonic()
    committed = 0
    lost: list[tuple[int, int]] = []
    for round_no in range(rounds):
        child = _spawn(data_dir, "crash", round_no * 100_000, 100_000)
        assert child.stdout is not None
        if child.stdout.readline().strip() != "ready":
            raise RuntimeError(f"child failed to start: {child.stderr and child.stderr.read()}")
        time.sleep(rng.uniform(0.0, 0.08))
        child.send_signal(signal.SIGKILL)
        output, _ = child.communicate()
        numbers = _reported(output)
        committed += len(numbers)
        store = StateStore.open(StorePaths.default(data_dir))
        try:
            if store.notices:
                raise RuntimeError("; ".join(store.notices))
            lib = store.library_id(LIBRARY, touch=False)
            lost.extend((round_no, n) for n in missing_changes(store, lib, "crash", numbers))
        finally:
            store.close()
    return Result(rounds, committed, lost, time.monotonic() - started)


def two_writers(data_dir: Path, count: int) -> list[str]:
    """Two processes make `count` changes each at once; returns the lost ones."""
    StateStore.open(StorePaths.default(data_dir)).close()  # create and migrate first
    children = [_spawn(data_dir, key, 0, count) for key in ("one", "two")]
    outputs = [c.communicate(timeout=600) for c in children]
    for child, (_, err) in zip(children, outputs, strict=True):
        if child.returncode != 0:
            raise RuntimeError(f"writer failed: {err}")
    store = StateStore.open(StorePaths.default(data_dir))
    try:
        lib = store.library_id(LIBRARY, touch=False)
        lost = []
        for key, (out, _) in zip(("one", "two"), outputs, strict=True):
            numbers = _reported(out)
            if len(numbers) != count:
                lost.append(f"{key}: reported {len(numbers)} of {count}")
            lost.extend(f"{key}-{n}" for n in missing_changes(store, lib, key, list(range(count))))
        return lost
    finally:
        store.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reader.core.store.crashcheck")
    parser.add_argument("--rounds", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data-dir", help="store to use (default: a temporary directory)")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        data_dir, key, start, count = args.child
        return _child(data_dir, key, int(start), int(count))
    with tempfile.TemporaryDirectory(prefix="reader-crashcheck-") as scratch:
        data_dir = Path(args.data_dir or scratch)
        result = crash_rounds(data_dir, args.rounds, seed=args.seed)
    print(
        f"{counted(result.rounds, 'round')}, "
        f"{counted(result.committed, 'change')} reported committed, "
        f"{len(result.lost)} lost, {result.seconds:.1f} s"
    )
    for round_no, n in result.lost[:20]:
        print(f"lost: round {round_no} change {n}")
    return 1 if result.lost else 0


if __name__ == "__main__":
    sys.exit(main())
