"""Open the posts of the hostile library in the real `reader`, in a real terminal, and watch it.

    python -m reader.devtools.hostile_tour [--all | --sample] [--small] [--dir DIR] [--size WxH]

The hostile library (`reader.devtools.hostile`) is built, synced once, and the real app
(`python -m reader --data-dir D LIBRARY`) runs in a private tmux server with `set-clipboard on`
(`reader.devtools.tmuxapp`). The tour moves the list cursor onto each chosen post and presses
Enter, waits until the app stops writing, and scans the bytes the app wrote since the previous
post (`reader.devtools.ttyscan`). By default it opens every row of the list except the flood of
same-title posts, which contributes one; `--all` opens every row; `--sample` a post of every
hostile kind (what the test runs). Afterwards:

- the raw output holds no control sequence from content (OSC 52, OSC 0/2, DCS, APC, `ESC c`...);
- the tmux paste buffers are empty and the pane title and window name are as before;
- the app is still running, quits with `q` and exits 0;
- every post that rendered is marked read, and nothing else is (the cursor went where meant).

As root, the app runs without the file-permission override (`setpriv`), so a chmod 000 post is
really unreadable. Exit status: 0 clean, 1 findings, 2 the tour could not run.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reader.core.words import counted
from reader.devtools import hostile
from reader.devtools.tmuxapp import TmuxApp, TmuxError
from reader.devtools.ttyscan import scan_stream

READY = "Quit"
"""Shown in the footer once the app is up."""
LIST_FOOTER = "Filter"
"""The footer while the post list has the focus."""
ARTICLE_FOOTER = "Close"
"""The footer while the article has the focus."""
INDEXING = "Indexing for search"
"""The status line while the search index is built."""
INDEX_DONE = "Search index up to date"
SYNCING = "Syncing"
READING = "Reading the library"
"""The status line while a sync is still finding the files (before `Syncing n/total`)."""


@dataclass
class TourResult:
    targets: int = 0
    opened: int = 0
    """Targets the app rendered (marked read on open)."""
    not_rendered: list[str] = field(default_factory=list)
    """Targets the app reported instead of rendering (unreadable, not text...): `ID kind`."""
    stray_reads: list[str] = field(default_factory=list)
    """Posts marked read that were not targets (the cursor went somewhere else)."""
    leaks: list[str] = field(default_factory=list)
    """`ID: why: sequence` for every control sequence from content."""
    visible_markers: int = 0
    buffers: list[str] = field(default_factory=list)
    title_changed: str | None = None
    window_renamed: str | None = None
    died: str | None = None
    """The app exited or stopped answering during the tour (what was on the screen)."""
    exit_code: int | None = None
    seconds: float = 0.0
    slowest: list[tuple[float, str]] = field(default_factory=list)
    raw_bytes: int = 0
    indexing_seconds: float = 0.0
    """Seconds from the app being up to its start-up sync and search indexing being over."""

    @property
    def findings(self) -> list[str]:
        out = [f"leak {leak}" for leak in self.leaks]
        out += [f"paste buffer {b[:80]!r}" for b in self.buffers]
        if self.title_changed is not None:
            out.append(f"pane title changed to {self.title_changed!r}")
        if self.window_renamed is not None:
            out.append(f"window renamed to {self.window_renamed!r}")
        if self.died is not None:
            out.append(f"app died: {self.died}")
        if self.exit_code != 0:
            out.append(f"exit code {self.exit_code}")
        out += [f"read without being opened: {path!r}" for path in self.stray_reads]
        return out

    def summary(self) -> str:
        slow = ", ".join(f"{ident} {sec:.1f}s" for sec, ident in self.slowest[:5])
        lines = [
            f"posts opened: {self.opened + len(self.not_rendered)}/{self.targets} "
            f"({self.opened} rendered, {len(self.not_rendered)} reported with a reason)",
            f"raw output scanned: {self.raw_bytes:,} bytes; "
            f"payload markers shown as plain text: {self.visible_markers}",
            f"paste buffers: {len(self.buffers)}; pane title changed: "
            f"{'yes' if self.title_changed is not None else 'no'}; window renamed: "
            f"{'yes' if self.window_renamed is not None else 'no'}; exit code: {self.exit_code}",
            f"findings: {len(self.findings)}",
            *(f"  {finding}" for finding in self.findings[:50]),
            f"time: {self.seconds:.1f} s (start-up sync and search indexing "
            f"{self.indexing_seconds:.1f} s; "
            f"slowest posts: {slow})",
        ]
        if self.not_rendered:
            lines.append("reported instead of rendered: " + "; ".join(self.not_rendered[:40]))
        return "\n".join(lines)


def choose(manifest: hostile.Manifest, *, every: bool) -> list[hostile.Entry]:
    """Every entry (`every`), else every entry with one of the same-title flood."""
    out: list[hostile.Entry] = []
    seen_same = False
    for entry in manifest.entries:
        if entry.group == "same" and not every:
            if seen_same:
                continue
            seen_same = True
        out.append(entry)
    return out


SAMPLE_KINDS = (
    "raw controls inside YAML",
    "TOML title with escapes",
    "HTML body with osc52",
    "HTML body with ent-osc0",
    "HTML body with c1",
    "Markdown entities ent-osc52",
    "overlong/8-bit escapes, invalid UTF-8",
    "markup-looking click-quit",
    "markup-looking link-file",
    "markup in the file name",
    "dangerous link schemes",
    "bidi/unicode rlo",
    "bidi/unicode zalgo",
    "RLO in the file name",
    "10 MB Markdown post",
    "one 2 MB line",
    "5000-deep nested <div>",
    "pathological Markdown: brackets",
    "10,000 headings",
    "1000-level category path",
    "billion laughs in title",
    "YAML python-tag",
    "YAML int",
    "YAML dup-keys",
    "front matter that is a list",
    "date 9999",
    "date 1900",
    "date text",
    "empty file",
    "binary noise",
    "UTF-16 without BOM",
    "chmod 000 file",
    "FIFO named .md",
    "symlink to /etc/passwd",
    "ESC OSC in name",
    "OSC 52 in name",
    "invalid UTF-8 name",
    "raw 8-bit C1 bytes in name",
    "ESC in a folder name",
    "thousands of posts with one title",
)
"""Kinds the sample opens besides the escape families (see `sample`)."""


def sample(manifest: hostile.Manifest) -> list[hostile.Entry]:
    """A short tour that still opens a post of every hostile kind (what CI runs).

    Every escape-sequence family once, each in another field (title, category, author, tag,
    body, link, url in turn); HTML, entity, TOML and invalid-UTF-8 forms; and a post of every
    other group (markup, bidi, huge, YAML, dates, special files, names, the same-title flood).
    The titles and categories of the posts not opened are still drawn by the list and the tree.
    """
    fields = ("title", "category", "author", "tag", "body", "link", "url")
    wanted = {
        f"{family} in {fields[i % len(fields)]}"
        for i, family in enumerate(hostile.escape_payloads("x"))
    }
    wanted.update(SAMPLE_KINDS)
    return [entry for entry in choose(manifest, every=False) if entry.kind in wanted]


def _command(site: Path, data: Path, *args: str) -> list[str]:
    """`reader --data-dir DATA [ARGS] SITE`, without root's file-permission override."""
    command = [sys.executable, "-m", "reader", "--data-dir", str(data), *args, str(site)]
    setpriv = shutil.which("setpriv")
    if os.geteuid() == 0 and setpriv is not None:
        command = [setpriv, "--bounding-set", "-dac_override,-dac_read_search", *command]
    return command


