"""`reader bookmarks list|add|remove`: bookmarks from scripts.

A FILE belongs to the deepest known library (opened or synced before) whose root contains it,
or to `--library PATH`. `list --json` prints JSON Lines with the keys of `JSON_KEYS`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from reader.core.errors import LibraryError
from reader.core.library import NOT_SAVED, Bookmark, Library, known_libraries, library_for_file
from reader.core.names import library_label
from reader.core.paths import StorePaths
from reader.core.sanitize import sanitize_line
from reader.core.scan import SiteError
from reader.core.words import counted

JSON_KEYS = (
    "path",
    "library",
    "title",
    "url",
    "heading",
    "anchor",
    "note",
    "created",
    "updated",
    "missing",
)
_SURROGATE = re.compile("[\ud800-\udfff]")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "bookmarks",
        help="list, add or remove bookmarks",
        description="List, add or remove bookmarks from the command line.",
    )
    actions = parser.add_subparsers(dest="bookmarks_action", metavar="ACTION", required=True)

    listing = actions.add_parser(
        "list", help="list bookmarks, newest first", description="List bookmarks, newest first."
    )
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    _library_option(listing, "only this library (default: every known library)")
    listing.set_defaults(handler=run_list)

    add = actions.add_parser("add", help="bookmark a post", description="Bookmark a post file.")
    add.add_argument("file", metavar="FILE", help="the post file")
    add.add_argument("--note", metavar="TEXT", help="a note to keep with the bookmark")
    add.add_argument("--heading", metavar="TEXT", help="bookmark this section of the post")
    _library_option(add, "the library FILE belongs to (default: the deepest known one)")
    add.set_defaults(handler=run_add)

    remove = actions.add_parser(
        "remove", help="remove bookmarks of a post", description="Remove bookmarks of a post."
    )
    remove.add_argument("file", metavar="FILE", help="the post file")
    remove.add_argument("--heading", metavar="TEXT", help="only the bookmark of this section")
    _library_option(remove, "the library FILE belongs to (default: the deepest known one)")
    remove.set_defaults(handler=run_remove)


def _library_option(parser: argparse.ArgumentParser, help_text: str) -> None:
    parser.add_argument("--library", metavar="PATH", help=help_text)


# -- shared by the bookmark commands -------------------------------------------------------


def store_paths(args: argparse.Namespace) -> StorePaths:
    return StorePaths.default(getattr(args, "data_dir", None))


@contextmanager
def opened(path: str, paths: StorePaths) -> Iterator[Library]:
    """Open a library by its path; a missing or unreadable one is a usage error."""
    from reader.cli import UsageError

    try:
        library = Library.open(path, paths=paths)
    except SiteError as error:
        raise UsageError(str(error)) from None
    try:
        yield library
    finally:
        library.close()


def default_library(paths: StorePaths) -> str:
    """The library opened last, for commands whose --library was left out."""
    from reader.cli import UsageError

    known = known_libraries(paths)
    if not known:
        raise UsageError("no library known yet: open one with `reader PATH`, or pass --library")
    return known[0]


def locate(args: argparse.Namespace, paths: StorePaths) -> tuple[str, str]:
    """(library path, post relpath) of args.file, from --library or the known libraries."""
    from reader.cli import UsageError

    file = args.file
    if args.library is None:
        found = library_for_file(file, paths)
        if found is None:
            raise UsageError(
                f"{file} is not in a library reader knows; open or sync its library first, "
                "or pass --library PATH"
            )
        return found
    with opened(args.library, paths) as library:
        root = library.root
    relpath = os.path.relpath(os.path.realpath(file), root)
    if relpath == os.curdir or relpath.split(os.sep)[0] == os.pardir:
        raise UsageError(f"{file} is not inside the library {library_label(root)}")
    return root, relpath.replace(os.sep, "/")


def _print(line: str) -> None:
    sys.stdout.write(_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", line) + "\n")


# -- list ----------------------------------------------------------------------------------


def run_list(args: argparse.Namespace) -> int:
    paths = store_paths(args)
    # Oldest first, so that opening each one leaves the "last opened" order as it was.
    roots = [args.library] if args.library else list(reversed(known_libraries(paths)))
    groups: list[tuple[str, list[Bookmark]]] = []
    for root in roots:
        try:
            with opened(root, paths) as library:
                for _progress in library.sync():  # current paths and missing marks
                    pass
                groups.append((library.root, library.bookmarks()))
        except LibraryError as error:  # a library moved away or a broken store: the others
            if args.library is not None:
                raise
            print(f"reader: skipped {library_label(root)}: {error}", file=sys.stderr)
    groups.reverse()  # last opened first
    for root, bookmarks in groups:
        if args.json:
            for bookmark in bookmarks:
                _print(json.dumps(json_record(bookmark), ensure_ascii=False))
        elif bookmarks:
            _print(library_label(root))
            for bookmark in bookmarks:
                for line in human_lines(bookmark):
                    _print(line)
    if not args.json and not any(b for _, b in groups):
        print("No bookmarks.")
    return 0


def json_record(bookmark: Bookmark) -> dict[str, object]:
    return {
        "path": bookmark.path,
        "library": bookmark.library,
        "title": bookmark.title,
        "url": bookmark.url,
        "heading": bookmark.heading,
        "anchor": bookmark.anchor,
        "note": bookmark.note,
        "created": bookmark.created.isoformat(),
        "updated": bookmark.updated.isoformat(),
        "missing": bookmark.missing,
    }


def human_lines(bookmark: Bookmark) -> list[str]:
    title = sanitize_line(bookmark.title)
    if bookmark.heading:
        title += " › " + sanitize_line(bookmark.heading)
    where = sanitize_line(bookmark.path) + (" (missing)" if bookmark.missing else "")
    lines = [f"  {bookmark.created:%Y-%m-%d %H:%M}  {title}", f"                    {where}"]
    if bookmark.note:
        lines.append("                    note: " + sanitize_line(bookmark.note))
    return lines


# -- add / remove --------------------------------------------------------------------------


def run_add(args: argparse.Namespace) -> int:
    from reader.cli import UsageError

    paths = store_paths(args)
    root, relpath = locate(args, paths)
    if not os.path.isfile(args.file):
        raise UsageError(f"{args.file} is not a file")
    with opened(root, paths) as library:
        try:
            try:
                bookmark = _add(library, relpath, args)
            except KeyError:
                for _progress in library.sync():  # a file new since the last sync: index it
                    pass
                bookmark = _add(library, relpath, args)
        except HeadingNotFound as error:
            print(f"reader: {error}", file=sys.stderr)
            return 1
        except KeyError:
            print(f"reader: {args.file} is not a post of {library_label(root)}", file=sys.stderr)
            return 1
    shown = sanitize_line(bookmark.title)
    if bookmark.heading:
        shown += " › " + sanitize_line(bookmark.heading)
    if not bookmark.saved:
        print(f"reader: bookmark {shown} {NOT_SAVED}", file=sys.stderr)
        return 1
    _print(f"Bookmarked {shown}")
    return 0


def _add(library: Library, relpath: str, args: argparse.Namespace) -> Bookmark:
    heading, anchor = None, None
    if args.heading is not None:
        heading, anchor = _find_heading(library, relpath, args.heading)
    return library.add_bookmark(relpath, heading=heading, anchor=anchor, note=args.note)


class HeadingNotFound(Exception):
    """--heading names no heading of the post."""


def _find_heading(library: Library, relpath: str, wanted: str) -> tuple[str, str]:
    """(heading text, anchor) of the post's heading named `wanted` (or with that anchor)."""
    headings = library.article(relpath).headings
    folded = wanted.strip().casefold()
    anchor = wanted.strip().lstrip("#")
    for exact in (True, False):
        for heading in headings:
            if (heading.text == wanted) if exact else heading.text.strip().casefold() == folded:
                return heading.text, heading.anchor
    for heading in headings:
        if heading.anchor == anchor:
            return heading.text, heading.anchor
    names = ", ".join(sanitize_line(h.text) for h in headings[:10]) or "none"
    raise HeadingNotFound(f"no heading {sanitize_line(wanted)!r} in {relpath} (headings: {names})")


def run_remove(args: argparse.Namespace) -> int:
    paths = store_paths(args)
    root, relpath = locate(args, paths)
    with opened(root, paths) as library:
        mine = [b for b in library.bookmarks() if b.path == relpath]
        if args.heading is not None:
            wanted = args.heading.strip()
            mine = [
                b
                for b in mine
                if b.heading is not None
                and (b.heading.casefold() == wanted.casefold() or b.anchor == wanted.lstrip("#"))
            ]
        if not mine:
            print(f"reader: no bookmark of {args.file} in {library_label(root)}", file=sys.stderr)
            return 1
        saved = [library.remove_bookmark(relpath, anchor=b.anchor) for b in mine]
    noun = counted(len(mine), "bookmark")
    if not all(saved):
        print(f"reader: removing {noun} of {args.file} was {NOT_SAVED}", file=sys.stderr)
        return 1
    _print(f"Removed {noun} of {sanitize_line(mine[0].title)}")
    return 0
