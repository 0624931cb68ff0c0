"""plain_text (what the search index holds) on pathological Markdown: one pass, no rescans.

The background indexing converts every post in a thread of the UI process; one regular
expression call is one hold of the GIL, so a rescan of a long line froze every key for the
whole call (48 s on 120 KB of unclosed `[a](b`). No timing assertion: at these sizes a
quadratic scan runs far past the test timeout, a linear one takes well under a second."""

from __future__ import annotations

import pytest

from reader.core.search_text import plain_text

SIZE = 400_000


@pytest.mark.parametrize(
    ("unit", "kept"),
    [
        ("[a](b ", "[a](b"),  # links never closed
        ("[", "["),  # brackets never closed
        ("![a](b ", "![a](b"),  # images never closed
        ("[image: a ", "[image: a"),
        ("<a ", "<a"),  # tags never closed
        ("<http:a ", "<http:a"),  # autolinks never closed
        ("<!--", "<!--"),  # comments never closed
    ],
)
def test_unclosed_markup_on_one_long_line_is_one_pass(unit: str, kept: str) -> None:
    text = plain_text(unit * (SIZE // len(unit)))
    assert text.startswith(kept)
    assert len(text) > SIZE // 2


def test_closed_markup_is_still_reduced_to_its_text() -> None:
    assert plain_text("[a](http://x) ![img](y.png) <b>bold</b> <http://z>") == (
        "a img bold http://z"
    )
