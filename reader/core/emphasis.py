"""Emphasis that CommonMark reads as emphasis next to CJK text.

CommonMark takes `**` as bold only when it "flanks" the text: an opening `**` followed by
punctuation must follow a space or punctuation, and a closing `**` after punctuation must be
followed by one. CJK text has no spaces, so `输入**=rand()**便可以` and `**注意：**html` show
their stars. A zero-width space (invisible; neither a space nor punctuation to CommonMark)
between the mark and the text that needs it makes the mark flank again.

Converters mark emphasis with the private-use characters STRONG and EMPHASIS (the same
character opens and closes); `resolve_emphasis` turns them into `**`/`*`, keeping whitespace
outside the marks, dropping empty pairs and joining a pair that closes where the next opens.
"""

from __future__ import annotations

import re
import unicodedata

STRONG = "\ue012"
EMPHASIS = "\ue011"
MARKERS = STRONG + EMPHASIS
ZERO_WIDTH_SPACE = "\u200b"
_DELIMITER = {STRONG: "**", EMPHASIS: "*"}
_MARKER = re.compile(f"[{MARKERS}]")
_MD_WHITESPACE = frozenset("\t\n\v\f\r \xa0\u1680\u202f\u205f\u3000")


def is_markdown_punctuation(char: str) -> bool:
    """Punctuation or a symbol, as CommonMark's flanking rules (and markdown-it) count them."""
    return unicodedata.category(char).startswith(("P", "S"))


def _is_space(char: str) -> bool:
    return char in _MD_WHITESPACE or "\u2000" <= char <= "\u200a"


def _open_ok(before: str, after: str) -> bool:
    """An opening run flanks (is left-flanking) between these characters ("" = line edge)."""
    if not after or _is_space(after):
        return False
    return (
        not is_markdown_punctuation(after)
        or not before
        or _is_space(before)
        or (is_markdown_punctuation(before))
    )


def _close_ok(before: str, after: str) -> bool:
    """A closing run flanks (is right-flanking) between these characters."""
    if not before or _is_space(before):
        return False
    return (
        not is_markdown_punctuation(before)
        or not after
        or _is_space(after)
        or (is_markdown_punctuation(after))
    )


def resolve_emphasis(text: str) -> str:
    """Replace STRONG/EMPHASIS marks with Markdown emphasis that parses where it stands."""
    if STRONG not in text and EMPHASIS not in text:
        return text
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if STRONG in line or EMPHASIS in line:
            lines[index] = _resolve_line(line)
    return "\n".join(lines)


# A token is ("text", s), ("open", marker) or ("close", marker).
_Token = tuple[str, str]


def _tokens(line: str) -> list[_Token]:
    tokens: list[_Token] = []
    opened: set[str] = set()
    pos = 0
    for match in _MARKER.finditer(line):
        if match.start() > pos:
            tokens.append(("text", line[pos : match.start()]))
        marker = match.group()
        tokens.append(("close" if marker in opened else "open", marker))
        opened ^= {marker}
        pos = match.end()
    if pos < len(line):
        tokens.append(("text", line[pos:]))
    return _drop_unmatched(tokens)


def _drop_unmatched(tokens: list[_Token]) -> list[_Token]:
    """Drop marks that never close, pairs around nothing visible, and `close X, open X`."""
    kept: list[_Token | None] = list(tokens)
    open_at: dict[str, int] = {}
    for index, (kind, value) in enumerate(tokens):
        if kind == "open":
            open_at[value] = index
        elif kind == "close":
            start = open_at.pop(value)
            inner = "".join(v for k, v in tokens[start + 1 : index] if k == "text")
            if not inner.strip():
                kept[start] = kept[index] = None
    for index in open_at.values():
        kept[index] = None
    result = [token for token in kept if token is not None]
    joined: list[_Token] = []
    for token in result:
        if token[0] == "open" and joined and joined[-1] == ("close", token[1]):
            joined.pop()  # `**a****b**`: one bold run
            continue
        joined.append(token)
    return joined


def _spaces_outside(tokens: list[_Token]) -> list[_Token]:
    """`** bold **` does not parse: move the spaces out of the marks."""
    out = list(tokens)
    changed = True
    while changed:
        changed = False
        for i in range(len(out) - 1):
            kind, value = out[i]
            next_kind, next_value = out[i + 1]
            if kind == "open" and next_kind == "text" and next_value[:1].isspace():
                stripped = next_value.lstrip()
                space = next_value[: len(next_value) - len(stripped)]
                out[i : i + 2] = [("text", space), out[i], ("text", stripped)]
                changed = True
                break
            if next_kind == "close" and kind == "text" and value[-1:].isspace():
                stripped = value.rstrip()
                out[i : i + 2] = [("text", stripped), out[i + 1], ("text", value[len(stripped) :])]
                changed = True
                break
    return [token for token in out if token != ("text", "")]


def _resolve_line(line: str) -> str:
    tokens = _spaces_outside(_tokens(line))
    out: list[str] = []
    index = 0
    while index < len(tokens):
        kind, value = tokens[index]
        if kind == "text":
            out.append(value)
            index += 1
            continue
        run_end = index
        while run_end < len(tokens) and tokens[run_end][0] != "text":
            run_end += 1
        run = tokens[index:run_end]
        after = tokens[run_end][1][:1] if run_end < len(tokens) else ""
        closers = "".join(_DELIMITER[v] for k, v in run if k == "close")
        openers = "".join(_DELIMITER[v] for k, v in run if k == "open")
        before = out[-1][-1:] if out and out[-1] else ""
        if closers:
            next_char = ZERO_WIDTH_SPACE if openers else after
            if not _close_ok(before, next_char or " "):
                out.append(ZERO_WIDTH_SPACE)
            out.append(closers)
            before = ZERO_WIDTH_SPACE if openers else "*"
            if openers:
                out.append(ZERO_WIDTH_SPACE)
        if openers:
            out.append(openers)
            if not _open_ok(before, after):
                out.append(ZERO_WIDTH_SPACE)
        index = run_end
    return "".join(out)
