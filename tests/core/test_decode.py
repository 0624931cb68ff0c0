"""Decoding: UTF-8 fast path, BOMs, legacy CJK by a real detector, binary refused."""

from __future__ import annotations

import codecs

import pytest

from reader.core.decode import NotText, decode
from tests.fixtures_posts import LEGACY_TEXTS

TEXT = "---\ntitle: Ünïcode 标题 タイトル\n---\nbody 😀\n"


def test_utf8() -> None:
    assert decode(TEXT.encode("utf-8")) == TEXT


@pytest.mark.parametrize(
    ("bom", "encoding"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
    ],
)
def test_byte_order_marks(bom: bytes, encoding: str) -> None:
    assert decode(bom + TEXT.encode(encoding)) == TEXT


@pytest.mark.parametrize("encoding", sorted(LEGACY_TEXTS))
def test_legacy_cjk_encodings_are_detected(encoding: str) -> None:
    text = LEGACY_TEXTS[encoding]
    data = text.encode(encoding)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the fixture really is not UTF-8
    assert decode(data) == text


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
        b"---\ntitle: x\n---\n\x00\x01\x02",
        bytes(range(256)) * 4,
        b"\x7fELF\x02\x01\x01\x00" + bytes(64),
    ],
    ids=["png", "nul-in-text", "all-bytes", "elf"],
)
def test_binary_is_not_text(data: bytes) -> None:
    with pytest.raises(NotText, match="not text"):
        decode(data)


def test_truncated_multibyte_character_is_dropped_only_when_truncated() -> None:
    data = "标题".encode() + "题".encode()[:2]
    assert decode(data, truncated=True) == "标题"


def test_empty() -> None:
    assert decode(b"") == ""
