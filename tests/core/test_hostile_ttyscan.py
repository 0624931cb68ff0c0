"""The terminal-stream scanner finds every hostile payload raw, and none after sanitize."""

from __future__ import annotations

import pytest

from reader.core.sanitize import sanitize
from reader.devtools.hostile import escape_payloads
from reader.devtools.ttyscan import scan_stream

PAYLOADS = {k: v for k, v in escape_payloads("T").items() if k != "controls"}


@pytest.mark.parametrize("kind", sorted(PAYLOADS))
def test_raw_payload_is_a_leak(kind: str) -> None:
    stream = f"\x1b[1;1Hbefore {PAYLOADS[kind]} after\x1b[0m".encode()
    assert scan_stream(stream).leaks, kind


@pytest.mark.parametrize("kind", sorted(PAYLOADS))
def test_sanitized_payload_is_clean(kind: str) -> None:
    stream = f"\x1b[1;1H\x1b[38;2;1;2;3mbefore {sanitize(PAYLOADS[kind])} after\x1b[0m".encode()
    found = scan_stream(stream)
    assert found.leaks == []
    assert "before" in found.text and "after" in found.text


def test_textual_own_sequences_pass() -> None:
    own = (
        "\x1b[?1049h\x1b[?25l\x1b[?1000h\x1b[?1006h\x1b[?2004h\x1b[>1u\x1b[?2026$p"
        "\x1b[?2026h\x1b[2;3H\x1b[48;5;17mtext\x1b[0m\x1b]22;pointer\x07"
        "\x1b]8;id=1;https://example.org/\x1b\\link\x1b]8;;\x1b\\\x1b[?2026l\x1b7\x1b8\x1b="
    )
    found = scan_stream(own.encode())
    assert found.leaks == []
    assert found.text == "textlink"


def test_marker_as_plain_text_is_counted_not_a_leak() -> None:
    found = scan_stream(b"\x1b[1;1H]0;PWNED-x shown")
    assert found.leaks == []
    assert found.visible_markers == 1


@pytest.mark.parametrize(
    "stream",
    [
        b"\x1b]8;;file:///etc/passwd\x1b\\x\x1b]8;;\x1b\\",
        b"\x1b]8;;javascript:alert(1)\x07x",
        "\u009b2J".encode(),
        b"\x1b]0;title",  # cut off: still a title change to the terminal
        b"\x1b]1337;File=PWNED\x07",
    ],
)
def test_other_leaks(stream: bytes) -> None:
    assert scan_stream(stream).leaks
