"""`reader list PATH [--json] [--drafts]`: every post of a library, one line each.

The table is for people (date, category path, title); `--json` prints one object per post per
line, sorted by path, with exactly the keys of `JSON_KEYS`. Paths are relative to PATH as
given; bytes of a file name that are not UTF-8 are written as `\\udcXX` escapes so they
round-trip. Per-file errors are listed, they do not change the exit code.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from reader.core.model import CATEGORIES_SEPARATOR, Post, category_label
from reader.core.parse import read_post
from reader.core.sanitize import sanitize_line
from reader.core.scan import (
    DRAFTS_PREFIX,
    FileRef,
    Site,
    SiteError,
    detect_site,
    display_name,
    scan,
)
from reader.core.words import counted

JSON_KEYS = (
    "path",
    "title",
    "date",
    "date_source",
    "categories",
    "tags",
    "author",
    "url",
    "format",
    "error",
)
_SURROGATE = re.compile("[\ud800-\udfff]")
PARALLEL_FROM = 2000
"""Files from which `posts` parses in worker processes (below, process start-up dominates)."""
MAX_WORKERS = 4
_START_METHODS = multiprocessing.get_all_start_methods()
_ENCODER = json.JSONEncoder(ensure_ascii=False)  # one encoder: json.dumps builds one per call


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "list",
        help="list the posts of a library",
        description="List every post of a library: date, category path and title.",
    )
    parser.add_argument("path", metavar="PATH", help="a Hexo, Jekyll or Hugo site, or a folder")
    parser.add_argument(
        "--json", action="store_true", help="one JSON object per post per line, sorted by path"
    )
    parser.add_argument(
        "--drafts", action="store_true", help="include drafts (_drafts) of Hexo and Jekyll sites"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from reader.cli import UsageError

    try:
        site = detect_site(args.path, drafts=args.drafts)
    except SiteError as error:
        raise UsageError(str(error)) from None
    prefixes = _prefixes(site, args.path)
    rows = sorted(((_shown_path(post.path, prefixes), post) for post in posts(site)), key=_key)
    out = sys.stdout
    out.flush()
    write = out.buffer.write if hasattr(out, "buffer") else None
    lines = (_json_line(path, post) for path, post in rows) if args.json else _table(rows)
    for line in lines:
        if write is not None:
            write(line.encode("utf-8", "surrogateescape") + b"\n")
        else:  # pragma: no cover - a replaced stdout without a byte buffer
            out.write(line + "\n")
    out.flush()
    return 0


def posts(site: Site) -> Iterator[Post]:
    """Every post of the site, parsed from disk (the index can stand in for this later).

    Large libraries are parsed by a few worker processes (YAML parsing is CPU-bound and holds
    the GIL); the order of the result is the scan order either way.
    """
    refs = list(scan(site))
    workers = _worker_count(len(refs))
    if workers < 2:
        for ref in refs:
            yield read_post(site, ref).post
        return
    size = max(64, len(refs) // (workers * 4) + 1)
    batches = [refs[i : i + size] for i in range(0, len(refs), size)]
    context = multiprocessing.get_context("fork" if "fork" in _START_METHODS else None)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for batch in pool.map(_read_batch, [site] * len(batches), batches):
            yield from batch


def _worker_count(files: int) -> int:
    if files < PARALLEL_FROM:
        return 1
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cpus = os.cpu_count() or 1
    return min(cpus, MAX_WORKERS)


def _read_batch(site: Site, refs: list[FileRef]) -> list[Post]:
    return [read_post(site, ref).post for ref in refs]


def _key(row: tuple[str, Post]) -> str:
    return row[0]


def _prefixes(site: Site, given: str) -> tuple[str, str]:
    """What to put before a relpath so it is relative to PATH as given (posts, drafts)."""
    base = os.path.realpath(os.path.expanduser(given))

    def prefix(root: os.PathLike[str] | None) -> str:
        if root is None:
            return ""
        rel = os.path.relpath(root, base).replace(os.sep, "/")
        return "" if rel == "." else rel + "/"

    return prefix(site.posts_root), prefix(site.drafts_root)


def _shown_path(relpath: str, prefixes: tuple[str, str]) -> str:
    if relpath.startswith(DRAFTS_PREFIX) and prefixes[1]:
        return prefixes[1] + relpath[len(DRAFTS_PREFIX) :]
    return prefixes[0] + relpath


def _json_line(path: str, post: Post) -> str:
    record: dict[str, Any] = {
        "path": path,
        "title": post.title,
        "date": post.date.isoformat() if post.date is not None else None,
        "date_source": post.date_source,
        "categories": [list(category) for category in post.categories],
        "tags": list(post.tags),
        "author": post.author,
        "url": post.url,
        "format": post.format,
        "error": post.error,
    }
    line = _ENCODER.encode(record)
    if _SURROGATE.search(path):
        # Lone surrogates only come from undecodable file-name bytes; write them as \udcXX.
        line = _SURROGATE.sub(lambda m: f"\\u{ord(m[0]):04x}", line)
    return line


def _table(rows: Iterable[tuple[str, Post]]) -> Iterator[str]:
    rows = list(rows)
    errors = 0
    cat_width = 0
    cells: list[tuple[str, str, str]] = []
    for _path, post in rows:
        date = post.date.strftime("%Y-%m-%d") if post.date is not None else "-"
        if post.date_source == "mtime" and post.date is not None:
            date += "*"
        category = CATEGORIES_SEPARATOR.join(map(category_label, post.categories)) or "-"
        category = _clip(category, 40)
        title = post.title
        if post.error:
            errors += 1
            title = f"{title}  [{post.error}: {sanitize_line(display_name(_path))}]"
        cat_width = max(cat_width, _width(category))
        cells.append((date, category, title))
    for date, category, title in cells:
        yield f"{date:<11} {_pad(category, cat_width)}  {title}"
    summary = counted(len(rows), "post")
    if errors:
        summary += f", {errors:,} with errors"
    if any(post.date_source == "mtime" for _path, post in rows):
        summary += " (* date from the file's modification time)"
    yield summary


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _clip(text: str, width: int) -> str:
    if _width(text) <= width:
        return text
    out = []
    used = 0
    for ch in text:
        used += _width(ch)
        if used > width - 1:
            break
        out.append(ch)
    return "".join(out) + "…"
