"""End to end: `reader serve` in a real headless Chromium (issue 19). The page draws on a
canvas, so the screen is read from the websocket's frames with a terminal emulator (pyte).

The token guards the page and the websocket; a library folder named like a shell command is
served as a folder; the app process ends with the page or the browser; the page asks nothing
of any other host; hostile posts run nothing, copy nothing and leave the title alone.
Without Chromium or Playwright these skip, but never under CI=true.
"""

from __future__ import annotations

import http.client
import os
import signal
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from reader.core.library import Library
from reader.core.paths import StorePaths
from reader.devtools.served import Served, browser_session, chromium, served
from tests.factories import write_post
from tests.processes import processes_where

pytestmark = [pytest.mark.slow, pytest.mark.terminal]


def _needs_browser() -> None:
    missing = None
    if chromium() is None:
        missing = "no chromium (Debian: apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
            import pyte  # noqa: F401
        except ImportError:
            missing = "playwright and pyte are not installed (pip install -e '.[test]')"
    if missing is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the browser tests: {missing}")
        pytest.skip(missing)


def _status(served_: Served, path: str, headers: dict[str, str] | None = None) -> int:
    parts = urlsplit(served_.origin)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request("GET", path, headers=headers or {})
        return connection.getresponse().status
    finally:
        connection.close()


def _app_processes(data: Path) -> list[int]:
    """Processes of this machine running the reader app on `data` (not `reader serve`)."""
    where = str(data).encode()
    return processes_where(lambda argv: where in argv and b"-m" in argv and b"serve" not in argv)


def _until_no_app(data: Path, timeout: float = 45.0) -> None:
    deadline = time.monotonic() + timeout
    while _app_processes(data):
        assert time.monotonic() < deadline, f"app processes left: {_app_processes(data)}"
        time.sleep(0.2)


def _site(root: Path) -> Path:
    body = "Words of the first post, and [a link](https://example.org/page).\n"
    write_post(root, "first.md", "A first post", body=body)
    write_post(root, "second.md", "A second post", date="2023-01-01 10:00:00")
    return root


WEBSOCKET_UPGRADE = {
    "Connection": "Upgrade",
    "Upgrade": "websocket",
    "Sec-WebSocket-Version": "13",
    "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
}


def test_without_the_token_nothing_is_served(tmp_path: Path) -> None:
    with served(_site(tmp_path / "site"), tmp_path / "data") as server:
        assert _status(server, "/") == 403
        assert _status(server, "/?token=not-it") == 403
        assert _status(server, "/ws", WEBSOCKET_UPGRADE) == 403
        assert _status(server, "/download/anything") == 403
        cookie = {"Cookie": f"reader_token={server.token}"}
        other_site = {**WEBSOCKET_UPGRADE, **cookie, "Origin": "http://evil.example"}
        assert _status(server, "/ws", other_site) == 403
        assert _status(server, f"/?token={server.token}") == 200
        assert _status(server, "/", cookie) == 200
        assert _status(server, "/static/js/textual.js") == 200  # the page's own script


def test_the_reader_in_a_browser_opens_and_bookmarks_a_post(tmp_path: Path) -> None:
    _needs_browser()
    site, data = _site(tmp_path / "site"), tmp_path / "data"
    with (
        served(site, data) as server,
        browser_session(server.url, profile=tmp_path / "profile") as browser,
    ):
        browser.wait_for("A first post")
        assert browser.page.title() == "reader · site"
        browser.press("Enter")
        browser.wait_for("Words of the first post")
        browser.press("b")  # the note dialog: Enter saves the bookmark without a note
        browser.page.wait_for_timeout(500)
        browser.press("Enter")
        browser.wait_for("Bookmarked")
        browser.press("l")  # the link list; y copies: to the browser's clipboard (localhost)
        browser.wait_for("opens outside")
        browser.press("y")
        browser.wait_for("Copied")
        clipboard = browser.page.evaluate("navigator.clipboard.readText()")
        assert clipboard == "https://example.org/page"
        # followed (the list is still open): a new tab of this browser, with no way back
        with browser.page.context.expect_page() as opened:
            browser.press("Enter")
        browser.wait_for("Opened in a new tab")
        assert opened.value.evaluate("window.opener") is None
        opened.value.close()
        hosts = {urlsplit(url).netloc for url in browser.requests if url.startswith("http")}
        assert hosts == {urlsplit(server.origin).netloc}, browser.requests
        browser.page.close()
        _until_no_app(data)
    library = Library.open(site, paths=StorePaths.default(data))
    try:
        assert [bookmark.path for bookmark in library.bookmarks()] == ["first.md"]
    finally:
        library.close()


def test_a_browser_killed_leaves_no_app_behind(tmp_path: Path) -> None:
    _needs_browser()
    site, data, profile = _site(tmp_path / "site"), tmp_path / "data", tmp_path / "profile"
    with served(site, data) as server, browser_session(server.url, profile=profile) as browser:
        browser.wait_for("A first post")
        assert _app_processes(data)
        chromium_pids = processes_where(lambda argv: any(bytes(profile) in a for a in argv))
        for pid in chromium_pids:
            os.kill(pid, signal.SIGKILL)
        _until_no_app(data)
        assert server.process.poll() is None  # the server serves on


def test_a_folder_named_like_a_shell_command_is_only_a_folder(tmp_path: Path) -> None:
    _needs_browser()
    site = _site(tmp_path / "$(touch pwned)")
    with (
        served(site, tmp_path / "data", cwd=tmp_path) as server,
        browser_session(server.url, profile=tmp_path / "profile") as browser,
    ):
        browser.wait_for("A first post")
    assert not list(tmp_path.rglob("pwned")) and not Path("pwned").exists()


HOSTILE_TITLE = '<img src=x onerror="alert(1)"><script>alert(2)</script>'


def test_hostile_posts_run_nothing_copy_nothing_and_keep_the_title(tmp_path: Path) -> None:
    _needs_browser()
    site, data = tmp_path / "site", tmp_path / "data"
    write_post(
        site,
        "escapes.md",
        "Escapes",
        body=(
            "Title: \x1b]0;pwned title\x07 clipboard: \x1b]52;c;cHduZWQ=\x07 "
            "bell \x07 and a link <script>alert(3)</script>.\n"
        ),
    )
    write_post(site, "markup.md", HOSTILE_TITLE, date="2023-01-01 10:00:00")
    write_post(
        site,
        "links.md",
        "Links",
        date="2022-01-01 10:00:00",
        body="[click](javascript:alert(4)) and [data](data:text/html,<script>alert(5)</script>)\n",
    )
    with (
        served(site, data) as server,
        browser_session(server.url, profile=tmp_path / "profile") as browser,
    ):
        browser.wait_for("Escapes")
        for _ in range(2):  # each post opened, and looked at
            browser.press("Enter")
            browser.page.wait_for_timeout(500)
            browser.press("q", "j")
        browser.press("Enter")
        browser.wait_for("click")
        browser.press("l")  # the link list: follow the javascript: link
        browser.wait_for("javascript:")
        browser.press("Enter")
        browser.wait_for("[Ll]ink refused")
        clipboard = browser.page.evaluate("navigator.clipboard.readText()")
        assert browser.dialogs == []
        assert clipboard == ""
        assert browser.page.title() == "reader · site"
        assert not any("open_url" in frame for frame in browser.received)
