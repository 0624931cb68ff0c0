"""sanitize / sanitize_line: every control and escape sequence out, text and markup kept."""

from __future__ import annotations

import re

import html2text
import pytest

from reader.core.sanitize import REPLACEMENT, draws, sanitize, sanitize_line

# Anything sanitize must never let through.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def assert_clean(text: str) -> None:
    assert not UNSAFE.search(text), repr(text)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("plain text, 中文, 日本語 😀", "plain text, 中文, 日本語 😀"),
        ("tab\tand\nnewline", "tab\tand\nnewline"),
        # OSC 52 clipboard write, BEL and ST terminated
        ("a\x1b]52;c;aGVsbG8=\x07b", "ab"),
        ("a\x1b]52;c;aGVsbG8=\x1b\\b", "ab"),
        # OSC 0 / OSC 2 window title
        ("x\x1b]0;pwned\x07y", "xy"),
        ("x\x1b]2;pwned\x1b\\y", "xy"),
        # OSC 8 hyperlink, both halves
        ("\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\", "click"),
        # CSI: clear screen, colours, cursor moves, private modes
        ("x\x1b[2Jy", "xy"),
        ("\x1b[31mred\x1b[0m", "red"),
        ("\x1b[?1049h\x1b[10;20H!", "!"),
        ("\x1b[38;2;1;2;3mrgb", "rgb"),
        # ESC c (full reset), ESC 7 / ESC 8, charset selection
        ("\x1bcreset", "reset"),
        ("\x1b7a\x1b8", "a"),
        ("\x1b(Bascii", "ascii"),
        # DCS, APC, PM, SOS
        ("a\x1bPq#0;2;0;0;0\x1b\\b", "ab"),
        ("a\x1b_Gf=100;AAAA\x1b\\b", "ab"),
        ("a\x1b^privacy\x1b\\b", "ab"),
        ("a\x1bXstring\x1b\\b", "ab"),
        # 8-bit C1 forms: CSI, OSC, DCS, APC, PM, SOS, ST
        ("\x9b31mred\x9b0m", "red"),
        ("a\x9d52;c;aGVsbG8=\x9cb", "ab"),
        ("a\x9d0;title\x07b", "ab"),
        ("a\x90q#0\x1b\\b", "ab"),
        ("a\x9fapc\x9cb", "ab"),
        ("a\x9epm\x9cb", "ab"),
        ("a\x98sos\x9cb", "ab"),
        # lone C1 bytes, DEL, NUL, other C0
        ("a\x85b\x80c\x9ad", "abcd"),
        ("a\x7fb\x00c\x08d\x0be\x0cf", "abcdef"),
        # CR: CRLF and lone CR become newline
        ("one\r\ntwo\rthree", "one\ntwo\nthree"),
        # bidi embeddings, overrides and isolates
        ("a\u202ab\u202bc\u202cd\u202de\u202ef", "abcdef"),
        ("a\u2066b\u2067c\u2068d\u2069e", "abcde"),
    ],
)
def test_sanitize_removes(raw: str, expected: str) -> None:
    assert sanitize(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "cut \x1b",
        "cut \x1b[",
        "cut \x1b[12;3",
        "cut \x1b]52;c;aGVsbG8=",
        "cut \x1bP1$r",
        "cut \x9d0;title",
        "cut \x9b1;2",
        "cut \x1b]",
    ],
)
def test_unterminated_sequences_are_removed(raw: str) -> None:
    assert sanitize(raw) == "cut "


def test_unterminated_string_sequence_stops_at_line_end() -> None:
    # The introducer goes with its line's payload; later lines of the post stay.
    assert sanitize("a\x1b]52;c;QUFB\nsecond line\nthird") == "a\nsecond line\nthird"


def test_markup_stays_literal() -> None:
    # sanitize is not markup escaping: the UI renders text without parsing markup.
    for text in ("[/]", "[@click=app.quit]", "[bold red]x[/bold red]", "[link=x]y[/link]"):
        assert sanitize(text) == text
        assert sanitize_line(text) == text


def test_title_with_markup_and_escapes() -> None:
    title = "\x1b]0;x\x07[@click=app.quit] [/]\n\x9b2J title\u202e"
    assert sanitize_line(title) == "[@click=app.quit] [/] title"


def test_sanitize_line_folds_whitespace() -> None:
    assert sanitize_line("  a\n\n b\t\tc \r\n d  ") == "a b c d"
    assert sanitize_line("") == ""
    assert sanitize_line("\x1b[2J\n") == ""


def test_entities_decoded_by_html2text_are_removed() -> None:
    # html2text decodes &#x1b; to a real ESC: sanitize after conversion catches it.
    html = (
        "<p>a&#x1b;]52;c;aGVsbG8=&#x07;b &#27;[2J c &#x9b;31m d &#x202e;e"
        " &#x1b;]0;title&#x1b;\\ f &#0; g</p>"
    )
    converted = html2text.html2text(html)
    out = sanitize(converted)
    assert_clean(out)
    assert "52;" not in out
    assert "title" not in out
    for word in ("a", "b", "c", "d", "e", "f", "g"):
        assert word in out


def test_everything_unsafe_in_one_string() -> None:
    every = "".join(chr(c) for c in range(0x00, 0xA0)) + "".join(
        chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))
    )
    out = sanitize(every * 3)
    assert_clean(out)


def test_fast_path_returns_same_object() -> None:
    text = "nothing to do here\n" * 10
    assert sanitize(text) is text


def test_long_input_stays_linear() -> None:
    # Many unterminated introducers must not rescan the text (no timing assertion: it
    # simply has to finish under the test timeout).
    text = ("x\x1b]" + "y" * 50 + "\n") * 20_000 + "\x9d" * 50_000
    out = sanitize(text)
    assert_clean(out)
    assert out.count("x") == 20_000


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\x1b]0;PWNED\x07.md", "\ufffd.md"),
        ("\x1b[31337;31337H\x1b[2J.md", "\ufffd.md"),  # one mark for a run of sequences
        ("a\x07b\x1b[2Jc", "a\ufffdb\ufffdc"),
        ("plain.md", "plain.md"),
    ],
)
def test_sanitize_line_marks_what_it_removed(raw: str, expected: str) -> None:
    assert sanitize_line(raw, REPLACEMENT) == expected


@pytest.mark.parametrize(
    ("text", "visible"),
    [
        ("", False),
        ("\u200b\u200c\u200d\ufeff\u2060", False),  # zero-width space, joiners, BOM
        (" \t\u3000\u3164\u2800", False),  # spaces, the Hangul filler, a blank Braille cell
        ("\u0301\ufe0f", False),  # a combining mark and a variation selector on their own
        ("\u200ba", True),
        ("中", True),
        ("😀", True),
    ],
)
def test_draws_tells_whether_text_leaves_a_mark(text: str, visible: bool) -> None:
    assert draws(text) is visible
