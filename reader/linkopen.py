"""Decide what a link in a post may do, and open the allowed ones without a shell.

Only http, https and mailto leave the app, through `$BROWSER` or the desktop's opener called
with an argument list (never a shell string); a terminal browser runs in the foreground while
the app is suspended, and a background opener is reaped when it ends. A relative link opens
another post of the library when it resolves to a file inside the library root; `#anchor`
jumps inside the article. Everything else (`file:`, `javascript:`, `data:`, scheme-relative
`//host`, ...) is refused with a reason.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Literal
from urllib.parse import unquote, urlsplit

from reader.core.sanitize import sanitize_line

ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
POST_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd", ".html", ".htm")

TargetKind = Literal["external", "post", "anchor", "refused"]


@dataclass(frozen=True, slots=True)
class LinkTarget:
    kind: TargetKind
    value: str
    """The URL (external), post relpath (post), anchor (anchor) or the shown href (refused)."""
    reason: str = ""
    """Why a link is refused, for the message."""
    anchor: str | None = None
    """For a post link: the `#fragment`, if any."""

    def describe(self) -> str:
        """One line that shows the real target before anything is opened."""
        if self.kind == "external":
            return f"opens outside: {self.value}"
        if self.kind == "post":
            suffix = f"#{self.anchor}" if self.anchor else ""
            return f"opens in reader: {self.value}{suffix}"
        if self.kind == "anchor":
            return f"jumps to section: #{self.value}"
        return f"refused: {self.reason}"


def classify(href: str, *, root: str, post_path: str) -> LinkTarget:
    """Say what following `href` from the post `post_path` (relative to `root`) would do."""
    # Browsers drop tabs and newlines inside URLs ("java\tscript:"); so do we, before looking.
    shown = sanitize_line(href)
    cleaned = "".join(shown.split())
    if not cleaned:
        return LinkTarget("refused", shown, "empty link")
    if cleaned.startswith("#"):
        return LinkTarget("anchor", unquote(cleaned[1:]))
    try:
        parts = urlsplit(cleaned)
    except ValueError:
        return LinkTarget("refused", shown, f"not a valid link: {shown}")
    scheme = parts.scheme.lower()
    if scheme:
        if scheme not in ALLOWED_SCHEMES:
            return LinkTarget("refused", shown, f"{scheme}: links are not opened ({shown})")
        if scheme != "mailto" and not parts.netloc:
            return LinkTarget("refused", shown, f"no host in {shown}")
        return LinkTarget("external", cleaned)
    if parts.netloc or cleaned.startswith("//"):
        return LinkTarget("refused", shown, f"link without a scheme: {shown}")
    relpath = _resolve_relative(unquote(parts.path), root=root, post_path=post_path)
    if relpath is None:
        return LinkTarget("refused", shown, f"not a post of this library: {shown}")
    return LinkTarget("post", relpath, anchor=unquote(parts.fragment) or None)


def _resolve_relative(path: str, *, root: str, post_path: str) -> str | None:
    """The relpath of the post file a relative link names, if it is inside the root."""
    if not path or "\x00" in path:
        return None
    base = PurePosixPath(post_path).parent
    joined = PurePosixPath(path.lstrip("/")) if path.startswith("/") else base / path
    parts: list[str] = []
    for part in joined.parts:
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return None  # climbs out of the library root
            parts.pop()
        else:
            parts.append(part)
    if not parts:
        return None
    relative = "/".join(parts)
    real_root = os.path.realpath(root)
    candidates = [relative]
    if not relative.endswith(POST_SUFFIXES):
        stem = relative.rstrip("/")
        candidates += [stem + suffix for suffix in POST_SUFFIXES[:2]]
        candidates += [f"{stem}/index{suffix}" for suffix in POST_SUFFIXES[:2]]
    for candidate in candidates:
        full = os.path.realpath(os.path.join(real_root, candidate))
        inside = full == real_root or full.startswith(real_root.rstrip(os.sep) + os.sep)
        if inside and os.path.isfile(full):
            return candidate
    return None


TERMINAL_BROWSERS = frozenset({"w3m", "lynx", "links", "links2", "elinks", "browsh", "carbonyl"})
"""Browsers that draw in the terminal: the app must step aside while one runs."""


@dataclass(frozen=True, slots=True)
class Opener:
    """How to open a URL here: the command (URL included) and whether it takes the terminal."""

    command: list[str]
    foreground: bool


def _has_display() -> bool:
    """A graphical session this process can reach (over plain SSH there is none)."""
    if sys.platform == "darwin" or os.name == "nt":
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _from_browser_variable(url: str, display: bool) -> Opener | None:
    """The first usable entry of `$BROWSER` (commands separated by ':', `%s` for the URL)."""
    for entry in os.environ.get("BROWSER", "").split(os.pathsep):
        try:
            words = shlex.split(entry)
        except ValueError:
            continue
        if not words or shutil.which(words[0]) is None:
            continue
        if any("%s" in word for word in words):
            command = [word.replace("%s", url) for word in words]
        else:
            command = [*words, url]
        name = os.path.basename(words[0])
        return Opener(command, foreground=name in TERMINAL_BROWSERS or not display)
    return None


def opener_for(url: str) -> Opener | None:
    """How this machine opens `url`: `$BROWSER` first, then the desktop's opener when there is
    a display (over SSH xdg-open and gio start, fail and linger), else None."""
    display = _has_display()
    chosen = _from_browser_variable(url, display)
    if chosen is not None:
        return chosen
    if not display:
        return None
    command = opener_command()
    return Opener([*command, url], foreground=False) if command is not None else None


def opener_command() -> list[str] | None:
    """The desktop's opener as an argument-list prefix, or None when there is none."""
    if sys.platform == "darwin":
        found = shutil.which("open")
        return [found] if found else None
    for name in ("xdg-open", "gio"):
        found = shutil.which(name)
        if found:
            return [found, "open"] if name == "gio" else [found]
    return None


def _spawn(command: list[str]) -> None:
    process = subprocess.Popen(  # an argument list, never a shell
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        close_fds=True,
    )
    # Reap it when it ends: an opener nobody waits for stays a zombie while reader runs.
    threading.Thread(target=process.wait, name="reap-opener", daemon=True).start()


launch: Callable[[list[str]], None] = _spawn
"""How a command is started; tests replace it to record instead of opening a browser."""


def run_foreground(command: list[str]) -> int:
    """Run a terminal browser to its end on this terminal (the app suspends around it)."""
    try:
        return subprocess.run(command, check=False).returncode  # waits: nothing left behind
    except OSError:
        return 127


NO_OPENER = "No browser to open links here (set $BROWSER, say to w3m)"


def refused(url: str) -> bool:
    """A URL that must not reach an opener (another scheme, or one read as an option)."""
    return urlsplit(url).scheme.lower() not in ALLOWED_SCHEMES or url.startswith("-")


def open_external(url: str) -> str:
    """Open an allowed URL with a background opener; return the message to show."""
    if refused(url):
        return f"Refused: {sanitize_line(url)}"
    opener = opener_for(url)
    if opener is None:
        return f"{NO_OPENER}; the link is {url}"
    try:
        launch(opener.command)
    except OSError as error:
        name = opener.command[0]
        return f"Could not start {name}: {error.strerror or error}; the link is {url}"
    return f"Opening {url}"
