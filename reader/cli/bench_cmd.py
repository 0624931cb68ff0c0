"""`reader bench`: measure start, sync, open, filter, search and memory against their floors."""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from reader.cli import UsageError
from reader.core.paths import StorePaths

DEFAULT_SIZES = (1000, 10000, 100000)
QUICK_SIZES = (1000, 10000)
CORPUS_BESIDE_CHECKOUT = Path(__file__).resolve().parents[3] / "shared" / "corpus"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "bench",
        help="measure speed and memory on synthetic libraries (reports, never gates)",
        description=(
            "Measure cold sync, no-change resync, first paint, opening a post, filtering, "
            "search and peak memory on synthetic libraries of the given sizes (built once and "
            "cached; bodies drawn from the sample library and the shared corpus), each against "
            "its baseline in the same run. Reports the figures; never fails on a slow one."
        ),
    )
    parser.add_argument("--sizes", help="comma-separated library sizes (default 1000,10000,100000)")
    parser.add_argument("--quick", action="store_true", help="1k and 10k posts, few repeats")
    parser.add_argument("--repeats", type=int, help="runs per measure (default 5, quick 3)")
    parser.add_argument("--out", metavar="FILE", help="also write the results as JSON")
    parser.add_argument("--corpus", metavar="DIR", help="real posts to draw bodies from")
    parser.add_argument(
        "--only",
        metavar="NAMES",
        help="comma-separated measures to run (sync, lists, search, first_paint, open, keys, "
        "memory, memory_walk; default all)",
    )
    parser.add_argument(
        "--work-dir",
        metavar="DIR",
        help="where synthetic libraries are cached (default: cache dir)",
    )
    parser.set_defaults(handler=run)


def _sizes(args: argparse.Namespace) -> tuple[int, ...]:
    if args.sizes:
        try:
            sizes = tuple(int(part) for part in args.sizes.split(","))
        except ValueError:
            message = f"--sizes takes numbers separated by commas, not {args.sizes!r}"
            raise UsageError(message) from None
        if any(size <= 0 for size in sizes):
            raise UsageError("--sizes must be positive")
        return sizes
    return QUICK_SIZES if args.quick else DEFAULT_SIZES


def _only(args: argparse.Namespace, known: Iterable[str]) -> tuple[str, ...]:
    if not args.only:
        return ()
    names = tuple(name.strip() for name in args.only.split(",") if name.strip())
    unknown = [name for name in names if name not in known]
    if unknown or not names:
        raise UsageError(f"--only takes some of: {', '.join(known)}")
    return names


def run(args: argparse.Namespace) -> int:
    from reader.devtools import bench

    only = _only(args, bench.MEASURE_NAMES)

    corpus = Path(args.corpus) if args.corpus else CORPUS_BESIDE_CHECKOUT
    if args.corpus and not corpus.is_dir():
        raise UsageError(f"no such corpus folder: {args.corpus}")
    work_dir = (
        Path(args.work_dir)
        if args.work_dir
        else StorePaths.default(args.data_dir).cache_dir / "bench"
    )
    work_dir.mkdir(parents=True, exist_ok=True)
    repeats = args.repeats or (3 if args.quick else 5)
    with tempfile.TemporaryDirectory(dir=work_dir) as scratch:
        settings = bench.Settings(
            sizes=_sizes(args),
            repeats=repeats,
            corpus=corpus if corpus.is_dir() else None,
            work_dir=Path(scratch),
            library_dir=work_dir,
            only=only,
        )
        print(bench.HEADER, flush=True)
        results = bench.run(settings, sys.stdout)
    if args.out:
        bench.write_json(results, Path(args.out))
    return 0
