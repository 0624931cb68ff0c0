"""Make untrusted text safe for a terminal or a file we write.

Posts come from the internet. Textual and Rich pass escape sequences through, so every string
that can reach the screen or an output file goes through `sanitize` after every decoding step.
"""

from __future__ import annotations

import re

# ESC-introduced sequences, also unterminated ones: CSI (ESC [ ... final), OSC/DCS/APC/PM/SOS
# (ESC ] P _ ^ X ... up to BEL or ST, or to the end of the text), and two-byte ESC x sequences.
_ESCAPE_SEQUENCE = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]?            # CSI, final byte optional when cut off
    | \x1b[\]P_^X].*?(?:\x07|\x1b\\|\x9c|$)  # string sequences up to BEL / ST / end
    | \x1b[ -/]*[0-~]?                  # nF / Fp / Fe / Fs escapes (ESC c, ESC 7, ...)
    """,
    re.VERBOSE | re.DOTALL,
)
# C1 string introducers (8-bit CSI/OSC/DCS/APC/PM/SOS) swallow up to ST as well.
_C1_STRING = re.compile(r"[\x90\x98\x9d\x9e\x9f].*?(?:\x07|\x9c|\x1b\\|$)", re.DOTALL)
_C1_CSI = re.compile(r"\x9b[0-?]*[ -/]*[@-~]?")
# Remaining controls: C0 but tab and newline, DEL, C1, and bidi overrides/isolates.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_ANY_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def sanitize(text: str) -> str:
    """Remove every control character and escape sequence but tab and newline."""
    if not _ANY_UNSAFE.search(text):
        return text  # the common case costs one scan
    text = text.replace("\r\n", "\n")
    text = _ESCAPE_SEQUENCE.sub("", text)
    text = _C1_STRING.sub("", text)
    text = _C1_CSI.sub("", text)
    return _CONTROL.sub("", text)


def sanitize_line(text: str) -> str:
    """Sanitize and fold all whitespace runs (newlines included) into one space."""
    return " ".join(sanitize(text).split())
