"""Markdown footnotes (`text[^1]` … `[^1]: the note`) as the reading pane can show them.

CommonMark has no footnotes: markdown-it reads `[^1]: note` as a link definition and `[^1]`
as a link (or as text). References become superscript numbers, in the order of first use, and
the notes a numbered list at the end of the post. A reference with no note stays as written.
"""

from __future__ import annotations

import re

_DEFINITION = re.compile(r"^ {0,3}\[\^([^\]\s]{1,100})\]:[ \t]?(.*)$")
_REFERENCE = re.compile(r"\[\^([^\]\s]{1,100})\]")
_CONTINUATION = re.compile(r"^(?: {4}|\t)")
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def superscript(number: int) -> str:
    return str(number).translate(_SUPERSCRIPT)


def render_footnotes(text: str) -> str:
    """Number the footnote references of `text` and move their notes to the end.

    Code must already be protected (replaced by tokens): `[^1]` inside code stays.
    """
    if "[^" not in text:
        return text
    body, notes = _take_definitions(text)
    if not notes:
        return text
    numbers: dict[str, int] = {}

    def number(match: re.Match[str]) -> str:
        label = match.group(1).lower()
        if label not in notes:
            return "\\" + match.group(0)[:-1] + "\\]"  # no note: the author's text, shown
        if label not in numbers:
            numbers[label] = len(numbers) + 1
        return superscript(numbers[label])

    body = _REFERENCE.sub(number, body)
    for label in notes:  # notes never referenced still show, after the others
        numbers.setdefault(label, len(numbers) + 1)
    ordered = sorted(numbers.items(), key=lambda item: item[1])
    items = [_list_item(index, notes[label]) for label, index in ordered]
    return body.rstrip("\n") + "\n\n* * *\n\n" + "\n".join(items) + "\n"


def _list_item(number: int, note: str) -> str:
    lines = note.strip("\n").split("\n")
    rest = ["    " + line if line.strip() else "" for line in lines[1:]]
    return "\n".join([f"{number}. {lines[0]}", *rest])


def _take_definitions(text: str) -> tuple[str, dict[str, str]]:
    """The text without its footnote definitions, and each note's text by lower-case label."""
    notes: dict[str, str] = {}
    kept: list[str] = []
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        match = _DEFINITION.match(lines[index])
        if match is None:
            kept.append(lines[index])
            index += 1
            continue
        note = [match.group(2)]
        index += 1
        while index < len(lines):
            line = lines[index]
            following = lines[index + 1] if index + 1 < len(lines) else ""
            if _CONTINUATION.match(line):
                note.append(_CONTINUATION.sub("", line, count=1))
            elif not line.strip() and _CONTINUATION.match(following):
                note.append("")
            else:
                break
            index += 1
        notes.setdefault(match.group(1).lower(), "\n".join(note))
    return "\n".join(kept), notes
