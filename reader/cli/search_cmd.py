"""`reader search PATH QUERY`: full-text search from the command line.

The index is brought up to date first (sync, then search indexing; a progress line goes to
stderr when it is a terminal). Then one result per line: path, title, date, snippet, separated
by tabs; or with --json, JSON Lines with path (relative to the posts root), title, date,
categories, snippet (plain text) and highlights ([start, end] character offsets in snippet).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import TextIO

from reader.core.library import Library
from reader.core.paths import StorePaths
from reader.core.sanitize import sanitize_line
from reader.core.scan import SiteError, display_name
from reader.core.search import QueryError, SearchHit
from reader.core.words import counted

QUERY_HELP = (
    'words and "phrases" (all must occur, any case); cat:NAME author:NAME tag:NAME '
    "is:unread is:bookmarked after:YYYY-MM-DD before:YYYY-MM-DD"
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "search",
        help="search the posts of a library",
        description="Search the posts of a library (Chinese and Japanese included).",
        epilog=f"QUERY: {QUERY_HELP}.",
    )
    parser.add_argument("path", metavar="PATH", help="a Hexo, Jekyll or Hugo site, or a folder")
    parser.add_argument("query", metavar="QUERY", nargs="+", help="what to look for")
    parser.add_argument("--json", action="store_true", help="print JSON Lines")
    parser.add_argument(
        "--limit", type=_positive, default=50, metavar="N", help="at most N results (default 50)"
    )
    parser.add_argument(
        "--drafts", action="store_true", help="include drafts (_drafts) of Hexo and Jekyll sites"
    )
    parser.set_defaults(handler=run)


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"not a positive number: {value}")
    return number


def run(args: argparse.Namespace) -> int:
    from reader.cli import UsageError

    try:
        library = Library.open(
            args.path, paths=StorePaths.default(args.data_dir), drafts=args.drafts
        )
    except SiteError as error:
        raise UsageError(str(error)) from None
    try:
        for notice in library.notices:
            print(f"reader: {sanitize_line(notice)}", file=sys.stderr)
        _bring_up_to_date(library, sys.stderr)
        try:
            results = library.search(" ".join(args.query), limit=args.limit)
        except QueryError as error:
            raise UsageError(f"bad query: {error}") from None
    finally:
        library.close()
    out = sys.stdout
    for hit in results.hits:
        if args.json:
            out.write(json.dumps(hit_json(hit), ensure_ascii=False) + "\n")
        else:
            out.write(hit_line(hit) + "\n")
    if not results.complete:
        print("reader: the search index is incomplete; results may be missing", file=sys.stderr)
    if sys.stderr.isatty():
        shown = len(results.hits)
        more = f" (showing {shown})" if shown < results.total else ""
        about = "" if results.total_exact else "about "
        print(f"{about}{counted(results.total, 'result')}{more}", file=sys.stderr)
    return 0


def _bring_up_to_date(library: Library, err: TextIO) -> None:
    tty = err.isatty()
    shown = 0.0
    for sync_event in library.sync():
        if tty and (time.monotonic() - shown > 0.1 or sync_event.done):
            shown = time.monotonic()
            err.write(f"\rsyncing {counted(sync_event.seen, 'file')}\x1b[K")
            err.flush()
    for event in library.update_search():
        if tty and (time.monotonic() - shown > 0.1 or event.finished):
            shown = time.monotonic()
            err.write(f"\rindexing for search {event.done}/{event.total}\x1b[K")
            err.flush()
    if tty:
        err.write("\r\x1b[K")
        err.flush()


def hit_json(hit: SearchHit) -> dict[str, object]:
    return {
        "path": sanitize_line(display_name(hit.path)),
        "title": hit.title,
        "date": hit.date.isoformat() if hit.date else None,
        "categories": [list(path) for path in hit.categories],
        "snippet": hit.snippet,
        "highlights": [list(span) for span in hit.highlights],
    }


def hit_line(hit: SearchHit) -> str:
    path = display_name(hit.path)
    date = hit.date.strftime("%Y-%m-%d") if hit.date else "-"
    fields = (path, hit.title, date, hit.snippet)
    return "\t".join(sanitize_line(field) for field in fields)