def _list_order(site: Path, data: Path) -> list[str]:
    """Sync the library into `data` (as the app will see it) and return the list's order."""
    from reader.core.library import Folder, Library
    from reader.core.paths import StorePaths

    synced = subprocess.run(
        _command(site, data, "sync"), capture_output=True, text=True, timeout=600, check=False
    )
    if synced.returncode != 0:
        raise OSError(f"reader sync failed: {synced.stderr.strip()[-500:]}")
    library = Library.open(site, paths=StorePaths.default(data))
    try:
        posts = library.posts(Folder("all"))
        return [row.path for row in posts.rows(0, len(posts))]
    finally:
        library.close()


def _read_paths(site: Path, data: Path) -> set[str]:
    from reader.core.library import Folder, Library
    from reader.core.paths import StorePaths

    library = Library.open(site, paths=StorePaths.default(data))
    try:
        posts = library.posts(Folder("all"))
        return {row.path for row in posts.rows(0, len(posts)) if row.read}
    finally:
        library.close()


def tour(
    manifest: hostile.Manifest,
    entries: Sequence[hostile.Entry],
    data: Path,
    *,
    size: tuple[int, int] = (120, 40),
    quiet: float = 0.25,
    post_timeout: float = 60.0,
    progress: Callable[[str], None] | None = None,
) -> TourResult:
    """Open `entries` one after the other in the real app; see the module docstring."""
    site = Path(manifest.site_root)
    started = time.monotonic()
    result = TourResult(targets=len(entries))
    order = _list_order(site, data)
    index_of = {path: i for i, path in enumerate(order)}
    targets = sorted(
        ((index_of[e.path], e) for e in entries if e.path in index_of), key=lambda t: t[0]
    )
    missing = [e for e in entries if e.path not in index_of]
    for entry in missing:  # not in the list at all (a file inside a chmod 000 folder)
        result.not_rendered.append(f"{entry.id} {entry.kind} (not listed)")
    # ESCDELAY: how long Textual waits after a lone ESC before calling it the Escape key
    env = {"TERM": "xterm-256color", "LANG": "C.UTF-8", "COLORTERM": "truecolor", "ESCDELAY": "20"}
    watcher = _ReadWatcher(site, data)
    with TmuxApp(_command(site, data), size=size, env=env, workdir=data.parent) as app:
        try:
            app.wait_for(READY, 60)
            result.indexing_seconds = _wait_for_background_work(app)
            app.settle(0.5, 60)
            startup = app.raw()
            offset = len(startup)
            result.leaks += [f"startup: {leak}" for leak in scan_stream(startup).leaks]
            cursor, reading = 0, False
            for n, (index, entry) in enumerate(targets, 1):
                began = time.monotonic()
                if reading:
                    _focus(app, "Escape", LIST_FOOTER)
                step = index - cursor
                if step > 0:
                    app.tmux("send-keys", "-t", "main", "-N", str(step), "j")
                _focus(app, "Enter", ARTICLE_FOOTER)
                cursor, reading = index, True
                outcome = _outcome(app, watcher, entry, post_timeout)
                app.settle(quiet, post_timeout)
                took = time.monotonic() - began
                result.slowest.append((took, entry.id))
                raw = app.raw(offset)
                offset += len(raw)
                found = scan_stream(raw)
                result.leaks += [f"{entry.id} ({entry.kind}): {leak}" for leak in found.leaks]
                if outcome == "rendered":
                    result.opened += 1
                else:
                    result.not_rendered.append(f"{entry.id} {entry.kind}: {outcome}")
                if app.exit_code() is not None:
                    result.died = f"after {entry.id} ({entry.kind}):\n{app.screen()}"
                    break
                if progress is not None:
                    progress(f"[{n}/{len(targets)}] {entry.id} {entry.kind}: {took:.1f}s {outcome}")
            if result.died is None:
                _focus(app, "Escape", LIST_FOOTER)
                app.keys("q")
                result.exit_code = app.wait_exit(60)
        except TmuxError as error:
            result.died = str(error)
        finally:
            watcher.close()
            time.sleep(0.2)
            raw = app.raw()
            result.raw_bytes = len(raw)
            whole = scan_stream(raw)
            result.visible_markers = whole.visible_markers
            if not result.leaks and whole.leaks:  # a sequence cut by a frame boundary
                result.leaks += whole.leaks
            result.buffers = app.buffers()
            if app.pane_title() != app.initial_title:
                result.title_changed = app.pane_title()
            if app.window_name() != app.initial_window_name:
                result.window_renamed = app.window_name()
    target_paths = {entry.path for _i, entry in targets}
    result.stray_reads = sorted(_read_paths(site, data) - target_paths)
    result.slowest.sort(reverse=True)
    result.seconds = time.monotonic() - started
    return result


