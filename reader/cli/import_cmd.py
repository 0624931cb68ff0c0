"""`reader import-bookmarks FILE`: restore bookmarks from a file written by export-bookmarks.

Exit 0 when every bookmark found a post, 1 when some did not (they are listed) or the file
could not be read.
"""

from __future__ import annotations

import argparse
import os
import sys

from reader.cli.bookmarks import opened, store_paths
from reader.core.bookmarks_import import NotAnExportError, import_bookmarks, parse_export
from reader.core.library import NOT_SAVED, known_libraries
from reader.core.names import library_label
from reader.core.sanitize import sanitize_line
from reader.core.words import counted

MAX_BYTES = 64 * 1024 * 1024


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "import-bookmarks",
        help="import bookmarks exported before",
        description=(
            "Restore the bookmarks, sections, notes and bookmark times of a file written by "
            "`reader export-bookmarks`. Posts are matched by source URL or path; bookmarks "
            "that match no post are listed."
        ),
    )
    parser.add_argument("file", metavar="FILE", help="a file written by export-bookmarks")
    parser.add_argument(
        "--library",
        metavar="PATH",
        help="the library to restore into (default: the one the file came from, when known "
        "here or when its folder exists; else the only known library)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from reader.cli import UsageError

    try:
        with open(args.file, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as error:
        raise UsageError(f"cannot read {args.file}: {error.strerror or error}") from None
    if len(data) > MAX_BYTES:
        print(f"reader: {args.file} is larger than 64 MiB", file=sys.stderr)
        return 1
    text = data.decode("utf-8", "replace")
    paths = store_paths(args)
    library_path = args.library or _library_of(text, known_libraries(paths), args.file)
    with opened(library_path, paths) as library:
        for _progress in library.sync():  # match against the files as they are now
            pass
        try:
            report = import_bookmarks(text, library)
        except NotAnExportError as error:
            print(f"reader: {args.file}: {error}", file=sys.stderr)
            return 1
        root = library.root
    summary = f"Restored {counted(report.restored, 'bookmark')} into {library_label(root)}"
    if report.unchanged:
        summary += f"; {report.unchanged:,} already there"
    print(summary + ".")
    if report.unmatched:
        print(f"{len(report.unmatched)} matched no post of the library:")
        for line in report.unmatched:
            print(f"  {sanitize_line(line)}")
    for problem in report.problems:
        print(f"reader: {args.file}: {problem}", file=sys.stderr)
    if not report.saved:
        print(f"reader: the restored bookmarks were {NOT_SAVED}", file=sys.stderr)
        return 1
    return 1 if report.unmatched or report.problems else 0


def _library_of(text: str, known: list[str], file: str) -> str:
    """The library the records came from when it is known here, else when its folder exists
    (said on stderr), else the only known library; else the user must say."""
    from reader.cli import UsageError

    items, _problems = parse_export(text)
    sources = sorted({item.library for item in items if item.library})
    for root in known:
        if root in sources:
            return root
    existing = [root for root in sources if os.path.isdir(root)]
    if len(existing) == 1:
        print(
            f"reader: importing into {library_label(existing[0])}, the library recorded in "
            f"{sanitize_line(file)} (pass --library PATH to choose another)",
            file=sys.stderr,
        )
        return existing[0]
    if not existing and len(known) == 1:
        return known[0]
    came_from = ", ".join(library_label(s) for s in sources) or "an unknown library"
    if existing:
        raise UsageError(
            f"the bookmarks came from several libraries ({came_from}): pass --library PATH"
        )
    raise UsageError(
        f"the bookmarks came from {came_from}, which is neither known here nor on this disk: "
        "pass --library PATH"
    )
