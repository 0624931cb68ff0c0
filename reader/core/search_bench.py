"""Measure the search index on a synthetic library made from a corpus of real posts.

    python -m reader.core.search_bench CORPUS_DIR [--posts 10000] [--queries 40] [--db PATH]

Posts are assembled from sentences of the corpus (nothing is written but the index), then the
index is built and timed, and queries of 1, 2 and 4 CJK characters and English words are timed
against a brute-force substring scan over the same texts in the same run; the result sets are
compared too. Prints one table: wall-clock times, and the CPU time of the measuring thread
(SQLite runs on it), which stays meaningful when other processes load the machine; the load
average is printed before and after.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO

from reader.core.search import IndexEntry, SearchIndex, fold, plain_text
from reader.core.words import counted

_FRONT = re.compile(r"\A\s*---\s*\n(.*?)\n---\s*\n", re.DOTALL)
_TITLE = re.compile(r"^title:\s*['\"]?(.*?)['\"]?\s*$", re.MULTILINE)
_SENTENCE = re.compile(r"[^。！？.!?\n]+[。！？.!?]?")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]+")
_WORD = re.compile(r"\b[A-Za-z]{4,}\b")
SUFFIXES = (".md", ".markdown", ".html", ".htm")


def corpus_texts(corpus: Path) -> list[tuple[str, str]]:
    """(title, plain text) of every post file under `corpus`."""
    texts = []
    for file in sorted(corpus.rglob("*")):
        if file.suffix.lower() not in SUFFIXES or not file.is_file() or file.name == "README.md":
            continue
        raw = file.read_text("utf-8", errors="replace")
        front = _FRONT.match(raw)
        body = raw[front.end() :] if front else raw
        title_match = _TITLE.search(front.group(1)) if front else None
        title = title_match.group(1) if title_match else file.stem
        texts.append((title, plain_text(body)))
    return texts


def synthetic_library(corpus: Path, count: int, seed: int = 7) -> list[tuple[IndexEntry, str]]:
    """`count` posts whose titles and sentences are drawn from the corpus, with plausible sizes."""
    rng = random.Random(seed)
    texts = corpus_texts(corpus)
    sentences = [s.strip() for _, body in texts for s in _SENTENCE.findall(body) if s.strip()]
    lengths = [len(body) for _, body in texts]
    titles = [title for title, _ in texts]
    start = datetime(2015, 1, 1, tzinfo=UTC)
    posts = []
    for number in range(count):
        target = rng.choice(lengths)
        parts: list[str] = []
        size = 0
        while size < target:
            sentence = rng.choice(sentences)
            parts.append(sentence)
            size += len(sentence) + 1
        top = rng.choice(("新媒体", "游戏", "编程", "学习", "二次元"))
        entry = IndexEntry(
            path=f"{top}/{number:05d}.md",
            content_hash=f"{seed}-{number}",
            title=f"{rng.choice(titles)} {number}",
            date=start + timedelta(hours=rng.randrange(24 * 365 * 10)),
            categories=((top, f"source{number % 17}"),),
            tags=(f"tag{number % 23}",),
            author=f"author{number % 11}",
        )
        posts.append((entry, " ".join(parts)))
    return posts


def sample_queries(
    posts: list[tuple[IndexEntry, str]], count: int, seed: int = 11
) -> dict[str, list[str]]:
    rng = random.Random(seed)
    bodies = [body for _, body in posts]
    runs = [
        run for body in rng.sample(bodies, min(len(bodies), 2000)) for run in _CJK.findall(body)
    ]
    words = sorted({w.lower() for body in bodies[:2000] for w in _WORD.findall(body)})
    queries: dict[str, list[str]] = {"cjk-1": [], "cjk-2": [], "cjk-4": [], "english": []}
    for size in (1, 2, 4):
        long_runs = [run for run in runs if len(run) >= size]
        for _ in range(count):
            run = rng.choice(long_runs)
            at = rng.randrange(len(run) - size + 1)
            queries[f"cjk-{size}"].append(run[at : at + size])
    queries["english"] = rng.sample(words, min(count, len(words)))
    return queries


def _load() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run(
    corpus: Path, count: int, queries_per_kind: int, db: Path | None, out: TextIO = sys.stdout
) -> int:
    print(f"load average before: {_load()} ({os.cpu_count()} CPUs)", file=out)
    began = time.perf_counter()
    posts = synthetic_library(corpus, count)
    print(
        f"synthetic library: {counted(len(posts), 'post')}, "
        f"{sum(len(b) for _, b in posts) / 1e6:.1f} M chars of text "
        f"({time.perf_counter() - began:.1f} s to assemble)",
        file=out,
    )
    with tempfile.TemporaryDirectory() as scratch:
        path = db or Path(scratch) / "search.db"
        index = SearchIndex(path)
        bodies = {entry.path: body for entry, body in posts}
        began, began_cpu = time.perf_counter(), time.process_time()
        for _ in index.update((e for e, _ in posts), bodies.get):
            pass
        build = time.perf_counter() - began
        build_cpu = time.process_time() - began_cpu
        index.checkpoint()
        size = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
        characters = max(1, sum(len(body) for _, body in posts))
        print(
            f"index build: {build:.1f} s ({build_cpu:.1f} s CPU), size {size / 1e6:.1f} MB, "
            f"{size / characters:.2f} bytes per char of text, {size / max(1, count):.0f} per post",
            file=out,
        )
        folded = [(e.path, fold(e.title), fold(plain_text(body))) for e, body in posts]

        def brute(term: str) -> set[str]:
            return {p for p, t, b in folded if term in t or term in b}

        print(
            f"{'queries':10} {'n':>3} {'index p50':>10} {'index p95':>10} "
            f"{'scan p50':>9} {'scan p95':>9} {'avg hits':>9} same   "
            f"| CPU: {'index p50':>9} {'index p95':>9} {'scan p50':>8} {'scan p95':>8}",
            file=out,
        )
        mismatches = 0
        for kind, queries in sample_queries(posts, queries_per_kind).items():
            index_ms: list[float] = []
            scan_ms: list[float] = []
            index_cpu: list[float] = []
            scan_cpu: list[float] = []
            hits = 0
            same = True
            for query in queries:
                began, began_cpu = time.perf_counter(), time.thread_time()
                results = index.query(f'"{query}"', limit=50)
                index_cpu.append((time.thread_time() - began_cpu) * 1000)
                index_ms.append((time.perf_counter() - began) * 1000)
                began, began_cpu = time.perf_counter(), time.thread_time()
                expected = brute(fold(query))
                scan_cpu.append((time.thread_time() - began_cpu) * 1000)
                scan_ms.append((time.perf_counter() - began) * 1000)
                hits += results.total
                everything = index.query(f'"{query}"', limit=len(posts))
                if {hit.path for hit in everything.hits} != expected:
                    same = False
                    mismatches += 1
            print(
                f"{kind:10} {len(queries):>3} {statistics.median(index_ms):>8.1f}ms "
                f"{_percentile(index_ms, 0.95):>8.1f}ms {statistics.median(scan_ms):>7.1f}ms "
                f"{_percentile(scan_ms, 0.95):>7.1f}ms {hits / len(queries):>9.0f} "
                f"{'yes' if same else 'NO ':3}  "
                f"| CPU: {statistics.median(index_cpu):>7.1f}ms "
                f"{_percentile(index_cpu, 0.95):>7.1f}ms {statistics.median(scan_cpu):>6.1f}ms "
                f"{_percentile(scan_cpu, 0.95):>6.1f}ms",
                file=out,
            )
        print(f"load average after: {_load()}", file=out)
        index.close()
    return 1 if mismatches else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reader.core.search_bench")
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=40)
    parser.add_argument("--db", type=Path, help="keep the index at this path")
    args = parser.parse_args(argv)
    return run(args.corpus, args.posts, args.queries, args.db)


if __name__ == "__main__":
    sys.exit(main())