def _wait_for_background_work(app: TmuxApp, limit: float = 900.0) -> float:
    """Wait until the start-up sync and search indexing are over; returns the seconds waited.

    They run in workers while the app answers keys, but the tour measures each post, so it
    starts once the status line says the index is up to date (or has shown nothing for 5 s).
    """
    began = time.monotonic()
    quiet_since: float | None = None
    while time.monotonic() - began < limit:
        screen = app.screen()
        if INDEX_DONE in screen:
            break
        if INDEXING in screen or SYNCING in screen or READING in screen:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > 5:
            break
        time.sleep(0.2)
    return time.monotonic() - began


class _ReadWatcher:
    """The app's read marks, seen from this process through the library service."""

    def __init__(self, site: Path, data: Path) -> None:
        from reader.core.library import Library
        from reader.core.paths import StorePaths

        self.library = Library.open(site, paths=StorePaths.default(data))

    def is_read(self, path: str) -> bool:
        from reader.core.library import Folder

        posts = self.library.posts(Folder("all"))
        index = posts.index_of(path)
        return index is not None and posts.rows(index, 1)[0].read

    def close(self) -> None:
        self.library.close()


def _outcome(app: TmuxApp, watcher: _ReadWatcher, entry: hostile.Entry, timeout: float) -> str:
    """Wait until the post is rendered (the app marked it read) or the app says why not."""
    deadline = time.monotonic() + timeout
    while True:
        if watcher.is_read(entry.path):
            return "rendered"
        words = " ".join(app.screen().split())
        for cue in ("Cannot open", "Could not mark read"):
            at = words.find(cue)
            if at >= 0 and (cue != "Cannot open" or entry.id in words[at : at + 400]):
                return words[at : at + 160]
        if app.exit_code() is not None:
            return "the app exited"
        if time.monotonic() > deadline:
            return f"not rendered within {timeout:.0f} s"
        time.sleep(0.1)


