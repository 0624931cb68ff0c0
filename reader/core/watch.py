"""Following a library's folders while the app runs: the paths that changed, a group at a time.

watchfiles (Rust's `notify`: inotify, FSEvents, ReadDirectoryChangesW), chosen over a loop of
`stat` calls because the OS tells it of each change: with nothing changing on disk nothing is
read, and what is left is its check of the stop event every `STEP_MS`. Its defaults group
changes for up to 1.6 s; here a group ends after `STEP_MS` without a change (a post saved shows
well within a second) or after `GROUP_AT_MOST_MS` of changes (a `git pull` of 2,000 files is
one group, or a few). Editors save by writing a temporary file and renaming it over the post:
both paths come in one group, and the sync finds the post changed, never removed.

Where the folders cannot be watched (the inotify watch limit reached on a huge tree, a file
system without notifications), `WatchUnavailable` says why, and the caller resyncs every
`POLL_EVERY` seconds instead.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from reader.core.scan import DRAFTS_PREFIX, Site, is_post_name, skipped_folder

STEP_MS = 150
GROUP_AT_MOST_MS = 1_000
POLL_EVERY = 30.0
"""Seconds between two resyncs where watching is impossible."""

Watcher = Callable[..., Iterator[set[tuple[Any, str]]]]
"""`watchfiles.watch`, or a stand-in with its signature (tests)."""


class WatchUnavailable(Exception):
    """The library's folders cannot be watched; the message says why."""


def watch_library(
    site: Site,
    stop: threading.Event,
    on_change: Callable[[list[str]], None],
    watcher: Watcher | None = None,
) -> None:
    """Call `on_change` with the paths (as `FileRef.relpath` names them) of each group of
    changes under the library's folders, on this thread, until `stop` is set. A group that
    comes while `on_change` runs waits for it (the watcher keeps collecting meanwhile)."""
    if watcher is None:
        from watchfiles import watch

        watcher = watch
    roots = [site.posts_root]
    if site.only is None and site.drafts_root is not None and site.drafts_root.is_dir():
        roots.append(site.drafts_root)
    try:
        try:
            _follow(watcher, roots, site, stop, on_change, ignore_permission_denied=False)
        except PermissionError:
            # A folder it may not read: watch the others. Not asked for from the start, since
            # the watcher then passes over a reached watch limit too, and nothing would say so.
            _follow(watcher, roots, site, stop, on_change, ignore_permission_denied=True)
    except (OSError, RuntimeError) as error:  # watchfiles reports a watcher it cannot make so
        if not stop.is_set():
            raise WatchUnavailable(_first_sentence(str(error)) or type(error).__name__) from error


def _follow(
    watcher: Watcher,
    roots: Sequence[Path],
    site: Site,
    stop: threading.Event,
    on_change: Callable[[list[str]], None],
    *,
    ignore_permission_denied: bool,
) -> None:
    changes = watcher(
        *roots,
        watch_filter=None,  # every path: a folder removed has no name to filter by
        debounce=GROUP_AT_MOST_MS,
        step=STEP_MS,
        stop_event=stop,
        rust_timeout=0,
        raise_interrupt=False,
        ignore_permission_denied=ignore_permission_denied,
        recursive=site.only is None,  # a lone post: its folder, not the tree below it
    )
    for group in changes:
        paths = sorted(set(library_paths(site, (path for _change, path in group))))
        if paths and not stop.is_set():
            on_change(paths)


def _first_sentence(message: str) -> str:
    """The reason, without the watcher's debug dump of the paths and error after it."""
    return message.split(". ", 1)[0].rstrip(".")[:120]


def library_paths(site: Site, paths: Iterable[str]) -> Iterator[str]:
    """The relpaths of `paths` (absolute) that the library's walk could take: inside its
    folders, not in a hidden or skipped folder (a `git pull` writes hundreds of files under
    `.git`), and for a lone post, that post only."""
    roots = [(os.fspath(site.posts_root), "")]
    if site.drafts_root is not None:
        roots.insert(0, (os.fspath(site.drafts_root), DRAFTS_PREFIX))  # may lie inside
    for path in paths:
        for root, prefix in roots:
            inner = _inside(path, root)
            if inner is None:
                continue
            if site.only is not None:
                if inner == site.only:
                    yield inner
            elif inner and _walked(inner.split(os.sep)):
                yield prefix + Path(inner).as_posix()
            break


def _inside(path: str, root: str) -> str | None:
    if path == root:
        return ""
    base = root.rstrip(os.sep) + os.sep
    return path[len(base) :] if path.startswith(base) else None


def _walked(parts: list[str]) -> bool:
    """Whether the walk goes there: no hidden or skipped folder on the way, and the last part
    a post, or a folder it enters (an editor's `.post.md.swp` is neither)."""
    *folders, name = parts
    if any(skipped_folder(folder) for folder in folders):
        return False
    return is_post_name(name) or not skipped_folder(name)


def poll_library(stop: threading.Event, resync: Callable[[], None]) -> None:
    """Where watching is impossible: `resync` every `POLL_EVERY` seconds until `stop`."""
    while not stop.wait(POLL_EVERY):
        resync()
