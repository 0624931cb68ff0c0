"""Links on a machine with no browser (issue 12.8): `$BROWSER` is honoured (a terminal browser
runs with the app suspended), over SSH the desktop openers are not started, no opener offers to
copy the URL, and no child process is left behind. Real scripts on disk, a PATH without
openers."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_ui_article import all_text, async_test, hosted, settle, show
from test_ui_article import site as site
from textual.widgets import Label

from reader import linkopen
from reader.screens.copy_link import CopyLinkScreen
from reader.screens.links import LinksScreen

URL = "https://example.org/page?a=1"


def children() -> set[int]:
    """This process's child processes, zombies included (from /proc)."""
    found: set[int] = set()
    for task in Path("/proc/self/task").iterdir():
        with contextlib.suppress(OSError):
            found.update(int(pid) for pid in (task / "children").read_text().split())
    return found


def wait_for(condition: object, seconds: float = 10) -> bool:
    """Poll `condition()` until true or the deadline (a child ends in its own time)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.02)
    return bool(condition())  # type: ignore[operator]


def script(folder: Path, name: str, log: Path) -> Path:
    """A fake browser: writes its arguments to `log`, one per line, and exits."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f'#!/bin/sh\nfor a in "$@"; do echo "$a" >> "{log}"; done\n')
    path.chmod(0o755)
    return path


@pytest.fixture
def no_openers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An SSH session: no display, no $BROWSER, a PATH holding only xdg-open and gio."""
    bin_dir = tmp_path / "bin"
    log = tmp_path / "desktop.log"
    script(bin_dir, "xdg-open", log)
    script(bin_dir, "gio", log)
    monkeypatch.setenv("PATH", str(bin_dir))
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER"):
        monkeypatch.delenv(name, raising=False)
    return log


def test_over_ssh_the_desktop_openers_are_not_started(no_openers: Path) -> None:
    assert linkopen.opener_for(URL) is None
    message = linkopen.open_external(URL)
    assert URL in message and "$BROWSER" in message
    assert not no_openers.exists()
    assert children() == set()


def test_browser_variable_is_honoured_and_the_child_is_reaped(
    no_openers: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "browser.log"
    browser = script(tmp_path / "apps", "firefox", log)
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setenv("BROWSER", f"/nonexistent/browser:{browser} --new-tab %s")
    opener = linkopen.opener_for(URL)
    assert opener is not None and not opener.foreground
    assert opener.command == [str(browser), "--new-tab", URL]
    assert linkopen.open_external(URL) == f"Opening {URL}"
    assert wait_for(lambda: log.exists() and children() == set())
    assert log.read_text().split() == ["--new-tab", URL]
    assert not no_openers.exists()


def test_a_terminal_browser_runs_in_the_foreground(
    no_openers: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    browser = script(tmp_path / "apps", "w3m", tmp_path / "w3m.log")
    monkeypatch.setenv("BROWSER", str(browser))
    opener = linkopen.opener_for(URL)
    assert opener is not None and opener.foreground and opener.command == [str(browser), URL]
    monkeypatch.setenv("BROWSER", str(script(tmp_path / "apps", "mybrowser", tmp_path / "x")))
    opener = linkopen.opener_for(URL)
    assert opener is not None and opener.foreground  # no display: it can only use the terminal


# -- in the app ----------------------------------------------------------------------------


@async_test
async def test_with_no_opener_the_app_offers_to_copy_the_link(
    site: Path,
    tmp_path: Path,
    no_openers: Path,
) -> None:
    async with hosted(site, tmp_path / "data", size=(80, 24)) as (app, pilot, view):
        await show(pilot, view, "long.md")
        await pilot.press("l", "1", "enter")
        await pilot.pause()
        assert isinstance(app.screen, CopyLinkScreen)
        await pilot.press("y")
        await pilot.pause()
        assert app.clipboard == URL
        assert not isinstance(app.screen, CopyLinkScreen | LinksScreen)
    assert not no_openers.exists()
    assert children() == set()


@async_test
async def test_a_terminal_browser_gets_the_terminal_and_the_app_comes_back(
    site: Path,
    tmp_path: Path,
    no_openers: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    log = tmp_path / "w3m.log"
    monkeypatch.setenv("BROWSER", str(script(tmp_path / "apps", "w3m", log)))
    async with hosted(site, tmp_path / "data", size=(80, 24)) as (app, pilot, view):
        suspended: list[bool] = []

        @contextlib.contextmanager
        def suspend() -> Iterator[None]:  # the headless driver cannot suspend: record it
            suspended.append(True)
            yield
            suspended.append(False)

        monkeypatch.setattr(app, "suspend", suspend)
        await show(pilot, view, "long.md")
        await pilot.press("l", "1", "enter")
        await settle(pilot)
        assert suspended == [True, False]
        assert log.read_text().split() == [URL]  # it ran to its end inside the suspension
        assert view.path == "long.md" and app.screen is app.screen_stack[0]
    assert children() == set()
    assert os.environ["BROWSER"].endswith("w3m")


@async_test
async def test_image_urls_are_in_the_link_list(
    site: Path,
    tmp_path: Path,
) -> None:
    (site / "source" / "_posts" / "pics.md").write_text(
        "---\ntitle: Pictures\n---\n\nA cat: ![a cat](https://example.org/cat.png) and "
        "[a page](https://example.org/p), a linked ![logo](https://example.org/l.png).\n\n"
        "[![badge](https://example.org/b.svg)](https://example.org/ci)\n",
        encoding="utf-8",
    )
    async with hosted(site, tmp_path / "data", size=(80, 24)) as (app, pilot, view):
        await show(pilot, view, "pics.md")
        assert "A cat: image: a cat[1] and a page[2]" in all_text(view)  # where it stands
        await pilot.press("l")
        screen = app.screen
        assert isinstance(screen, LinksScreen)
        assert [(link.text, link.href) for link in screen._links] == [
            ("image: a cat", "https://example.org/cat.png"),
            ("a page", "https://example.org/p"),
            ("image: logo", "https://example.org/l.png"),
            ("image: badge", "https://example.org/ci"),  # a linked image: the one placeholder form
        ]


@async_test
async def test_a_browser_that_fails_leaves_the_offer_to_copy(
    site: Path,
    tmp_path: Path,
    no_openers: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    broken = tmp_path / "apps" / "firefox"  # a desktop browser over SSH: it cannot start
    broken.parent.mkdir(parents=True, exist_ok=True)
    broken.write_text("#!/bin/sh\nexit 3\n")
    broken.chmod(0o755)
    monkeypatch.setenv("BROWSER", str(broken))
    async with hosted(site, tmp_path / "data", size=(80, 24)) as (app, pilot, view):
        monkeypatch.setattr(app, "suspend", contextlib.nullcontext)
        await show(pilot, view, "long.md")
        await pilot.press("l", "1", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CopyLinkScreen)
        assert "firefox" in str(screen.query_one("#copy-link-why", Label).content)
        await pilot.press("y")
        assert app.clipboard == URL
    assert children() == set()
