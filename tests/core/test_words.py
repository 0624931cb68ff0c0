"""Counts read as English: "1 post", "2 posts", never "1 posts" or "bookmark(s)"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reader.core.words import counted

READER = Path(__file__).resolve().parents[2] / "reader"


@pytest.mark.parametrize(
    ("count", "noun", "expected"),
    [
        (0, "post", "0 posts"),
        (1, "post", "1 post"),
        (2, "bookmark", "2 bookmarks"),
        (12345, "file", "12,345 files"),
        (1, "match", "1 match"),
        (3, "match", "3 matches"),
        (2, "library", "2 libraries"),
    ],
)
def test_counted(count: int, noun: str, expected: str) -> None:
    assert counted(count, noun) == expected


# A number formatted straight into a plural noun ("{n} posts") or a "(s)" in a message: the
# singular case reads wrong. Counts of things go through `counted`.
_NUMBER_THEN_PLURAL = re.compile(
    r"\{[^{}]*\}\s+(posts|bookmarks|files|results|hits|errors|links|headings|libraries|"
    r"folders|categories|notes|sections|matches|changes|rounds|lines|items|records)\b"
)
_MAYBE_PLURAL = re.compile(r"\b(?!http)[a-z]+\(s\)(?!\s*(?:for|if|in)\b)")  # "bookmark(s)"


def test_no_message_formats_a_count_into_a_fixed_plural() -> None:
    offenders = []
    for source in sorted(READER.rglob("*.py")):
        for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if _NUMBER_THEN_PLURAL.search(code) or _MAYBE_PLURAL.search(code):
                offenders.append(f"{source.relative_to(READER.parent)}:{number}: {line.strip()}")
    assert offenders == []
