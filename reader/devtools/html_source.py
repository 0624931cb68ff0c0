"""The text of an HTML body as an author wrote it: runs of text and the block boundaries between
them, read with a real HTML parser (the standard library's), not with the converter's own code."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

DROPPED_ELEMENTS = {
    "script": "program code, never shown",
    "style": "style sheets, never shown",
    "svg": "drawings, never shown as text",
    "math": "formulas, never shown as text",
    "iframe": "embedded pages: shown as a link to them",
    "form": "form controls are dropped on purpose",
    "noscript": "the fallback for browsers without scripts",
    "template": "inert markup a page never shows",
}
"""Elements whose content the project drops on purpose, with the reason (reader.core.convert)."""


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


BLOCK_ELEMENTS = _names(
    "address article aside blockquote br center dd details div dl dt figcaption figure footer"
    " h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table tbody td tfoot th"
    " thead tr ul"
)
_VOID = _names("area base br col embed hr img input link meta param source track wbr")


@dataclass(frozen=True, slots=True)
class TextRun:
    text: str
    after_block_boundary: bool
    """A block element (paragraph, div, cell, line break...) starts or ends before this run."""


class _Runs(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.runs: list[TextRun] = []
        self.image_texts: list[str] = []
        self.images: list[tuple[str, str]] = []
        self._dropped: list[str] = []
        self._boundary = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROPPED_ELEMENTS and tag not in _VOID:
            self._dropped.append(tag)
        if tag == "img" and not self._dropped:
            self._image(attrs)
        if tag in BLOCK_ELEMENTS:
            self._boundary = True

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img" and not self._dropped:
            self._image(attrs)
        if tag in BLOCK_ELEMENTS:
            self._boundary = True

    def handle_endtag(self, tag: str) -> None:
        if tag in self._dropped:
            while self._dropped and self._dropped.pop() != tag:
                pass
        if tag in BLOCK_ELEMENTS:
            self._boundary = True

    def _image(self, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        text = (found.get("alt") or found.get("title") or "").strip()
        if text:
            self.image_texts.append(text)
        src = found.get("src") or found.get("data-src") or found.get("data-original") or ""
        self.images.append((text, src))

    def handle_data(self, data: str) -> None:
        if self._dropped or not data.strip():
            if data and not data.strip() and not self._dropped and self.runs:
                # whitespace between inline elements still separates words
                self.runs.append(TextRun(" ", self._boundary))
            return
        self.runs.append(TextRun(data, self._boundary))
        self._boundary = False


@dataclass(frozen=True, slots=True)
class SourceText:
    runs: list[TextRun]
    """The text runs in order, without the content of DROPPED_ELEMENTS."""
    image_texts: list[str]
    """The alt (else title) text of each image: shown in its placeholder, as written."""
    images: list[tuple[str, str]]
    """(alt or title text, address) of each image, in order."""


def source_text(html: str) -> SourceText:
    """What a browser would show of `html` as text."""
    parser = _Runs()
    parser.feed(html)
    parser.close()
    return SourceText(parser.runs, parser.image_texts, parser.images)
