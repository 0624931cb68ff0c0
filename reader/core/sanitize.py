"""Make untrusted text safe for a terminal or a file we write.

Posts come from the internet. Textual and Rich pass escape sequences through, so every string
that can reach the screen or an output file goes through `sanitize` after every decoding step.

Removed: C0 controls but tab and newline (CR and CRLF become newline), DEL, C1 (U+0080-U+009F),
every ESC-introduced sequence (CSI, OSC, DCS, APC, PM, SOS and two-byte escapes, also when cut
off), the 8-bit C1 forms of those sequences, and bidi embeddings, overrides and isolates
(U+202A-U+202E, U+2066-U+2069). Markup such as `[/]` or `[@click=app.quit]` is left as it is:
this is not escaping for Rich or Textual markup, the UI shows text without parsing markup.

A string sequence (OSC, DCS, APC, PM, SOS) that is never terminated is removed up to the end of
its line only: once the introducer is gone the rest is plain text, and the following lines of a
post are kept.
"""

from __future__ import annotations

import re
import unicodedata

# ESC-introduced sequences and their 8-bit C1 forms, also unterminated ones, in one pass so that
# the leftmost introducer wins: CSI (ESC [ or U+009B ... final byte), string sequences OSC, DCS,
# APC, PM, SOS (ESC ] P _ ^ X or U+009D U+0090 U+009F U+009E U+0098 ... up to BEL or ST, else to
# the end of the line), and two-byte ESC x escapes (ESC c, ESC 7, ESC ( B ...).
_ESCAPE_SEQUENCE = re.compile(
    r"""
    (?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?
    | (?:\x1b[\]P_^X]|[\x90\x98\x9d\x9e\x9f])[^\x07\x9c\x1b\n]*(?:\x07|\x9c|\x1b\\)?
    | \x1b[ -/]*[0-~]?
    """,
    re.VERBOSE,
)
CONTROL_CHARS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
"""Remaining controls, as a regex character range: C0 but tab and newline, DEL, C1, and bidi
overrides/isolates. Text without any of them needs no sanitizing."""
_CONTROL = re.compile(f"[{CONTROL_CHARS}]")
_REMOVED_RUN = re.compile(f"(?:{_ESCAPE_SEQUENCE.pattern}|{_CONTROL.pattern})+", re.VERBOSE)

REPLACEMENT = "\ufffd"
"""Shown where something was removed from a name (as for bytes that are not UTF-8)."""


def sanitize(text: str, replacement: str = "") -> str:
    """Remove every control character and escape sequence but tab and newline.

    With `replacement`, each run of removed characters becomes that text instead: a file name
    made of an escape sequence must not vanish from the list."""
    if not _CONTROL.search(text):
        return text  # the common case costs one scan
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if replacement:
        return _REMOVED_RUN.sub(replacement, text)
    text = _ESCAPE_SEQUENCE.sub("", text)
    return _CONTROL.sub("", text)


def sanitize_line(text: str, replacement: str = "") -> str:
    """Sanitize and fold all whitespace runs (newlines included) into one space."""
    return " ".join(sanitize(text, replacement).split())


_BLANK_LETTERS = frozenset("\u115f\u1160\u2800\u3164\uffa0")
"""Letters and symbols that draw nothing (Hangul fillers, the blank Braille pattern)."""
_DRAWS_NOTHING = frozenset(("Cc", "Cf", "Cs", "Mn", "Me", "Zl", "Zp", "Zs"))
"""Unicode categories that leave no mark on their own: controls, format characters (zero-width
space and joiners, BOM), combining marks, separators."""


def draws(text: str) -> bool:
    """True when `text` has a character that leaves a visible mark on the screen."""
    for char in text:
        if char in _BLANK_LETTERS or char.isspace():
            continue
        if unicodedata.category(char) not in _DRAWS_NOTHING:
            return True
    return False
