"""`reader sync PATH`: bring the index of a library up to date.

A progress bar goes to stderr when it is a terminal; one summary line goes to stdout:
posts, new, changed, removed, errors, seconds.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import TextIO

from reader.core.library import Folder, Library, SyncProgress
from reader.core.paths import StorePaths
from reader.core.sanitize import sanitize_line
from reader.core.scan import SiteError

BAR_WIDTH = 30


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "sync",
        help="update the index of a library",
        description="Scan a library and index new and changed posts.",
    )
    parser.add_argument("path", metavar="PATH", help="a Hexo, Jekyll or Hugo site, or a folder")
    parser.add_argument(
        "--drafts", action="store_true", help="include drafts (_drafts) of Hexo and Jekyll sites"
    )
    parser.set_defaults(handler=run)


def open_library(args: argparse.Namespace) -> Library:
    """Open PATH with the global --data-dir; a missing or unusable PATH is a usage error."""
    from reader.cli import UsageError

    try:
        library = Library.open(
            args.path, paths=StorePaths.default(args.data_dir), drafts=args.drafts
        )
    except SiteError as error:
        raise UsageError(str(error)) from None
    for notice in library.notices:
        print(f"reader: {sanitize_line(notice)}", file=sys.stderr)
    return library


def run(args: argparse.Namespace) -> int:
    library = open_library(args)
    started = time.monotonic()
    tty = sys.stderr.isatty()
    last: SyncProgress | None = None
    shown = 0.0
    try:
        for event in library.sync():
            last = event
            if tty and (time.monotonic() - shown > 0.1 or event.done):
                shown = time.monotonic()
                _bar(sys.stderr, event)
        if tty:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
        seconds = time.monotonic() - started
        total = len(library.posts(Folder("all")))
    finally:
        library.close()
    if last is None:  # pragma: no cover - sync always yields a final event
        return 1
    print(
        f"posts {total}, new {last.new}, changed {last.changed}, removed {last.removed}, "
        f"errors {last.errors}, {seconds:.2f} s"
    )
    return 0


def _bar(stream: TextIO, event: SyncProgress) -> None:
    if event.total is None:  # still walking the folders: a count, no bar yet
        stream.write(f"\rfinding files: {event.seen}\x1b[K")
        stream.flush()
        return
    total = max(event.total, 1)
    filled = min(BAR_WIDTH, BAR_WIDTH * event.handled // total)
    stream.write(
        f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {event.handled}/{event.total} "
        f"parsed {event.parsed}, errors {event.errors}\x1b[K"
    )
    stream.flush()
