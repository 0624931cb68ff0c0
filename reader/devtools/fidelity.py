"""`python -m reader.devtools.fidelity SITE [SITE...]`: is what a reader sees what the author
wrote? One line per finding, then `N/M posts clean`; exit status 1 when a post has findings.

"Rendered text" is what the reading pane's Markdown parser makes of the Markdown `reader show`
prints (reader.devtools.rendered_text). For every post:
- HTML bodies: every text run of the source (read with html.parser) is in the rendered text,
  whitespace ignored; two words from neighbouring source blocks never become one word; no
  space appears between CJK text and CJK punctuation where the source had none;
- every body: no `**`, `__`, `[^n]`, `{%`, `%}` or HTML tag drawn as literal text outside
  code, nor in an inline code span the source did not have (a stand-in for something the
  converter did not convert).

Left out on purpose, each for the reason given in EXCLUSIONS.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO
from urllib.parse import unquote, urlsplit

from reader.core.convert import MAX_BODY_CHARS, Converted, to_markdown
from reader.core.markdown_syntax import is_wide, reading_parser
from reader.core.model import BodyFormat
from reader.core.sanitize import sanitize
from reader.core.words import counted
from reader.devtools.html_source import DROPPED_ELEMENTS, SourceText, TextRun, source_text
from reader.devtools.rendered_text import ESCAPED, Rendered, rendered_text

EXCLUSIONS: dict[str, str] = {
    **{f"<{name}> content": reason for name, reason in DROPPED_ELEMENTS.items()},
    "control characters": "removed by sanitizing: they would drive the terminal",
    f"text past {MAX_BODY_CHARS:,} characters": "bodies are cut there, and the reader is told",
    "blocks too large to lay out": "the pane shows their source as text, and says so",
    "author escapes (\\*\\*)": "the author asked for the literal characters",
    "markup in the source text": "an HTML body whose text holds `**` or `<b>` shows it as written",
}

Converter = Callable[[str, BodyFormat], Converted]


@dataclass(frozen=True, slots=True)
class Finding:
    kind: str
    detail: str


# ----------------------------------------------------------------------- literal markup

_HTML_NAMES = (
    "a|abbr|address|article|aside|audio|b|big|blockquote|body|br|center|cite|code|dd|del|details"
    "|div|dl|dt|em|figcaption|figure|font|footer|h[1-6]|head|header|hr|html|i|iframe|img|ins"
    "|kbd|li|main|mark|nav|ol|p|picture|pre|q|s|section|small|source|span|strike|strong|sub"
    "|summary|sup|table|tbody|td|tfoot|th|thead|tr|tt|u|ul|video"
)
_LITERAL_MARKUP = {
    "**": re.compile(r"\*\*"),
    "__": re.compile(r"(?<![\w])__|__(?![\w])"),
    "footnote reference": re.compile(r"\[\^[^\]\s]{1,40}\]"),
    "tag plugin": re.compile(r"\{%|%\}"),
    "HTML tag": re.compile(rf"</?(?:{_HTML_NAMES})(?:\s[^<>\n]*)?/?>", re.IGNORECASE),
}


def _markup_in(text: str) -> Iterator[tuple[str, str]]:
    for kind, pattern in _LITERAL_MARKUP.items():
        for match in pattern.finditer(text):
            yield kind, _context(text, match.start(), match.end())


def _context(text: str, start: int, end: int, width: int = 20) -> str:
    return " ".join(text[max(0, start - width) : end + width].split())


def literal_markup(rendered: Rendered, source_text: str, body: str) -> list[Finding]:
    """Markup drawn as text outside code, or in a code span the source did not have.

    Not reported: what the author escaped (`\\*\\*` in a Markdown body) and, in an HTML body,
    markup that is part of its text (`2**8`, `&lt;b&gt;`).
    """
    findings = []
    prose, escapes = rendered.prose, rendered.prose_escapes
    for kind, pattern in _LITERAL_MARKUP.items():
        for match in pattern.finditer(prose):
            written = match.group()
            if ESCAPED in escapes[match.start() : match.end()] and "\\" + written[0] in body:
                continue
            if written in source_text:
                continue
            context = _context(prose, match.start(), match.end())
            findings.append(Finding("markup shown as text", f"{kind}: {context!r}"))
    source_code = _written_as_code(body)
    for span in rendered.code_spans:
        if " ".join(span.split()) in source_code:
            continue
        for kind, _ in _markup_in(span):
            if kind in ("tag plugin", "HTML tag"):
                findings.append(Finding("unconverted code span", f"{kind}: {span[:60]!r}"))
                break
    return findings


_CODE_IN_SOURCE = re.compile(r"(`+)(.+?)\1|<code[^>]*>(.*?)</code>", re.DOTALL | re.IGNORECASE)


def _written_as_code(body: str) -> set[str]:
    """What the author wrote as code (backticks or <code>), whitespace collapsed."""
    found: set[str] = set()
    for match in _CODE_IN_SOURCE.finditer(body):
        code = match.group(2) if match.group(2) is not None else match.group(3)
        found.add(" ".join(code.split()))
        found.add(" ".join(code.strip("`").split()))
    return found


# ----------------------------------------------------------------------- HTML bodies

_SPACE = re.compile(r"\s+")


def _squeezed(text: str) -> str:
    return _SPACE.sub("", sanitize(text))


def missing_text(runs: Sequence[TextRun], rendered: Rendered) -> list[Finding]:
    """Source text runs not found in the rendered text (whitespace ignored)."""
    shown = _squeezed(rendered.full)
    findings = []
    cursor = 0
    for run in runs:
        wanted = _squeezed(run.text)
        if not wanted:
            continue
        at = shown.find(wanted, cursor)
        if at < 0:
            at = shown.find(wanted)
        if at < 0:
            findings.append(Finding("text lost", repr(run.text.strip()[:60])))
            continue
        cursor = at + len(wanted)
    return findings


def _spaced(text: str) -> str:
    return " ".join(sanitize(text).split())


def glued_words(runs: Sequence[TextRun], rendered: Rendered) -> list[Finding]:
    """Two words from neighbouring source blocks shown as one word."""
    shown = _spaced(rendered.full)
    source = _spaced(" ".join(run.text for run in runs))
    findings = []
    previous = ""
    for run in runs:
        if not run.text.strip():
            continue
        if previous and run.after_block_boundary:
            last, first = previous.split()[-1], run.text.split()[0]
            if not is_wide(last[-1]) and not is_wide(first[0]):
                glued = last + first
                if shown.count(glued) > source.count(glued):
                    findings.append(Finding("words glued", f"{last!r} + {first!r}"))
        previous = run.text
    return findings


def is_cjk_punctuation(char: str) -> bool:
    return is_wide(char) and unicodedata.category(char).startswith("P")


_CJK_SPACE = re.compile(r"(\S)[ \t\u3000]+(\S)")


def _cjk_spaces(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for pair in _overlapping(text):
        counts[pair] = counts.get(pair, 0) + 1
    return counts


def _overlapping(text: str) -> Iterator[str]:
    pos = 0
    while True:
        match = _CJK_SPACE.search(text, pos)
        if match is None:
            return
        before, after = match.group(1), match.group(2)
        if (is_cjk_punctuation(before) and is_wide(after)) or (
            is_cjk_punctuation(after) and is_wide(before)
        ):
            yield before + " " + after
        pos = match.start(2)


def cjk_spacing(source_text: SourceText, rendered: Rendered) -> list[Finding]:
    """A space between CJK text and CJK punctuation that the source did not have (in its
    text, or in an image's alt text, which the placeholder shows)."""
    written = [run.text for run in source_text.runs] + source_text.image_texts
    source = _cjk_spaces("\n".join(sanitize(text) for text in written))
    shown = _cjk_spaces(rendered.full)
    return [
        Finding("space before or after CJK punctuation", repr(pair))
        for pair, count in shown.items()
        if count > source.get(pair, 0)
    ]


# ----------------------------------------------------------------------- every body

_SOURCE_PARSER = reading_parser()
"""Reads Markdown bodies as the pane would if they were shown unconverted."""
_FOOTNOTE_LINK = re.compile(r"^\^[^\s\]]{1,40}$")


def footnote_links(rendered: Rendered) -> list[Finding]:
    """`[^1]` read as a link to its own note (CommonMark has no footnotes)."""
    return [
        Finding("footnote shown as a link", repr(text))
        for text in rendered.link_texts
        if _FOOTNOTE_LINK.match(text)
    ]


def image_file_name(src: str) -> str:
    """The file an image address names; behind a proxy, the file of the address it carries."""
    parts = urlsplit(src.strip())
    carried = re.search(r"https?://[^\s&]+", unquote(parts.query))
    if carried:
        return image_file_name(carried.group(0))
    return unquote(parts.path.rstrip("/").rsplit("/", 1)[-1])


def image_placeholders(images: Sequence[tuple[str, str]], rendered: Rendered) -> list[Finding]:
    """Every image shown as `image: <alt text, else file name>`, whatever its source format."""
    findings = [
        Finding("image drawn by the pane", f"{alt!r}: not in the placeholder form")
        for alt in rendered.images
    ]
    shown = _squeezed(rendered.full)
    for alt, src in images:
        label = alt or image_file_name(src)
        if label and "image:" + _squeezed(label) not in shown:
            findings.append(Finding("image placeholder", f"{label!r} not shown"))
    return findings


def markdown_images(body: str) -> list[tuple[str, str]]:
    """(alt text, address) of each image in a Markdown body, as the pane's parser reads it."""
    found = []
    for token in _SOURCE_PARSER.parse(body):
        for child in token.children or []:
            if child.type == "image":
                found.append((child.content.strip(), str(child.attrs.get("src", ""))))
    return found


_HTML_HEADING = re.compile(r"<h[1-6]\b", re.IGNORECASE)


def headings_kept(body: str, rendered: Rendered) -> list[Finding]:
    """A Markdown body's headings, raw HTML ones (`<h2 id="...">`) included, stay headings."""
    expected = 0
    for token in _SOURCE_PARSER.parse(body):
        if token.type == "heading_open":
            expected += 1
        elif token.type == "html_block":
            expected += len(_HTML_HEADING.findall(token.content))
    if rendered.headings >= expected:
        return []
    return [Finding("heading shown as text", f"{expected - rendered.headings} of {expected}")]


# ----------------------------------------------------------------------- one post


def check_body(body: str, fmt: BodyFormat, convert: Converter = to_markdown) -> list[Finding]:
    """Every finding for one post body, converted by `convert` (the project's converter)."""
    rendered = rendered_text(convert(body, fmt).markdown)
    if fmt == "html":
        source = source_text(body[:MAX_BODY_CHARS])
        written = "".join(run.text for run in source.runs)
        findings = literal_markup(rendered, written, body)
        if not rendered.skipped_blocks:
            findings += missing_text(source.runs, rendered)
        findings += glued_words(source.runs, rendered)
        findings += cjk_spacing(source, rendered)
        findings += image_placeholders(source.images, rendered)
        return findings + footnote_links(rendered)
    findings = literal_markup(rendered, "", body) + footnote_links(rendered)
    findings += image_placeholders(markdown_images(body), rendered)
    return findings + headings_kept(body, rendered)


# ----------------------------------------------------------------------- command line


def _posts(site_path: Path) -> Iterator[tuple[str, str, BodyFormat]]:
    from reader.core.parse import read_post
    from reader.core.scan import scan, site_at

    site = site_at(site_path)
    for ref in scan(site):
        parsed = read_post(site, ref)
        yield f"{site_path}/{ref.relpath}", parsed.body, parsed.post.format


def run(sites: Sequence[Path], out: TextIO = sys.stdout, convert: Converter = to_markdown) -> int:
    """Check every post of every site; print findings and the count; return the exit status."""
    total = clean = 0
    for site in sites:
        for name, body, fmt in _posts(site):
            total += 1
            findings = check_body(body, fmt, convert)
            if not findings:
                clean += 1
            for finding in findings:
                print(f"{name}: {finding.kind}: {finding.detail}", file=out)
    print(f"{clean}/{counted(total, 'post')} clean", file=out)
    return 0 if clean == total else 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m reader.devtools.fidelity", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("sites", nargs="+", type=Path, metavar="SITE")
    parser.add_argument("--exclusions", action="store_true", help="list what is not checked")
    args = parser.parse_args(argv)
    if args.exclusions:
        for what, why in EXCLUSIONS.items():
            print(f"{what}: {why}")
    return run(args.sites)


if __name__ == "__main__":
    sys.exit(main())
