"""`reader export-bookmarks`: the bookmarks of a library as a CommonMark file (or stdout)."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime

from reader.cli.bookmarks import default_library, opened, store_paths
from reader.core.export import ExportError, ExportExists, export_bookmarks, write_atomically
from reader.core.words import counted


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "export-bookmarks",
        help="export bookmarks to Markdown",
        description=(
            "Write the bookmarks of a library as a CommonMark document: a heading per group, "
            "one item per bookmark with its link, date, author, categories and note."
        ),
    )
    parser.add_argument(
        "--library", metavar="PATH", help="the library to export (default: the last opened)"
    )
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="write to FILE, atomically (default: stdout)"
    )
    parser.add_argument(
        "-f", "--force", action="store_true", help="replace FILE if it exists (else: refuse)"
    )
    parser.add_argument(
        "--group-by",
        choices=("category", "date", "none"),
        default="category",
        help="a heading per category path, per month of the post, or none (default: category)",
    )
    parser.add_argument(
        "--link",
        choices=("source", "file"),
        default="source",
        help="link titles to the source URL when known, or always to the post file",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    paths = store_paths(args)
    library_path = args.library if args.library else default_library(paths)
    with opened(library_path, paths) as library:
        # The files as they are now: a renamed post is relinked, a deleted one shows missing.
        for _progress in library.sync():
            pass
        bookmarks = library.bookmarks()
        root = library.root
    base_dir = None
    if args.output is not None:
        base_dir = os.path.dirname(os.path.abspath(args.output))
    text = export_bookmarks(
        bookmarks,
        group_by=args.group_by,
        link=args.link,
        library_root=root,
        now=datetime.now(UTC),
        base_dir=base_dir,
    )
    if args.output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return 0
    try:
        written = write_atomically(args.output, text, overwrite=args.force)
    except ExportExists as error:
        print(f"reader: {error}; not replaced (--force replaces it)", file=sys.stderr)
        return 1
    except ExportError as error:
        print(f"reader: {error}", file=sys.stderr)
        return 1
    print(f"Wrote {counted(len(bookmarks), 'bookmark')} to {written}")
    return 0
