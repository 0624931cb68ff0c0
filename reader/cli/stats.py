"""`reader stats PATH`: posts, categories, unread, bookmarks, and where the stores are.

The index is brought up to date first (only changed files are parsed), so the numbers are
those of the files on disk.
"""

from __future__ import annotations

import argparse
import contextlib
import os
from pathlib import Path

from reader.cli.sync_cmd import open_library
from reader.core.library import FolderNode
from reader.core.names import library_label
from reader.core.sanitize import sanitize_line


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "stats",
        help="show counts and store locations of a library",
        description="Show posts, categories, unread posts, bookmarks and the store files.",
    )
    parser.add_argument("path", metavar="PATH", help="a Hexo, Jekyll or Hugo site, or a folder")
    parser.add_argument(
        "--drafts", action="store_true", help="include drafts (_drafts) of Hexo and Jekyll sites"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    library = open_library(args)
    try:
        for _ in library.sync():
            pass
        nodes = {n.folder.kind: n for n in library.folders() if n.folder.value == ()}
        categories = sum(_count(n) for n in library.folders() if n.folder.kind == "category")
        bookmarks = library.bookmarks()
        missing = sum(1 for b in bookmarks if b.missing)
        tags = len(nodes["tag"].children)
        lines = [
            ("library", library_label(library.root)),
            ("kind", library.site.kind),
            ("posts", str(nodes["all"].total)),
            ("categories", str(categories)),
            ("tags", str(tags)),
            ("unread", str(nodes["all"].unread)),
            ("bookmarks", f"{len(bookmarks)}" + (f" ({missing} missing)" if missing else "")),
            ("errors", str(nodes["errors"].total)),
            (
                "state",
                _file(library.paths.state_db) + (" (read-only)" if library.read_only else ""),
            ),
            ("index", _file(library.index_path)),
        ]
    finally:
        library.close()
    width = max(len(k) for k, _ in lines)
    for key, value in lines:
        print(f"{key.ljust(width)}  {value}")
    return 0


def _count(node: FolderNode) -> int:
    return 1 + sum(_count(child) for child in node.children)


def _shown(path: str | Path) -> str:
    return sanitize_line(os.fsencode(str(path)).decode("utf-8", "replace"))


def _file(path: Path) -> str:
    size = 0
    for suffix in ("", "-wal"):
        with contextlib.suppress(OSError):
            size += os.stat(f"{path}{suffix}").st_size
    return f"{_shown(path)} ({_size(size)})"


def _size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"  # pragma: no cover
