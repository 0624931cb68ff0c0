"""The converter's fast scans find what the plain regular expressions they stand for find.

They only skip positions where the regex cannot match; random texts over the characters that
matter check that nothing else changed.
"""

from __future__ import annotations

import html.entities
import random
import re

from reader.core import convert, html_prepare
from reader.core.emphasis import resolve_emphasis

SEED = 15
ROUNDS = 3000


def random_texts(alphabet: list[str], longest: int) -> list[str]:
    rng = random.Random(SEED)
    return ["".join(rng.choices(alphabet, k=rng.randint(0, longest))) for _ in range(ROUNDS)]


def test_inline_code_found_as_the_regex_finds_it() -> None:
    for text in random_texts(["`", "``", "\\", "a", " ", "\n", "{%"], 24):
        plain = convert._Protected()
        expected = convert._INLINE_CODE.sub(lambda m, store=plain: store.token(m.group(0)), text)
        fast = convert._Protected()
        assert convert._protect_inline_code(text, fast) == expected, text
        assert fast.parts == plain.parts, text


def test_controls_and_surrogates_cleaned_alone_and_together() -> None:
    for fmt in ("markdown", "html"):
        assert convert.to_markdown("a\ud800b", fmt).markdown == "a\ufffdb\n"
        assert convert.to_markdown("a\x1b[2Jb\x07", fmt).markdown == "ab\n"
        assert convert.to_markdown("a\udfff\x1b[2Jb", fmt).markdown == "a\ufffdb\n"
        assert convert.to_markdown("a\u202eb", fmt).markdown == "ab\n"


_LINE_FENCE_OPEN = re.compile(r"^([ \t>]*)(`{3,}|~{3,})(.*)$")


def fences_line_by_line(text: str, store: convert._Protected) -> str:
    """Fenced code protected by trying every line: what _protect_fences must give."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        match = _LINE_FENCE_OPEN.match(lines[i])
        if match is None or (match.group(2)[0] == "`" and "`" in match.group(3)):
            out.append(lines[i])
            i += 1
            continue
        marker = match.group(2)
        closer = re.compile(rf"^[ \t>]*{re.escape(marker[0])}{{{len(marker)},}}[ \t]*$")
        j = i + 1
        while j < len(lines) and not closer.match(lines[j]):
            j += 1
        prefix = match.group(1)
        out.append(prefix + store.token("\n".join(lines[i : j + 1])[len(prefix) :]))
        i = j + 1
    return "\n".join(out)


def test_fences_found_as_a_line_by_line_scan_finds_them() -> None:
    alphabet = ["```", "~~~", "````", "`", "~", " ", "\t", ">", "\n", "\n", "a", "js"]
    for text in random_texts(alphabet, 30):
        plain = convert._Protected()
        expected = fences_line_by_line(text, plain)
        fast = convert._Protected()
        assert convert._protect_fences(text, fast) == expected, repr(text)
        assert fast.parts == plain.parts, repr(text)


_LINE_STRONG_PAIR = re.compile(
    r"(?<![\\*])\*\*(?=[^\s*])((?:[^*\n]|\*(?!\*))+?)(?<=[^\s\\])\*\*(?!\*)"
)


def strong_line_by_line(text: str) -> str:
    """Bold made to parse one line at a time: what _flanking_strong must give."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if "**" in line:
            lines[index] = _LINE_STRONG_PAIR.sub(convert._marked_strong, line)
    return resolve_emphasis("\n".join(lines))


def test_bold_made_to_parse_as_line_by_line() -> None:
    alphabet = ["**", "**", "*", "\\", " ", "\n", "a", "字", "：", "(", "_"]
    for text in random_texts(alphabet, 20):
        if "**" in text:
            assert convert._flanking_strong(text) == strong_line_by_line(text), repr(text)


def test_legacy_entity_prefixes_as_the_alternation_of_their_names() -> None:
    names = sorted((k for k in html.entities.html5 if not k.endswith(";")), key=len, reverse=True)
    alternation = re.compile("|".join(names))
    rng = random.Random(SEED)
    words = [name + tail for name in names for tail in ("", "2021", "x", "a1")]
    words += [
        "".join(rng.choices("acdegilmnoprtuxAEIO0123", k=rng.randint(1, 8))) for _ in range(ROUNDS)
    ]
    for word in words:
        assert html_prepare._legacy_prefix(word) == (alternation.match(word) is not None), word


def test_wide_characters_as_the_character_class() -> None:
    wide = re.compile("[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")
    for code in range(0x10000):
        char = chr(code)
        assert html_prepare._is_wide(char) == (wide.match(char) is not None), hex(code)
