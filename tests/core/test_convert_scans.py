"""The converter's fast scans find what the plain regular expressions they stand for find.

They only skip positions where the regex cannot match; random texts over the characters that
matter check that nothing else changed.
"""

from __future__ import annotations

import random

from reader.core import convert

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
