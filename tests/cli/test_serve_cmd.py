"""`reader serve`'s choices that need no browser: which hosts are private, the address other
machines are told, the terminal checks left to the terminal, and the command line quoted for
the shell textual-serve starts the app with."""

from __future__ import annotations

import shlex
import socket
from pathlib import Path

import pytest

from reader.browser import BROWSER_CLIPBOARD, copy_text, in_browser
from reader.cli import build_parser, serve_cmd
from reader.launch import terminal_problem


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("0.0.0.0", False),
        ("192.168.1.5", False),
        ("example.org", False),
    ],
)
def test_only_loopback_counts_as_private(host: str, loopback: bool) -> None:
    assert serve_cmd._is_loopback(host) is loopback


def test_a_wildcard_host_is_told_as_an_address_others_can_reach() -> None:
    for wildcard in ("0.0.0.0", "::"):
        shown = serve_cmd._reachable_address(wildcard)
        assert shown not in ("0.0.0.0", "::", "")
    assert serve_cmd._reachable_address("192.168.1.5") == "192.168.1.5"
    assert serve_cmd._url_host("fe80::1") == "[fe80::1]"


def test_the_terminal_checks_are_the_terminal_drivers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "dumb")
    assert terminal_problem() is not None and not in_browser()
    monkeypatch.setenv("TEXTUAL_DRIVER", "textual.drivers.web_driver:WebDriver")
    assert in_browser() and terminal_problem() is None


class _App:
    def __init__(self) -> None:
        self.copied: list[str] = []

    def copy_to_clipboard(self, text: str) -> None:
        self.copied.append(text)


def test_copying_in_a_page_that_may_not_shows_the_text(monkeypatch: pytest.MonkeyPatch) -> None:
    app = _App()
    monkeypatch.setenv("TEXTUAL_DRIVER", "textual.drivers.web_driver:WebDriver")
    monkeypatch.setenv(BROWSER_CLIPBOARD, "0")
    told = copy_text(app, "https://example.org/\x1b[2Jx")  # type: ignore[arg-type]
    assert app.copied == [] and "https://example.org/x" in told
    monkeypatch.setenv(BROWSER_CLIPBOARD, "1")
    copy_text(app, "https://example.org/")  # type: ignore[arg-type]
    assert app.copied == ["https://example.org/"]


def test_the_app_command_is_quoted_for_the_shell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    site = tmp_path / "$(touch pwned); `id`"
    site.mkdir()
    started: list[str] = []

    class Server:
        def __init__(self, command: str, **options: object) -> None:
            started.append(command)

        def serve(self) -> None:
            pass

    monkeypatch.setattr("reader.web.server.ReaderServer", Server)
    data = ["--data-dir", str(tmp_path / "data")]
    args = build_parser().parse_args([*data, "serve", str(site), "--host", "0.0.0.0"])
    assert serve_cmd.run(args) == 0
    (command,) = started
    assert shlex.split(command)[0] == "exec" and shlex.split(command)[-1] == str(site)
    out, err = capsys.readouterr()
    assert "?token=" in out and "0.0.0.0" not in out.split("Open ", 1)[1]
    assert "warning" in err and "SSH" in err


def test_a_port_in_use_is_said_before_any_address_is_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        data = ["--data-dir", str(tmp_path / "data")]
        args = build_parser().parse_args([*data, "serve", str(tmp_path), "--port", str(port)])
        assert serve_cmd.run(args) == 1
    out, err = capsys.readouterr()
    assert "token" not in out and f"127.0.0.1:{port}" in err
