"""Dev: `reader serve` driven in a real headless Chromium, for the browser tests and the
browser screenshot.

`Served` runs `reader serve` on a free port and reads the address with its token from what it
prints. `BrowserSession` opens that page in Chromium (Playwright, Debian's `chromium`), and
reads the app's screen from the websocket: the page draws the terminal on a canvas, so the
bytes the app sends are fed to a terminal emulator (pyte) instead. It also keeps every request
the page made, every dialog it opened and everything its scripts printed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

CHROMIUM = "/usr/bin/chromium"
# Chromium's own connections (updates, sync, field trials) are refused on a closed network,
# many at a time: these keep it to the page.
CHROMIUM_ARGS = [
    "--no-sandbox",  # runs as root in CI
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium() -> str | None:
    """Debian's Chromium, or whatever `chromium` is on PATH; None when there is none."""
    return CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Served:
    """A running `reader serve`."""

    process: subprocess.Popen[str]
    url: str
    """The address it printed, with its token."""

    @property
    def origin(self) -> str:
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def token(self) -> str:
        return parse_qs(urlsplit(self.url).query)["token"][0]


@contextmanager
def served(
    site: Path, data: Path, *, cwd: Path | None = None, host: str = "127.0.0.1"
) -> Iterator[Served]:
    """`reader --data-dir DATA serve SITE` on a free port, stopped (Ctrl+C) at the end."""
    port = free_port()
    command = [sys.executable, "-m", "reader", "--data-dir", str(data), "serve", str(site)]
    process = subprocess.Popen(
        [*command, "--host", host, "--port", str(port)],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = None
        deadline = time.monotonic() + 30
        while url is None and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            found = re.search(r"http://\S+\?token=\S+", line)
            url = found.group(0) if found else None
        if url is None:
            process.kill()
            raise RuntimeError(f"reader serve did not start: {process.stderr.read()}")  # type: ignore[union-attr]
        _wait_listening(port)
        yield Served(process, url)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def listening(port: int) -> bool:
    """Something on 127.0.0.1 accepts connections on `port`."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _wait_listening(port: int) -> None:
    deadline = time.monotonic() + 20
    while not listening(port) and time.monotonic() < deadline:
        time.sleep(0.05)


@dataclass
class BrowserSession:
    """One page of a served reader in Chromium, with the app's screen read off its websocket."""

    page: Any
    screen: Any
    stream: Any
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    sent: list[str] = field(default_factory=list)
    """Text frames the page sent the server (key presses go as ["stdin", ...])."""
    received: list[str] = field(default_factory=list)
    """Text frames the server sent the page (["open_url", ...] and the like)."""

    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.screen.display)

    def wait_for(self, pattern: str, timeout: float = 30.0) -> str:
        """The screen once `pattern` (a regex) is on it; AssertionError with the screen if not
        within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.text()
            if re.search(pattern, text):
                return text
            if time.monotonic() > deadline:
                raise AssertionError(f"{pattern!r} not on the screen in {timeout} s:\n{text}")
            self.page.wait_for_timeout(50)  # Playwright hands over the frames meanwhile

    def press(self, *keys: str, pause: float = 0.15) -> None:
        for key in keys:
            self.page.keyboard.press(key)
            self.page.wait_for_timeout(pause * 1000)


def _feed(session: BrowserSession, payload: bytes | str) -> None:
    if isinstance(payload, bytes):
        session.stream.feed(payload)
    else:
        session.received.append(payload)


def _sent(session: BrowserSession, payload: bytes | str) -> None:
    if not isinstance(payload, str):
        return
    session.sent.append(payload)
    with suppress(ValueError, TypeError, KeyError, IndexError):
        kind, data = json.loads(payload)
        if kind == "resize":
            session.screen.resize(lines=int(data["height"]), columns=int(data["width"]))


@contextmanager
def browser_session(
    url: str, *, profile: Path, width: int = 1280, height: int = 800
) -> Iterator[BrowserSession]:
    """Open `url` in a headless Chromium whose profile is `profile` (so a test can find and kill
    its processes); the session ends with the browser closed."""
    import pyte
    from playwright.sync_api import sync_playwright

    executable = chromium()
    if executable is None:
        raise RuntimeError("no chromium here (Debian: apt-get install chromium)")
    screen = pyte.Screen(80, 24)
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=executable,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": width, "height": height},
        )
        try:
            origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
            context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin)
            page = context.new_page()
            session = BrowserSession(page, screen, pyte.ByteStream(screen))
            page.on("request", lambda request: session.requests.append(request.url))

            def on_dialog(dialog: Any) -> None:  # an alert() that ran: kept, and dismissed
                session.dialogs.append(dialog.message)
                dialog.dismiss()

            page.on("dialog", on_dialog)
            page.on("console", lambda message: session.console.append(message.text))

            def on_websocket(websocket: Any) -> None:
                query = parse_qs(urlsplit(websocket.url).query)
                with suppress(KeyError, ValueError):
                    screen.resize(lines=int(query["height"][0]), columns=int(query["width"][0]))
                websocket.on("framereceived", lambda payload: _feed(session, payload))
                websocket.on("framesent", lambda payload: _sent(session, payload))

            page.on("websocket", on_websocket)
            page.goto(url)
            page.focus(".xterm-helper-textarea")  # the keys go to the app; no click reaches it
            yield session
        finally:
            with suppress(Exception):
                context.close()