def _footer(app: TmuxApp) -> str:
    lines = [line for line in app.screen().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _focus(app: TmuxApp, key: str, footer: str, timeout: float = 30.0) -> None:
    """Press `key` and wait until the footer shows `footer` (the pane that has the focus).

    A key sent while the app is busy is queued, not lost, but an Escape followed too soon by
    another key reads as Alt+key: so the next key waits until the Escape took effect.
    """
    app.keys(key)
    deadline = time.monotonic() + timeout
    pressed = time.monotonic()
    while footer not in _footer(app):
        if time.monotonic() > deadline:
            raise TmuxError(f"{key} did not bring up {footer!r}; screen:\n{app.screen()}")
        if key == "Escape" and time.monotonic() - pressed > 3:
            app.keys(key)  # swallowed as the start of a sequence: once more
            pressed = time.monotonic()
        time.sleep(0.03)


def _size(text: str) -> tuple[int, int]:
    cols, _, rows = text.partition("x")
    return int(cols), int(rows)


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m reader.devtools.hostile_tour", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--all", action="store_true", help="every row, all same-title posts too")
    parser.add_argument("--small", action="store_true", help="the small hostile library")
    parser.add_argument(
        "--sample", action="store_true", help="a post of every hostile kind only (what CI opens)"
    )
    parser.add_argument("--dir", help="build the library here (empty or missing); kept")
    parser.add_argument("--size", type=_size, default=(120, 40), help="terminal size, COLSxROWS")
    parser.add_argument("-v", "--verbose", action="store_true", help="one line per post")
    args = parser.parse_args(list(argv) if argv is not None else None)
    if shutil.which("tmux") is None:
        print("hostile_tour: tmux is not installed", file=sys.stderr)
        return 2
    work = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="hostile-tour-"))
    try:
        start = time.monotonic()
        manifest = hostile.build(work / "site", small=args.small)
        print(
            f"hostile library: {counted(len(manifest.entries), 'file')}"
            f"{' (small)' if args.small else ''} in {time.monotonic() - start:.1f} s",
            flush=True,
        )
        every = args.all
        entries = sample(manifest) if args.sample else choose(manifest, every=every)
        result = tour(
            manifest,
            entries,
            work / "data",
            size=args.size,
            progress=(lambda line: print(line, flush=True)) if args.verbose else None,
        )
    except (OSError, TmuxError) as error:
        print(f"hostile_tour: {error}", file=sys.stderr)
        return 2
    finally:
        if not args.dir:
            _remove(work)
    print(result.summary())
    return 1 if result.findings else 0


def _remove(path: Path) -> None:
    """Delete the work dir, chmod 000 entries included."""
    for dirpath, dirnames, _files in os.walk(path):
        for name in dirnames:
            with contextlib.suppress(OSError, NotImplementedError):
                os.chmod(os.path.join(dirpath, name), 0o755, follow_symlinks=False)
    shutil.rmtree(path, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
