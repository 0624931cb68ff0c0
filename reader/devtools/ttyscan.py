"""Read the raw bytes an app wrote to its terminal and find what content smuggled into them.

The app (Textual) writes text, SGR colours, cursor moves, mode switches and a few OSC sequences
of its own (8 hyperlinks, 22 pointer shape, 52 only when the user copies). Everything else that
a terminal acts on, or any hostile payload marker inside a control sequence, is a leak:

- OSC 52 (clipboard), OSC 0/1/2 (window title), OSC other than 8/22/10/11/12,
- DCS, APC, PM, SOS, `ESC c` (reset), `ESC k` (screen/tmux window name),
- 8-bit C1 controls (U+0080-U+009F) in the UTF-8 text,
- a marker (`PWNED`, `UFdORUQt` = base64 of "PWNED-", or the CSI parameter `31337`) anywhere
  inside a control sequence, and OSC 8 hyperlinks whose target is not http(s)/mailto.

A marker in printable text is not a leak (the bytes that carried it were removed), but it is
counted, so a test can tell "shown as text" from "not shown".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

NEEDLES = ("PWNED", "UFdORUQt", "31337")
_SAFE_OSC = {"8", "10", "11", "12", "22", "104", "110", "111", "112"}
_LINK_SCHEMES = re.compile(r"^(https?://|mailto:)", re.IGNORECASE)


@dataclass
class Findings:
    leaks: list[str] = field(default_factory=list)
    """Control sequences that must not be there, each shown escaped (repr), at most 200 chars."""
    visible_markers: int = 0
    """Markers found in printable text (harmless: shown, not acted on)."""
    sequences: int = 0
    text: str = ""
    """The printable text with every control sequence removed (for grepping what was shown)."""

    def add(self, why: str, seq: str) -> None:
        if len(self.leaks) < 200:
            self.leaks.append(f"{why}: {seq[:160]!r}")


def _has_needle(seq: str) -> bool:
    return any(n in seq for n in NEEDLES)


def _string_end(text: str, start: int) -> tuple[int, int]:
    """End of an OSC/DCS/... payload starting at `start`: (payload end, sequence end)."""
    n = len(text)
    i = start
    while i < n:
        ch = text[i]
        if ch == "\x07" or ch == "\x9c":
            return i, i + 1
        if ch == "\x1b":
            if i + 1 < n and text[i + 1] == "\\":
                return i, i + 2
            return i, i  # a new ESC cuts the string off (xterm behaviour)
        i += 1
    return n, n


def scan_stream(data: bytes) -> Findings:
    """Tokenize terminal output and report leaks (see the module docstring)."""
    text = data.decode("utf-8", "replace")
    found = Findings()
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\x1b":
            nxt = text[i + 1] if i + 1 < n else ""
            if nxt == "[":
                j = i + 2
                while j < n and "0" <= text[j] <= "?":
                    j += 1
                while j < n and " " <= text[j] <= "/":
                    j += 1
                end = j + 1 if j < n and "@" <= text[j] <= "~" else j
                seq = text[i:end]
                if _has_needle(seq):
                    found.add("marker in CSI", seq)
                i = end
            elif nxt in "]P_^X":
                body_end, end = _string_end(text, i + 2)
                seq = text[i:end]
                payload = text[i + 2 : body_end]
                if nxt == "]":
                    _check_osc(found, payload, seq)
                else:
                    name = {"P": "DCS", "_": "APC", "^": "PM", "X": "SOS"}[nxt]
                    found.add(name, seq)
                i = max(end, i + 2)
            else:
                j = i + 1
                while j < n and " " <= text[j] <= "/":
                    j += 1
                end = min(j + 1, n)
                seq = text[i:end]
                final = text[j] if j < n else ""
                if final == "c" and j == i + 1:
                    found.add("ESC c (terminal reset)", seq)
                elif final == "k" and j == i + 1:
                    found.add("ESC k (window name)", seq)
                i = end
            found.sequences += 1
        elif "\x80" <= ch <= "\x9f":
            found.add("C1 control", text[i : i + 40])
            i += 1
        else:
            out.append(ch)
            i += 1
    found.text = "".join(out)
    found.visible_markers = sum(found.text.count(needle) for needle in NEEDLES)
    return found


def _check_osc(found: Findings, payload: str, seq: str) -> None:
    number, _, rest = payload.partition(";")
    if number == "52":
        found.add("OSC 52 (clipboard)", seq)
    elif number in ("0", "1", "2"):
        found.add("OSC 0/1/2 (window title)", seq)
    elif number not in _SAFE_OSC:
        found.add(f"OSC {number[:10]}", seq)
    elif number == "8":
        _params, _, target = rest.partition(";")
        if target and not _LINK_SCHEMES.match(target):
            found.add("OSC 8 hyperlink to a refused scheme", seq)
    if _has_needle(seq):
        found.add("marker in OSC", seq)
