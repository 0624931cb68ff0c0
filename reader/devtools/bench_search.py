"""Search measures for `reader bench`: index build, search.db size, query p50/p95 vs a scan.

Size is reported per character of indexed plain text (the posts' text, titles not counted,
after a WAL checkpoint) and per post; build time against 1.2 ms per post (10k in 12 s), and
beside it the time the same build spends only making the text (reading, converting, plain
text), which no index layout can save.

Queries of 1, 2 and 4 CJK characters and English words are drawn from the indexed posts' own
plain text (as `reader.core.search_bench` does), then each query runs through
`Library.search` and, right after it, through a brute-force substring scan over the same
posts' folded title and plain text (the baseline), in the same run.
"""

from __future__ import annotations

import random
import re
import sqlite3
import statistics
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from reader.core.paths import StorePaths
from reader.core.search import fold

if TYPE_CHECKING:
    from reader.core.library import Library
    from reader.devtools.bench import Result, Settings

GOAL_MS = 100
GOAL_BYTES_PER_CHAR = 2.0
GOAL_BUILD_MS_PER_POST = 1.2
KINDS = ("cjk-1", "cjk-2", "cjk-4", "english")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]+")
_WORD = re.compile(r"\b[A-Za-z]{4,}\b")


def indexed_texts(search_db: Path) -> list[tuple[str, str]]:
    """(folded title, folded plain text) of every post in search.db: what the index holds."""
    connection = sqlite3.connect(f"file:{search_db}?mode=ro", uri=True)
    try:
        return [
            (fold(title), fold(zlib.decompress(body).decode("utf-8")))
            for title, body in connection.execute(
                "SELECT title, body FROM docs JOIN bodies USING (id)"
            )
        ]
    finally:
        connection.close()


def sample_queries(
    texts: list[tuple[str, str]], count: int, seed: int = 11
) -> dict[str, list[str]]:
    """`count` queries of each kind, drawn from the texts themselves (so most have hits)."""
    rng = random.Random(seed)
    sample = rng.sample(texts, min(len(texts), 2000))
    runs = [run for _, body in sample for run in _CJK.findall(body)]
    words = sorted({word.lower() for _, body in sample for word in _WORD.findall(body)})
    queries: dict[str, list[str]] = {kind: [] for kind in KINDS}
    for size in (1, 2, 4):
        long_runs = [run for run in runs if len(run) >= size] or ["猫猫猫猫"]
        for _ in range(count):
            run = rng.choice(long_runs)
            at = rng.randrange(len(run) - size + 1)
            queries[f"cjk-{size}"].append(run[at : at + size])
    queries["english"] = rng.sample(words, min(count, len(words))) if words else ["text"] * count
    return queries


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _db_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if p.is_file())


def _extraction_seconds(library: Library) -> float:
    """Seconds to make the indexed text of every post, as the build does, without indexing."""
    from reader.core.library import Folder
    from reader.core.search import markdown_of_file, plain_text

    posts = library.posts(Folder("all"))
    started = time.perf_counter()
    for row in posts.rows(0, len(posts)):
        plain_text(markdown_of_file(library.site, row.path) or "")
    return time.perf_counter() - started


def measure_search(site: Path, size: int, settings: Settings) -> Iterator[Result]:
    from reader.core.library import Library
    from reader.devtools.bench import _ms, info_result, limit_result

    paths = StorePaths.default(settings.work_dir / f"warm-{size}")
    library = Library.open(site, paths=paths)
    try:
        for _synced in library.sync():  # a no-change resync after measure_sync; else all
            pass
        search_db = library.index_path.with_name("search.db")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{search_db}{suffix}").unlink(missing_ok=True)
        started = time.perf_counter()
        for _progress in library.update_search():
            pass
        build = time.perf_counter() - started
        yield limit_result(
            f"search index build {size}",
            round(build, 2),
            round(size * GOAL_BUILD_MS_PER_POST / 1000, 1),
            unit="s",
        )
        yield info_result(
            f"search text extraction {size}", round(_extraction_seconds(library), 2), "s"
        )
        connection = sqlite3.connect(search_db)
        try:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            connection.close()
        texts = indexed_texts(search_db)
        size_bytes = _db_bytes(search_db)
        characters = max(1, sum(len(body) for _, body in texts))
        yield info_result(f"search.db size {size}", round(size_bytes / 1e6, 2), "MB")
        yield limit_result(
            f"search.db bytes per char {size}",
            round(size_bytes / characters, 3),
            GOAL_BYTES_PER_CHAR,
            unit="B",
        )
        yield info_result(
            f"search.db bytes per post {size}", round(size_bytes / max(1, len(texts))), "B"
        )

        count = 20 if settings.repeats <= 3 else 40
        library.search('"warm"')  # open the connection and the page cache once
        for kind, queries in sample_queries(texts, count).items():
            index_times: list[float] = []
            scan_times: list[float] = []
            for query in queries:
                started = time.perf_counter()
                library.search(f'"{query}"')
                index_times.append(time.perf_counter() - started)

                started = time.perf_counter()
                term = fold(query)
                _hits = [1 for title, body in texts if term in title or term in body]
                scan_times.append(time.perf_counter() - started)
            yield limit_result(
                f"search {kind} p50 {size}",
                _ms(statistics.median(index_times)),
                GOAL_MS,
                baseline=_ms(statistics.median(scan_times)),
            )
            yield limit_result(
                f"search {kind} p95 {size}",
                _ms(_percentile(index_times, 0.95)),
                GOAL_MS,
                baseline=_ms(_percentile(scan_times, 0.95)),
            )
    finally:
        library.close()
