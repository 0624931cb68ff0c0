"""Shared test factories: posts on disk, synced libraries, read-only data dirs, script drivers.

One `write_post` for every layer; the UI layer's sites (`make_site`) live in tests/ui_helpers.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.core.library import Library
from reader.core.paths import StorePaths

if TYPE_CHECKING:
    import pytest
    from textual.pilot import Pilot

    from reader.app import ReaderApp

ROOT = Path(__file__).resolve().parents[1]


def _quoted(value: str) -> str:
    """A YAML double-quoted scalar for any text (JSON strings are valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def write_post(
    root: Path,
    rel: str,
    title: str,
    *,
    date: str = "2024-01-02 10:00:00",
    body: str = "Hello.\n",
    categories: Sequence[str] = (),
    tags: Sequence[str] = (),
    url: str | None = None,
    extra: str = "",
) -> Path:
    """A Markdown post at `root/rel` with front matter; returns its path.

    `extra` is raw front-matter text (whole lines, each ending in a newline)."""
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["---", f"title: {_quoted(title)}", f"date: {date}"]
    if categories:
        lines.append("categories:")
        lines.extend(f"  - {_quoted(c)}" for c in categories)
    if tags:
        lines.append("tags:")
        lines.extend(f"  - {_quoted(t)}" for t in tags)
    if url:
        lines.append(f"permalink: {_quoted(url)}")
    path.write_text("\n".join(lines) + "\n" + extra + "---\n" + body, encoding="utf-8")
    return path


MINIMAL_POST = "---\ntitle: x\n---\nbody\n"


def write_file(path: Path, text: str = MINIMAL_POST) -> Path:
    """`text` written as-is at `path` (folders made): for files where only the file matters
    (a scan), or that no post factory would write (broken or missing front matter, HTML,
    non-posts)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def make_posts(
    root: Path,
    count: int,
    *,
    rel: Callable[[int], str] = lambda n: f"p{n}.md",
    title: Callable[[int], str] = lambda n: f"Post {n}",
    date: Callable[[int], str] = lambda n: "2024-01-01",
    categories: Callable[[int], Sequence[str]] = lambda n: (),
    body: Callable[[int], str] = lambda n: f"Body {n}\n",
) -> list[Path]:
    """`count` posts under `root`, post `n` (0-based) described by the callables."""
    return [
        write_post(root, rel(n), title(n), date=date(n), categories=categories(n), body=body(n))
        for n in range(count)
    ]


@dataclass(frozen=True)
class BlogPost:
    """One post of a bookmark test's blog: `url` becomes its permalink."""

    title: str
    body: str
    url: str | None = None


def write_blog(root: Path, posts: Mapping[str, BlogPost], *, date: str) -> Path:
    """A folder library of `posts` (relative path -> post) at `root`, all dated `date`;
    returns `root`."""
    for rel, post in posts.items():
        write_post(root, rel, post.title, date=date, body=post.body, url=post.url)
    return root


def synced(library: Library) -> Library:
    """Run `library`'s sync to the end; returns the library."""
    for _ in library.sync():
        pass
    return library


def open_synced(site: Path, data: Path) -> Library:
    return synced(Library.open(site, paths=StorePaths.default(data)))


def sync_once(site: Path, data: Path) -> None:
    """Open `site` with its store in `data`, sync it to the end and close it: so the command
    line knows the library."""
    open_synced(site, data).close()


def cli(capsys: pytest.CaptureFixture[str], data: Path, *args: str) -> tuple[int, str, str]:
    """`reader --data-dir data *args` in this process: (exit code, stdout, stderr)."""
    from reader.cli import main

    capsys.readouterr()
    code = main(["--data-dir", str(data), *args])
    out, err = capsys.readouterr()
    return code, out, err


@contextmanager
def read_only(data: Path) -> Iterator[Path]:
    """`data` and everything in it read-only for the block, writable again after."""
    for path in [data, *data.rglob("*")]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        yield data
    finally:
        for path in [data, *data.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)


@contextmanager
def locked_folder(folder: Path) -> Iterator[Path]:
    """`folder` itself read-only for the block (what is in it keeps its modes)."""
    folder.chmod(0o555)
    try:
        yield folder
    finally:
        folder.chmod(0o755)


def run_python_unprivileged(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -c code args` as a user that file modes bind (root's writes ignore them)."""
    from tests.conftest import unprivileged

    return subprocess.run(
        unprivileged([sys.executable, "-c", code, *args]),
        capture_output=True,
        text=True,
        check=False,
    )


def script_command(script: Path, *args: str) -> list[str]:
    return [sys.executable, str(script), *args]


def script_env() -> dict[str, str]:
    """The environment for a test module run as a script: `tests.*` importable."""
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }


def run_script(command: Sequence[str], *, timeout: float = 300) -> dict[str, Any]:
    """Run a test module as a script (see `script_command`); its last stdout line is JSON."""
    out = subprocess.run(
        list(command),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env=script_env(),
    )
    assert out.returncode == 0, out.stderr[-3000:]
    result: dict[str, Any] = json.loads(out.stdout.splitlines()[-1])
    return result


@asynccontextmanager
async def headless_app(
    site: Path, data: Path, *, size: tuple[int, int] = (100, 30)
) -> AsyncIterator[tuple[ReaderApp, Pilot[int], Library]]:
    """The real app on `site` (store in `data`), headless, its start-up workers ended; yields
    (app, pilot, library) and closes the library after."""
    from reader.app import ReaderApp
    from reader.core.config import Config
    from tests.ui_helpers import idle  # it imports this module

    paths = StorePaths.default(data)
    library = Library.open(site, paths=paths)
    app = ReaderApp(library, Config(search_index="on_search"), paths=paths)
    try:
        async with app.run_test(size=size) as pilot:
            await idle(pilot)  # the start-up sync, started once the first screen is painted
            yield app, pilot, library
    finally:
        library.close()


def notifications(app: ReaderApp) -> list[str]:
    """The messages of the notifications still shown (Textual drops expired ones)."""
    return [str(n.message) for n in app._notifications]


def notification_ids(app: ReaderApp) -> set[str]:
    return {n.identity for n in app._notifications}


def notifications_since(app: ReaderApp, before: set[str]) -> list[str]:
    """Messages notified since `notification_ids` gave `before`. Not by count: a notice that
    expires meanwhile (a slow start on a busy machine) would shift an index."""
    return [str(n.message) for n in app._notifications if n.identity not in before]
