"""Figures of the store and library service, each next to its floor measured in the same run.

    python -m reader.devtools.store_figures [--library-dir DIR] [--repeats N]

- cold sync of the small library (default 10k posts) vs reading every file and parsing its
  YAML header with the C loader (goal <= 1.5x): what the library chooses, parsing in the sync's
  thread, and in one or two worker processes (reader.core.parse_pool);
- no-change resync of the large library (default 100k) vs `scandir` + `stat` of its tree;
- index.db size per 1k posts (after a cold sync, before any article was converted);
- windowed access: rows(0, 50) vs rows(N - 50, 50) of the All folder of the large library.

Measures alternate with their floors (so machine noise hits both) and medians are reported.
Synthetic libraries come from reader.devtools.synthetic and are kept in --library-dir.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from reader.core.library import Folder, Library
from reader.core.parse_pool import ParseWorkers, parse_in_thread
from reader.core.paths import StorePaths
from reader.core.sync import Parser, sync_index
from reader.devtools.bench import floor_read_and_parse, floor_scandir_stat
from reader.devtools.synthetic import build_library

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


def timed_sync(site: Path, data_dir: Path, parser: Parser | None = None) -> float:
    """Open the library and sync it; `parser` None is what Library.sync chooses."""
    started = time.perf_counter()
    library = Library.open(site, paths=StorePaths.default(data_dir))
    try:
        if parser is None:
            events = library.sync()
        else:
            events = sync_index(library.site, library.index_path, parser=parser)
        for _ in events:
            pass
    finally:
        library.close()
    return time.perf_counter() - started


def alternate(runs: dict[str, Callable[[], float]], repeats: int) -> dict[str, float]:
    """Median seconds of each run, the runs taken in turns."""
    values: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            values[name].append(run())
    return {name: statistics.median(v) for name, v in values.items()}


def index_size(data_dir: Path) -> int:
    return sum(
        p.stat().st_size for p in (data_dir / "cache").rglob("index.db*") if p.name != "search.db"
    )


def figures(library_dir: Path, small: int, large: int, repeats: int) -> dict[str, float]:
    corpus = CORPUS if CORPUS.is_dir() else None
    small_site = build_library(library_dir / f"library-{small}", small, corpus)
    large_site = build_library(library_dir / f"library-{large}", large, corpus)
    work = Path(tempfile.mkdtemp(prefix="reader-store-figures-"))
    out: dict[str, float] = {}
    try:
        fresh = iter(range(1_000_000))

        def cold(parser: Parser | None) -> Callable[[], float]:
            def run() -> float:
                data_dir = work / f"cold-{next(fresh)}"
                try:
                    return timed_sync(small_site, data_dir, parser)
                finally:
                    shutil.rmtree(data_dir, ignore_errors=True)

            return run

        one, two = ParseWorkers(1, pool_from=0), ParseWorkers(2, pool_from=0)
        try:
            medians = alternate(
                {
                    "floor": lambda: floor_read_and_parse(small_site),
                    "library": cold(None),
                    "serial": cold(parse_in_thread),
                    "workers1": cold(one.parse),
                    "workers2": cold(two.parse),
                },
                repeats,
            )
        finally:
            one.close()
            two.close()
        out["cold_floor_s"] = medians["floor"]
        out["cold_library_s"] = medians["library"]
        out["cold_serial_s"] = medians["serial"]
        out["cold_workers1_s"] = medians["workers1"]
        out["cold_workers2_s"] = medians["workers2"]

        small_dir = work / "warm-small"
        timed_sync(small_site, small_dir)
        out["index_bytes_per_1k_small"] = index_size(small_dir) / (small / 1000)

        large_dir = work / "warm-large"
        out["cold_large_s"] = timed_sync(large_site, large_dir)
        out["index_bytes_per_1k_large"] = index_size(large_dir) / (large / 1000)
        posts_root = large_site / "source" / "_posts"
        medians = alternate(
            {
                "floor": lambda: floor_scandir_stat(posts_root),
                "resync": lambda: timed_sync(large_site, large_dir),
            },
            repeats,
        )
        out["resync_floor_s"] = medians["floor"]
        out["resync_s"] = medians["resync"]

        library = Library.open(large_site, paths=StorePaths.default(large_dir))
        try:
            started = time.perf_counter()
            selection = library.posts(Folder("all"))
            out["posts_all_s"] = time.perf_counter() - started
            tail = len(selection) - 50

            def rows(start: int) -> Callable[[], float]:
                def run() -> float:
                    began = time.perf_counter()
                    got = selection.rows(start, 50)
                    elapsed = time.perf_counter() - began
                    assert len(got) == 50
                    return elapsed

                return run

            medians = alternate({"head": rows(0), "tail": rows(tail)}, max(21, repeats))
            out["rows_head_s"] = medians["head"]
            out["rows_tail_s"] = medians["tail"]
        finally:
            library.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out


def report(values: dict[str, float], small: int, large: int) -> str:
    def ms(key: str) -> str:
        return f"{values[key] * 1000:9.1f} ms"

    def ratio(key: str, floor: str) -> str:
        return f"{values[key] / values[floor]:.2f}x floor"

    return "\n".join(
        [
            f"cold sync {small}: floor (read + CSafeLoader) {ms('cold_floor_s')}",
            f"  Library.sync              {ms('cold_library_s')}  "
            f"{ratio('cold_library_s', 'cold_floor_s')}",
            f"  parsed in the sync thread {ms('cold_serial_s')}  "
            f"{ratio('cold_serial_s', 'cold_floor_s')}",
            f"  1 worker process          {ms('cold_workers1_s')}  "
            f"{ratio('cold_workers1_s', 'cold_floor_s')}",
            f"  2 worker processes        {ms('cold_workers2_s')}  "
            f"{ratio('cold_workers2_s', 'cold_floor_s')}",
            f"cold sync {large} (once)    {ms('cold_large_s')}",
            f"no-change resync {large}: floor (scandir + stat) {ms('resync_floor_s')}",
            f"  Library.sync              {ms('resync_s')}  {ratio('resync_s', 'resync_floor_s')}",
            f"index.db per 1k posts: {values['index_bytes_per_1k_small'] / 1024:.0f} KiB "
            f"({small}), {values['index_bytes_per_1k_large'] / 1024:.0f} KiB ({large})",
            f"posts(All) of {large}         {ms('posts_all_s')}",
            f"rows(0, 50)                 {ms('rows_head_s')}",
            f"rows({large - 50}, 50)          {ms('rows_tail_s')}",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reader.devtools.store_figures")
    parser.add_argument(
        "--library-dir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "reader-synthetic",
        help="where synthetic libraries are built once and kept",
    )
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    values = figures(args.library_dir, args.small, args.large, args.repeats)
    print(f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    print(report(values, args.small, args.large))
    if args.json:
        args.json.write_text(json.dumps(values, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
