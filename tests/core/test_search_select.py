"""Checking candidates against their text: reading part of a text decides as the whole does."""

from __future__ import annotations

import random
import zlib

import pytest

from reader.core import search_select
from reader.core.search_query import fold
from reader.core.search_select import holds_all, rank_checked

# Σ folds by context (final ς), İ folds to two characters: both must fold as the scan folds.
ALPHABET = "abAB猫的ΣσςİXx😀 "


def _text(rng: random.Random, length: int) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(length))


def test_a_partial_read_finds_what_the_whole_text_holds() -> None:
    rng = random.Random(5)
    for _ in range(400):
        alphabet = ALPHABET if rng.random() < 0.5 else ALPHABET.replace("Σ", "")
        text = "".join(rng.choice(alphabet) for _ in range(rng.choice((10, 3000, 9000))))
        title = _text(rng, 6)
        terms = [fold(_text(rng, rng.randint(4, 6))) for _ in range(rng.randint(1, 2))]
        if rng.random() < 0.5:  # a term that surely occurs, maybe across a chunk boundary
            at = rng.randrange(max(1, len(text) - 6))
            terms.append(fold(text)[at : at + 5])
        expected = all(term in fold(title) or term in fold(text) for term in terms)
        packed = zlib.compress(text.encode("utf-8"))
        assert holds_all(packed, fold(title), terms) == expected, (terms, text[:40])


def test_past_the_count_limit_the_same_posts_match(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(9)
    rows = []
    for doc in range(200):
        text = _text(rng, rng.choice((5, 500, 5000)))
        rows.append((doc, 0, 0, float(doc), fold(_text(rng, 5)), zlib.compress(text.encode())))
    for term in ("abab", "猫的猫", "σaσ", "xxxx"):
        counted = set(rank_checked(rows, [term]))
        monkeypatch.setattr(search_select, "COUNT_LIMIT", 0)
        assert set(rank_checked(rows, [term])) == counted
        monkeypatch.undo()


def test_a_final_sigma_on_a_chunk_boundary_folds_as_in_the_whole_text() -> None:
    text = "x" * (search_select._STEP - 2) + "aΣ " + "y" * 5000  # Σ starts the second chunk
    assert "aς" in fold(text)
    assert holds_all(zlib.compress(text.encode("utf-8")), "", ["aς y"])


def test_caseless_terms_are_checked_on_the_raw_text_as_on_the_folded() -> None:
    rng = random.Random(3)
    rows = []
    for doc in range(300):
        text = _text(rng, rng.choice((5, 60, 600)))
        rows.append((doc, 0, 0, float(doc), fold(_text(rng, 4)), zlib.compress(text.encode())))
    for term in ("猫的猫的", "的猫的猫", "猫😀猫的"):  # four or more: checked
        assert search_select.caseless(term)
        texts = {doc: fold(zlib.decompress(packed).decode()) for doc, *_, packed in rows}
        expected = {doc for doc, *_, title, _ in rows if term in title or term in texts[doc]}
        assert set(rank_checked(rows, [term])) == expected
    assert not any(search_select.caseless(term) for term in ("abcd", "σσσ", "猫a", "ａ"))
