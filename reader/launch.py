"""`reader [PATH]`: pick the library, read the config, run the app; errors are one line.

Library: PATH if given; else the last one opened; else the sample library shipped in the package.
PATH may be one post file: it opens in the known library holding it, else on its own; `-`
reads a post from standard input and the keys from the terminal (`/dev/tty`).
Exit codes: 0 quit, 1 the app crashed (the traceback is in a log file), 2 bad usage (missing
PATH, bad config, a terminal that cannot show the app).
"""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path

from reader.browser import in_browser
from reader.core.config import Config, ConfigError, load_config
from reader.core.paths import StorePaths
from reader.core.sanitize import sanitize_line


def sample_library() -> Path:
    """The bundled guide to reader, a Hexo-style site inside the package."""
    import reader

    return Path(reader.__file__).parent / "sample"


def resolve_library(path: str | None, paths: StorePaths) -> Path:
    """PATH, else the last-used known library that still exists, else the sample library."""
    from reader.core.library import known_libraries

    if path is not None:
        return Path(path).expanduser()
    for root in known_libraries(paths):
        if Path(root).is_dir():
            return Path(root)
    return sample_library()


def terminal_problem() -> str | None:
    """Why this terminal cannot show the app, or None (always None in a browser: these
    checks are the terminal driver's)."""
    if in_browser():
        return None
    term = os.environ.get("TERM", "")
    if term in ("", "dumb", "unknown"):
        shown = term or "unset"
        return (
            f"this terminal (TERM={shown}) cannot show the app; set TERM (e.g. xterm-256color) "
            "or use `reader list` and `reader show`"
        )
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        return "the app needs a terminal; use `reader list` and `reader show` in scripts"
    return None


def load_settings(paths: StorePaths) -> Config:
    """The config, with its remapped binding ids checked against the key table, and refused
    when a remap gives one key two jobs where both would reach it, or gives a text box's
    binding a key the box would type."""
    from reader.keys import ALL_IDS, find_conflict, find_typed_key

    config = load_config(paths.config_file)
    config.check_key_ids(set(ALL_IDS))
    conflict = find_conflict(dict(config.keys))
    if conflict is not None:
        remapped = conflict.second if conflict.second in config.keys else conflict.first
        raise ConfigError(config.path, config.key_lines.get(remapped), conflict.message())
    typed = find_typed_key(dict(config.keys))
    if typed is not None:
        raise ConfigError(config.path, config.key_lines.get(typed.binding_id), typed.message())
    return config


def run(path: str | None = None, data_dir: str | None = None) -> int:
    """Run the app; returns the process exit code."""
    paths = StorePaths.default(data_dir)
    try:
        config = load_settings(paths)
    except ConfigError as error:
        _error(f"bad config: {error}")
        return 2
    if path == "-":
        from reader.core.piped import PipedError  # only for `reader -`: start-up stays lean

        try:
            path = str(_read_piped_post(paths))
        except (PipedError, OSError) as error:
            _error(str(error))
            return 2
    root = resolve_library(path, paths)
    if path is not None and not root.exists():
        _error(f"no such library: {path}")
        return 2
    from reader.core.scan import SiteError, lone_post_site

    open_path: str | None = None
    if root.is_file():
        try:
            lone_post_site(root)  # a post file at all? Said before anything is opened.
        except SiteError as error:
            _error(str(error))
            return 2
        from reader.core.library import post_location

        found, open_path = post_location(root, paths)
        root = Path(found)
    problem = terminal_problem()
    if problem is not None:
        _error(problem)
        return 2

    from reader.core.errors import LibraryError
    from reader.core.library import Library
    from reader.opening import open_patiently

    try:
        opened = open_patiently(lambda: Library.open(root, paths=paths))
        if opened is None:
            return 0  # quit while another reader held the store
        library = opened
    except SiteError as error:
        _error(str(error))
        return 2
    except LibraryError as error:  # the store could not be opened (a SiteError is one too)
        cause = error.__cause__
        _error(f"cannot open the library {root}: {getattr(cause, 'strerror', None) or error}")
        return 1

    from reader.app import ReaderApp

    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    crash_log = paths.cache_dir / "logs" / f"crash-{stamp}-{os.getpid()}.log"
    # The terminal knows its size; an exported COLUMNS/LINES (some shells export 80x24) would
    # pin the app to that size through every resize (Textual asks shutil, which prefers them).
    for name in ("COLUMNS", "LINES"):
        if not in_browser():  # the web driver's first size comes this way
            os.environ.pop(name, None)
    app = ReaderApp(library, config, paths=paths, crash_log=crash_log, open_path=open_path)
    # The UI thread takes the interpreter back from a background thread (a sync, a list read)
    # within 1 ms, not Python's default 5 ms: a key's answer asks for it again at every SQL
    # answer and every wait, and each turn cost up to 5 ms while a big library synced.
    sys.setswitchinterval(0.001)
    try:
        app.run()
    finally:
        app.library.close()  # the one open now ("Open library…" closed the ones before)
    if app.crashed is not None:
        where = f"; details in {app.crash_log}" if app.crash_log is not None else ""
        _error(f"crashed: {app.crashed}{where}")
        return 1
    code = app.return_code
    return code if code is not None else 0


def _read_piped_post(paths: StorePaths) -> Path:
    """Keep standard input as a post file; then take keys from the terminal instead."""
    from reader.core.piped import MAX_PIPED, PipedError, save_piped_post

    if sys.stdin.isatty():
        raise PipedError("nothing is piped in (try: cat post.md | reader -)")
    data = sys.stdin.buffer.read(MAX_PIPED + 1)
    saved = save_piped_post(data, paths)
    try:
        tty = os.open("/dev/tty", os.O_RDWR)
    except OSError as error:
        raise PipedError(f"no terminal to take keys from (/dev/tty: {error.strerror})") from None
    os.dup2(tty, sys.stdin.fileno())  # Textual reads keys from file descriptor 0
    os.close(tty)
    return saved


def _error(message: str) -> None:
    print(f"reader: {sanitize_line(message)}", file=sys.stderr)
