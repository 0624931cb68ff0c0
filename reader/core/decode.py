"""Bytes of a post file to text: UTF-8 first (the fast path), BOMs, then a real detector.

Legacy CJK files (GB18030, Big5, Shift_JIS, EUC-KR) are detected with charset-normalizer,
which is imported only when UTF-8 fails, so the common case pays nothing for it.
Binary files (NUL bytes, or nothing a detector accepts) are refused as "not text".
"""

from __future__ import annotations

import codecs

NOT_TEXT = "not text"

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


class NotText(ValueError):
    """The bytes are not text in any encoding we accept."""

    def __init__(self) -> None:
        super().__init__(NOT_TEXT)


def decode(data: bytes, *, truncated: bool = False) -> str:
    """Decode a post file; raise `NotText` for binary data.

    `truncated` says `data` is a prefix of the file, so a multi-byte character cut at the end
    is dropped instead of failing the whole file.
    """
    if data[:1] in (b"\xef", b"\xff", b"\xfe", b"\x00"):
        for bom, encoding in _BOMS:
            if data.startswith(bom):
                return data[len(bom) :].decode(encoding, errors="replace")
    if b"\x00" in data:
        raise NotText
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        if truncated and error.start >= len(data) - 3:
            try:
                return data[: error.start].decode("utf-8")
            except UnicodeDecodeError:
                pass
    return _detect(data)


def _detect(data: bytes) -> str:
    from charset_normalizer import from_bytes  # costly import, rarely needed

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise NotText
    text = str(best)
    if not _looks_like_text(text):
        raise NotText
    return text


def _looks_like_text(text: str) -> bool:
    """Reject what a detector accepted but is mostly control characters."""
    if not text:
        return True
    controls = sum(1 for ch in text[:4096] if ch < " " and ch not in "\t\n\r\f")
    return controls * 20 < min(len(text), 4096)
