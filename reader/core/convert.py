"""Turn a post body into Markdown for reading: `to_markdown(body, fmt) -> Converted`.

HTML bodies go through html2text, configured for reading: no hard wrap, inline links, images as
visible `[image: alt]` lines, embedded frames and videos as links, fenced `<pre>`, emphasis that
parses next to CJK text (reader.core.emphasis), layout tables and unknown blocks as blocks
(reader.core.html_prepare), and no script, style, svg, iframe, form, noscript or template
content. Absurdly nested HTML (it makes html2text's output grow quadratically) degrades to
plain text.

Markdown bodies are passed through with the parts a terminal cannot show made readable:
- Hexo tag plugins: `{% codeblock %}`/`{% code %}` become fenced code, `{% blockquote %}` and
  `{% note %}` quotes, `{% post_link slug [text] %}` a link to `post:<slug>` (see
  `post_link_slug`), `{% asset_img %}`/`{% img %}` an `[image: title]` line, embeds
  (`{% youtube %}`, `{% twitter URL %}`, ...) links, and any other tag a link when it names a
  URL, else a quiet `[name]` placeholder. Tags inside fenced or inline code stay literal, as
  Hexo leaves them.
- `<!-- more -->` and other HTML comments are removed outside code.
- Footnotes become superscript numbers and numbered notes at the end (reader.core.footnotes);
  `![alt](src)` becomes `[image: alt](src)` as HTML images do (alt text, else the file name);
  `**bold**` next to CJK text is made to parse.
- Raw HTML (Textual's Markdown widget drops it): `<h1>`-`<h6>` starting a line become headings,
  `<img>` becomes `[image: alt]`, `<a href>` a link, `<iframe>` a link, tables, lists and
  `<pre>` go through html2text, script/style/template are dropped, other known tags are
  stripped (their text kept), and any other `<word>` is escaped so that `Vec<String>` stays
  visible.

The result is always sanitized. Bodies over MAX_BODY_CHARS are cut, with a notice. Nothing here
raises: a converter failure falls back to plain text.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

import html2text

from reader.core.emphasis import EMPHASIS, STRONG, closes, opens, resolve_emphasis
from reader.core.footnotes import render_footnotes
from reader.core.html_prepare import (
    balanced_close,
    escape_unknown_entities,
    join_wide_lines,
    layout_tables_as_blocks,
)
from reader.core.model import BodyFormat
from reader.core.sanitize import CONTROL_CHARS, sanitize

MIB = 1024 * 1024
MAX_BODY_CHARS = 2 * MIB
"""Bodies longer than this (in characters) are cut and the reader is told."""
MAX_HTML_NESTING = 64
"""Deeper nesting of lists/quotes/tables than this is shown as plain text."""
MAX_TAG_NESTING = 16
"""Hexo block tags nested deeper than this are shown as inline tags."""
POST_LINK_SCHEME = "post:"
"""Links made from `{% post_link slug %}` point to `post:<percent-encoded slug>`."""


@dataclass(frozen=True, slots=True)
class Converted:
    markdown: str
    """Sanitized Markdown, ready to render."""
    notice: str | None
    """Something the reader should know, e.g. "too large: showing the first 2 MiB"."""


def to_markdown(body: str, fmt: BodyFormat) -> Converted:
    """Convert a decoded post body to sanitized Markdown. Never raises."""
    notice: str | None = None
    try:
        body = body.replace("\x00", "")
        if len(body) > MAX_BODY_CHARS:
            body = _cut(body, fmt)
            notice = f"too large: showing the first {MAX_BODY_CHARS // MIB} MiB"
        if fmt == "html":
            if _too_nested(body):
                markdown = html_to_text(body)
                notice = _join(notice, "too deeply nested: shown as plain text")
            else:
                markdown = html_to_markdown(body)
        else:
            markdown = markdown_for_reading(body)
    except Exception as error:  # a converter bug must not cost the reader the post
        try:
            markdown = html_to_text(body) if fmt == "html" else body
        except Exception:  # the fallback converter failed as well: the source as it is
            markdown = body
        notice = _join(notice, f"could not convert ({type(error).__name__}): shown as plain text")
    return Converted(_clean(markdown), notice)


def post_link_slug(href: str) -> str | None:
    """The slug of a `post:` link made from `{% post_link %}`, or None for other links.

    The UI resolves the slug inside the library with `slug_matches`.
    """
    if not href.startswith(POST_LINK_SCHEME):
        return None
    return unquote(href[len(POST_LINK_SCHEME) :])


def slug_matches(slug: str, relpath: str) -> bool:
    """Whether a post file (relpath under the posts root) is the target of a post_link slug.

    Hexo's slug is the file's path without extension, and `new_post_name` patterns such as
    `:year-:month-:day-:title.md` put a date before it: all three spellings match.
    """
    slug = slug.strip().strip("/")
    stem_path = relpath.rsplit(".", 1)[0] if "." in relpath.rsplit("/", 1)[-1] else relpath
    stem = stem_path.rsplit("/", 1)[-1]
    return slug in (stem_path, stem, _DATE_PREFIX.sub("", stem))


_DATE_PREFIX = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}-")


def _join(first: str | None, second: str) -> str:
    return second if first is None else f"{first}; {second}"


def _cut(body: str, fmt: BodyFormat) -> str:
    cut = body[:MAX_BODY_CHARS]
    if fmt == "html":
        lt = cut.rfind("<")
        if lt > cut.rfind(">"):
            cut = cut[:lt]  # do not end inside a tag
    else:
        nl = cut.rfind("\n")
        if nl > 0:
            cut = cut[:nl]
    return cut


_SURROGATE = re.compile("[\ud800-\udfff]")
# one scan finds whether either is needed (each scan costs as much as the rest of _clean)
_UNSAFE = re.compile(f"[{CONTROL_CHARS}\ud800-\udfff]")
_BLANK_RUN = re.compile(r"\n(?:[ \t]*\n){2,}")


def _clean(markdown: str) -> str:
    if _UNSAFE.search(markdown):
        markdown = sanitize(markdown)
        if _SURROGATE.search(markdown):
            markdown = _SURROGATE.sub("\ufffd", markdown)
    markdown = _BLANK_RUN.sub("\n\n", markdown)
    return markdown.strip("\n") + "\n" if markdown.strip() else ""


# --------------------------------------------------------------------------- HTML


# Elements whose content is never shown. Script/style content is raw text up to its end tag.
_DROP_CONTENT = ("script", "style", "svg", "math", "iframe", "form", "noscript", "template")
_RAW_TEXT = frozenset({"script", "style"})
_DROP_OPEN = re.compile(r"<(" + "|".join(_DROP_CONTENT) + r")\b[^>]*>", re.IGNORECASE)
_CLOSE_CACHE: dict[str, re.Pattern[str]] = {}


def _close_tag(name: str) -> re.Pattern[str]:
    pattern = _CLOSE_CACHE.get(name)
    if pattern is None:
        pattern = _CLOSE_CACHE[name] = re.compile(rf"</{name}\s*>", re.IGNORECASE)
    return pattern


def _strip_elements(
    text: str, opener: re.Pattern[str], keep_open: Callable[[str, str], str]
) -> str:
    """Remove elements matched by `opener` with their content, in one linear pass.

    keep_open(name, open_tag) returns what replaces the element (often ""). An element that is
    never closed loses only its start tag, unless it holds raw text (script/style), which a
    browser would swallow to the end too.
    """
    out: list[str] = []
    pos = 0
    no_close_after: dict[str, int] = {}  # name -> position after which no end tag exists
    for match in opener.finditer(text):
        start = match.start()
        if start < pos:
            continue  # inside an element already removed
        name = match.group(1).lower()
        out.append(text[pos:start])
        close = None
        if match.end() < no_close_after.get(name, len(text) + 1):
            close = _close_tag(name).search(text, match.end())
            if close is None:
                no_close_after[name] = match.end()
        out.append(keep_open(name, match.group(0)))
        if close is not None:
            pos = close.end()
        elif name in _RAW_TEXT:
            pos = len(text)
            break
        else:
            pos = match.end()
    out.append(text[pos:])
    return "".join(out)


def _keep_frame_open(name: str, tag: str) -> str:
    # An iframe's start tag carries its src: html2text's callback turns it into a link.
    return tag + "</iframe>" if name == "iframe" else ""


_NESTING_TAG = re.compile(r"<(/?)(ul|ol|dl|blockquote|table)\b", re.IGNORECASE)


def _too_nested(body: str) -> bool:
    depth = 0
    for match in _NESTING_TAG.finditer(body):
        if match.group(1):
            depth = max(0, depth - 1)
        else:
            depth += 1
            if depth > MAX_HTML_NESTING:
                return True
    return False


_LABEL_SPECIAL = re.compile(r"([\\\[\]*_`~<&])")


def _escape_label(text: str) -> str:
    """Text shown as it is inside Markdown: `a*b.png` must not start emphasis."""
    return _LABEL_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _file_name(src: str) -> str:
    """The file an image address names; behind a proxy (`https://proxy/?http://site/a.png`)
    the file of the address it carries, never the proxy's host."""
    src = src.strip()
    path, _, query = src.partition("?")
    if "//" in query or "%2F%2F" in query or "%2f%2f" in query:
        carried = _CARRIED_URL.search(unquote(query))
        if carried is not None:
            return _file_name(carried.group(0))
    path = path.partition("#")[0]
    if "://" in path:
        path = path.split("://", 1)[1].partition("/")[2]  # no host: it names no file
    return unquote(path.rstrip("/").rsplit("/", 1)[-1])


_CARRIED_URL = re.compile(r"https?://[^\s&]+")


def _escape_url(url: str) -> str:
    url = "".join(url.split("\n")).strip()
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def _image_label(attrs: dict[str, str | None]) -> str:
    src = _image_src(attrs)
    alt = (attrs.get("alt") or attrs.get("title") or "").strip() or _file_name(src)
    return f"image: {_escape_label(alt)}" if alt.strip() else "image"


def _image_src(attrs: dict[str, str | None]) -> str:
    return attrs.get("src") or attrs.get("data-src") or attrs.get("data-original") or ""


def _image(attrs: dict[str, str | None], *, in_link: bool, label: str | None = None) -> str:
    """`[image: alt]`, a link to the image when it has a web address (so the link list offers
    it) and is not inside a link already."""
    label = "[" + (label or _image_label(attrs)) + "]"
    src = _image_src(attrs).strip()
    if in_link or not src.lower().startswith(("https://", "http://")):
        return label
    return f"{label}({_escape_url(src)})"


def _embed_label(kind: str, src: str) -> str:
    host = urlsplit(src).netloc if "://" in src or src.startswith("//") else ""
    return f"{kind}: {host}" if host else kind


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


_EMPHASIS_TAGS = frozenset({"b", "strong", "em", "i", "u"})
_TEXT_MARKUP = {"<": "\ue013", "&": "\ue014"}
"""`<` and `&` of the text, marked until html2text is done, then escaped for Markdown (html2text
would escape a backslash put in before)."""
_MARKUP_IN_TEXT = re.compile(r"[<&]")  # entities come one character at a time: escape every one
_DIV_LIKE = _names(
    "address article aside center details figcaption figure footer header main nav section summary"
)
_BLOCKS = _DIV_LIKE | {"p", "div"}


class _Reader(html2text.HTML2Text):
    """html2text with reading settings and visible images, frames and videos."""

    def __init__(self) -> None:
        super().__init__(bodywidth=0)
        self.body_width = 0
        self.inline_links = True
        self.protect_links = False
        self.wrap_links = False
        self.wrap_list_items = False
        self.wrap_tables = False
        self.unicode_snob = True
        self.escape_snob = False
        self.skip_internal_links = True
        self.images_to_alt = False
        self.pad_tables = False
        self.mark_code = False
        # Fenced, not indented: an indented block after a list is read as the list's text
        # (its `# comment` lines as headings).
        self.backquote_code_style = True
        self.tag_callback = _Reader._on_tag  # type: ignore[assignment]
        self._tables = 0

    def handle_data(self, data: str, entity_char: bool = False) -> None:
        if ("<" in data or "&" in data) and not (self.code or self.pre):
            # `&lt;b&gt;` is text: as `<b>` it would be raw HTML to Markdown, and vanish
            data = _MARKUP_IN_TEXT.sub(lambda m: _TEXT_MARKUP[m.group()], data)
        super().handle_data(data, entity_char)

    @staticmethod
    def _on_tag(parser: _Reader, tag: str, attrs: dict[str, str | None], start: bool) -> bool:
        if tag in _EMPHASIS_TAGS:
            # Marked here and written by resolve_emphasis as Markdown that parses next to CJK
            # text too: html2text's `**`/`_` do not, and it adds spaces the source lacks. No
            # marks inside code, where they would show.
            if not (parser.pre or parser.code):
                parser.o(STRONG if tag in ("b", "strong") else EMPHASIS)
            return True
        if tag in _BLOCKS:
            if parser.astack:
                parser.o(" ")  # a block inside a link: its text stays one line, words apart
                return True
            if tag in _DIV_LIKE:
                # html2text knows only <p> and <div>: `Unsplash[2]An increasing`
                parser.handle_tag("div", attrs, start)
                return True
            return False
        if tag == "table":
            parser._tables += 1 if start else -1
            return False
        if not start or tag not in ("img", "iframe", "video", "audio", "source", "embed"):
            return False
        if tag == "img":
            label = _image_label(attrs)
            parser._emit(_image(attrs, in_link=False, label=label), label)
            return True
        src = attrs.get("src") or ""
        if not src:
            return tag != "video" and tag != "audio"
        kind = "embed" if tag in ("iframe", "embed") else "video"
        if tag == "audio" or (tag == "source" and "audio" in (attrs.get("type") or "")):
            kind = "audio"
        label = _escape_label(_embed_label(kind, src))
        parser._emit(f"[{label}]({_escape_url(src)})", label)
        return True

    def _emit(self, block: str, inside_link: str) -> None:
        if self.maybe_automatic_link is not None:
            # first thing inside <a>: it becomes the link text
            self.o("[")
            self.maybe_automatic_link = None
            self.empty_link = False
            self.o(inside_link)
        elif self.astack and self.astack[-1] is not None:
            self.o(" " + inside_link + " ")
        elif self._tables > 0 or self.list:
            self.o(" " + block + " ")  # a line break would end the table row or list item
        else:
            self.p()
            self.o(block)
            self.p()


def html_to_markdown(body: str) -> str:
    """HTML to (unsanitized) Markdown with reading settings."""
    body = _strip_elements(body, _DROP_OPEN, _keep_frame_open)
    if "<!" in body:
        # Closed comments go; an unclosed one would make HTMLParser rescan the rest of the
        # body for every chunk (quadratic), so it is shown as text instead.
        body = _strip_comments(body).replace("<!--", "&lt;!--")
    body = join_wide_lines(escape_unknown_entities(body))
    body = layout_tables_as_blocks(body)
    parser = _Reader()
    text: str = parser.handle(body)
    if "\ue013" in text or "\ue014" in text:
        text = text.replace("\ue013", "\\<").replace("\ue014", "\\&")
    return resolve_emphasis(text)


_BLOCK_TAG = re.compile(
    r"</?(?:p|div|br|li|ul|ol|dl|dt|dd|tr|table|h[1-6]|blockquote|pre|section|article|header"
    r"|footer|figure|figcaption|hr|center|details|summary|main|aside|nav)\b[^>]*>",
    re.IGNORECASE,
)
_ANY_TAG = re.compile(r"<[!/?]?[A-Za-z][^<>]*>")


def html_to_text(body: str) -> str:
    """HTML to plain text, cheaply: the fallback for bodies html2text cannot take."""
    body = _strip_comments(_strip_elements(body, _DROP_OPEN, lambda name, tag: ""))
    body = _BLOCK_TAG.sub("\n", body)
    body = _ANY_TAG.sub("", body)
    body = html.unescape(body)
    lines = (" ".join(line.split()) for line in body.split("\n"))
    return "\n".join(lines)


# --------------------------------------------------------------------------- Markdown

# Protected spans (code, finished conversions) are replaced by \x00<n>\x00 while the rest of the
# text is rewritten, then put back. NUL is removed from the input first, so tokens are unique.
_TOKEN = re.compile("\x00(\\d+)\x00")
# a line opening a fence (MULTILINE: matched at a line's start inside the whole text)
_FENCE_OPEN = re.compile(r"^([ \t>]*)(`{3,}|~{3,})(.*)$", re.MULTILINE)


class _Protected:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def token(self, text: str) -> str:
        self.parts.append(text)
        return f"\x00{len(self.parts) - 1}\x00"

    def restore(self, text: str) -> str:
        # Protected parts may hold tokens themselves (code inside a converted block).
        for _ in range(16):
            if "\x00" not in text:
                break
            text = _TOKEN.sub(lambda m: self.parts[int(m.group(1))], text)
        return text.replace("\x00", "")


def _protect_fences(text: str, store: _Protected) -> str:
    """Fenced code blocks as tokens. Only lines holding three fence characters are tried, as
    openings and as closings (found by str.find): no regex or loop runs over every line."""
    out: list[str] = []
    pos = 0  # text before pos is in out
    scan = 0
    found = {"```": -2, "~~~": -2}  # where each marker is next found (-2: not looked for yet)
    while (start := _line_with(text, found, scan)) >= 0:
        opening = _FENCE_OPEN.match(text, start)
        scan = _line_end(text, start) + 1
        if opening is None or (opening.group(2)[0] == "`" and "`" in opening.group(3)):
            continue
        marker = opening.group(2)
        closer = _fence_closer(marker[0], len(marker))
        end = len(text)  # an unclosed fence runs to the end
        closers = {marker[:3]: -2}
        while (line := _line_with(text, closers, scan)) >= 0:
            scan = _line_end(text, line) + 1
            if (closing := closer.match(text, line)) is not None:
                end = closing.end()
                break
        prefix = opening.group(1)
        out.append(text[pos:start] + prefix)
        out.append(store.token(text[start + len(prefix) : end]))
        pos = scan = end
    out.append(text[pos:])
    return "".join(out)


def _line_with(text: str, found: dict[str, int], pos: int) -> int:
    """The start of the first line at or after pos (a line start) holding one of the strings
    `found` maps to where it was last found; -1 if none. Updates `found`, so that a string
    missing from the rest of the text is looked for once, not once per fence."""
    first = -1
    for needle, at in found.items():
        if -1 < at < pos or at == -2:
            at = found[needle] = text.find(needle, pos)
        if at >= 0 and (first < 0 or at < first):
            first = at
    return text.rfind("\n", 0, first) + 1 if first >= 0 else -1


def _line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


@functools.lru_cache(maxsize=64)
def _fence_closer(char: str, length: int) -> re.Pattern[str]:
    """A line closing a fence of `length` `char`s (MULTILINE, matched at the line's start)."""
    return re.compile(rf"^[ \t>]*{re.escape(char)}{{{length},}}[ \t]*$", re.MULTILINE)


_INLINE_CODE = re.compile(r"(?<![\\`])(`+)(?!`)([^\n]{1,2000}?)(?<!`)\1(?!`)")
_BACKTICKS = re.compile(r"`+")


def _protect_inline_code(text: str, store: _Protected) -> str:
    """`_INLINE_CODE.sub(token, text)`, trying the pattern only where a run of backticks
    starts: the regex alone, led by a lookbehind, was tried at every character of the post."""
    if "`" not in text:
        return text
    out: list[str] = []
    pos = 0
    for run in _BACKTICKS.finditer(text):
        if run.start() < pos:
            continue  # inside code already protected
        code = _INLINE_CODE.match(text, run.start())
        if code is not None:
            out.append(text[pos : code.start()])
            out.append(store.token(code.group(0)))
            pos = code.end()
    out.append(text[pos:])
    return "".join(out)


_TAG = re.compile(r"\{%-?\s*(\w+)((?:[^%\n]|%(?!\}))*?)\s*-?%\}")
_ARG = re.compile(r""""([^"]*)"|'([^']*)'|(\S+)""")
_URL = re.compile(r"^(?:https?:)?//\S+$|^https?://\S+$", re.IGNORECASE)


def _split_args(args: str) -> list[str]:
    return [a or b or c for a, b, c in _ARG.findall(args)]


@dataclass(slots=True)
class _Tag:
    start: int
    end: int
    name: str
    args: str
    source: str


@dataclass(slots=True)
class _Block:
    open: _Tag
    children: list[_Tag | _Block]
    close: _Tag | None = None


_LITERAL_BLOCKS = frozenset({"codeblock", "code", "raw", "verbatim"})


def _parse_tags(text: str) -> list[_Tag | _Block]:
    tags = [
        _Tag(m.start(), m.end(), m.group(1).lower(), m.group(2).strip(), m.group(0))
        for m in _TAG.finditer(text)
    ]
    closers = {t.name[3:] for t in tags if t.name.startswith("end")}
    root: list[_Tag | _Block] = []
    stack: list[_Block] = []
    for tag in tags:
        if stack and stack[-1].open.name in _LITERAL_BLOCKS:
            if tag.name == "end" + stack[-1].open.name:
                stack.pop().close = tag
            continue  # tags inside code stay as they are
        siblings = stack[-1].children if stack else root
        if tag.name.startswith("end") and tag.name[3:] in {b.open.name for b in stack}:
            while stack:
                block = stack.pop()
                if block.open.name == tag.name[3:]:
                    block.close = tag
                    break
                _unwrap(block, stack[-1].children if stack else root)
            continue
        if tag.name in closers and len(stack) < MAX_TAG_NESTING:
            block = _Block(tag, [])
            siblings.append(block)
            stack.append(block)
        else:
            siblings.append(tag)
    while stack:
        block = stack.pop()
        if block.open.name not in _LITERAL_BLOCKS:
            _unwrap(block, stack[-1].children if stack else root)
        # an unclosed literal block runs to the end, like an unclosed fence
    return root


def _unwrap(block: _Block, siblings: list[_Tag | _Block]) -> None:
    """A block that is never closed is an inline tag followed by its would-be children."""
    index = siblings.index(block)
    siblings[index : index + 1] = [block.open, *block.children]


_WINDOW = 400  # how far line context is looked for: keeps one-line megabyte bodies linear


def _before(text: str, pos: int) -> str:
    """The text between the start of pos's line (at most _WINDOW back) and pos."""
    low = max(0, pos - _WINDOW)
    line_start = text.rfind("\n", low, pos)
    return text[line_start + 1 if line_start >= 0 else low : pos]


def _after(text: str, pos: int) -> str:
    end = text.find("\n", pos, pos + _WINDOW)
    return text[pos : end if end >= 0 else pos + _WINDOW]


def _line_indent(text: str, pos: int) -> str:
    prefix = _before(text, pos)
    return prefix if not prefix.strip(" \t>") else ""


def _render_tags(text: str, start: int, end: int, nodes: list[_Tag | _Block], ctx: _Ctx) -> str:
    out: list[str] = []
    pos = start
    for node in nodes:
        tag = node.open if isinstance(node, _Block) else node
        out.append(text[pos : tag.start])
        if isinstance(node, _Block):
            out.append(_render_block(text, node, ctx))
            pos = node.close.end if node.close is not None else end
        else:
            out.append(_render_inline(tag, ctx))
            pos = tag.end
    out.append(text[pos:end])
    return "".join(out)


@dataclass(slots=True)
class _Ctx:
    store: _Protected


def _block_content(text: str, block: _Block) -> str:
    end = block.close.start if block.close is not None else len(text)
    content = text[block.open.end : end]
    first_nl = content.find("\n")
    if first_nl >= 0 and not content[:first_nl].strip():
        content = content[first_nl + 1 :]
    last_nl = content.rfind("\n")
    if last_nl >= 0 and not content[last_nl:].strip():
        content = content[:last_nl]
    return content


def _render_block(text: str, block: _Block, ctx: _Ctx) -> str:
    name = block.open.name
    indent = _line_indent(text, block.open.start)
    if name in _LITERAL_BLOCKS:
        content = ctx.store.restore(_block_content(text, block))
        if name in ("raw", "verbatim"):
            return ctx.store.token(content)
        return _render_codeblock(block.open.args, content, indent, ctx)
    end = block.close.start if block.close is not None else len(text)
    inner = _render_tags(text, block.open.end, end, block.children, ctx)
    inner = _strip_blank_edges(inner)
    if name in ("blockquote", "quote", "pullquote", "centerquote", "cq"):
        footer = _quote_footer(block.open.args) if name == "blockquote" else ""
        return _quote(inner, indent, None, footer, ctx)
    if name in ("note", "alert", "callout", "admonition", "tip", "warning", "info"):
        words = _split_args(block.open.args)
        label = (words[0] if words else name).strip("'\"") if name == "note" else name
        return _quote(inner, indent, label.capitalize() or "Note", "", ctx)
    # Unknown block: a placeholder for the tag, the content readable.
    return _tag_placeholder(name) + "\n" + indent + inner.lstrip(" \t")


def _strip_blank_edges(text: str) -> str:
    first_nl = text.find("\n")
    if first_nl >= 0 and not text[:first_nl].strip():
        text = text[first_nl + 1 :]
    last_nl = text.rfind("\n")
    if last_nl >= 0 and not text[last_nl:].strip():
        text = text[:last_nl]
    return text


def _quote(inner: str, indent: str, label: str | None, footer: str, ctx: _Ctx) -> str:
    # Finish the content now (raw HTML, code put back) so that every line, code included,
    # gets the quote marker; the result is protected from the passes that follow.
    inner = ctx.store.restore(_convert_raw_html(inner, ctx))
    lines = [line[len(indent) :] if line.startswith(indent) else line for line in inner.split("\n")]
    if label:
        lines = [f"**{_escape_label(label)}**", "", *lines]
    if footer:
        lines = [*lines, "", footer]
    quoted = ["> " + line if line.strip() else ">" for line in lines]
    return ctx.store.token(("\n" + indent).join(quoted))


def _quote_footer(args: str) -> str:
    words = _split_args(args)
    if not words:
        return ""
    url_index = next((i for i, w in enumerate(words) if _URL.match(w)), None)
    if url_index is not None:
        author = " ".join(words[:url_index])
        url = words[url_index]
        title = " ".join(words[url_index + 1 :]) or _shorten_url(url)
        source = f"[{_escape_label(title)}]({_escape_url(url)})"
        return f"— {_escape_label(author)}, {source}" if author else f"— {source}"
    joined = " ".join(words)
    return f"— {_escape_label(joined)}"


def _shorten_url(url: str) -> str:
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    tail = path.rsplit("/", 1)[-1] if path else ""
    return f"{parts.netloc}/…/{tail}" if tail and path.count("/") > 1 else parts.netloc + path


_CODE_OPTION = re.compile(r"^(lang|line_number|line_threshold|highlight|first_line|mark|wrap):")


def _render_codeblock(args: str, content: str, indent: str, ctx: _Ctx) -> str:
    lang = ""
    rest: list[str] = []
    for word in _split_args(args):
        option = _CODE_OPTION.match(word)
        if option is None:
            rest.append(word)
        elif option.group(1) == "lang":
            lang = word[len("lang:") :]
    url_index = next((i for i, w in enumerate(rest) if _URL.match(w)), None)
    title = " ".join(rest if url_index is None else rest[:url_index])
    caption = f"*{_escape_label(title)}*" if title else ""
    if url_index is not None:
        url = rest[url_index]
        link_text = " ".join(rest[url_index + 1 :]) or "link"
        caption += f" [{_escape_label(link_text)}]({_escape_url(url)})"
    longest = max((len(m) for m in re.findall(r"`{3,}", content)), default=2)
    fence = "`" * max(3, longest + 1)
    lang = re.sub(r"[^\w+#.-]", "", lang)
    code = f"{fence}{lang}\n{content}\n{indent}{fence}"
    head = f"{caption.strip()}\n\n{indent}" if caption.strip() else ""
    return head + ctx.store.token(code)


def _code_span(text: str) -> str:
    text = " ".join(text.split())
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


_HREF_UNSAFE = re.compile(r"[%\s()<>\[\]\\\"'`]")


def _post_href(slug: str) -> str:
    # Only what would end or break a Markdown link destination is percent-encoded, so CJK
    # slugs stay readable; Markdown parsers encode the rest, and post_link_slug decodes both.
    return POST_LINK_SCHEME + _HREF_UNSAFE.sub(lambda m: quote(m.group(0), safe=""), slug.strip())


_FILE_LIKE = re.compile(r"\.[A-Za-z0-9]{2,5}(?:[?#].*)?$")


def _render_inline(tag: _Tag, ctx: _Ctx) -> str:
    name = tag.name
    words = _split_args(tag.args)
    if name.startswith("end"):
        return ""  # the end of a block already shown
    if name == "post_link" and words:
        text = " ".join(words[1:]) if len(words) > 1 else words[0]
        if len(words) > 2 and words[-1] in ("true", "false"):
            text = " ".join(words[1:-1])  # trailing `escape` flag
        return f"[{_escape_label(text)}]({_post_href(words[0])})"
    if name == "post_path" and words:
        return _post_href(words[0])
    if name in ("asset_img", "img", "image") and words:
        return "[" + _image_from_words(words) + "]"
    if name in ("asset_path", "asset_link") and words:
        label = " ".join(words[1:]) if name == "asset_link" and len(words) > 1 else words[0]
        return label if name == "asset_path" else _escape_label(label)
    if name == "link" and words:
        url_index = next((i for i, w in enumerate(words) if _URL.match(w)), None)
        if url_index is not None:
            text = " ".join(words[:url_index]) or words[url_index]
            return f"[{_escape_label(text)}]({_escape_url(words[url_index])})"
    if name in _VIDEO_URLS and words:
        url = _VIDEO_URLS[name].format(quote(words[0], safe=""))
        return f"[{name}: {_escape_label(words[0])}]({url})"
    found = next((w for w in words if _URL.match(w)), None)
    if found is not None:
        return f"[{_escape_label(name)}: {_escape_label(found)}]({_escape_url(found)})"
    return _tag_placeholder(name)


def _tag_placeholder(name: str) -> str:
    """What a tag plugin reader cannot show stands for: its name, quietly (`[hackmd]`), not
    its source as code, which would read as something the author wrote."""
    return "\\[" + _escape_label(name) + "\\]"


_VIDEO_URLS = {
    "youtube": "https://www.youtube.com/watch?v={}",
    "vimeo": "https://vimeo.com/{}",
    "gist": "https://gist.github.com/{}",
    "jsfiddle": "https://jsfiddle.net/{}",
    "bilibili": "https://www.bilibili.com/video/{}",
}


def _image_from_words(words: list[str]) -> str:
    # [class names] file [width [height]] [title [alt]]
    file_index = next((i for i, w in enumerate(words) if _FILE_LIKE.search(w) or "/" in w), 0)
    rest = words[file_index + 1 :]
    while rest and re.fullmatch(r"\d+%?(?:px)?", rest[0]):
        rest = rest[1:]
    title = rest[0] if rest else _file_name(words[file_index])
    return f"image: {_escape_label(title)}" if title.strip() else "image"


# ----- raw HTML inside Markdown

_HTML_PIECE = re.compile(
    r"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s(?:[^<>\"']|\"[^\"]*\"|'[^']*')*)?)\s*(/?)>",
    re.DOTALL,
)
_AUTOLINK = re.compile(r"<(?:[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*|[\w.+-]+@[\w-]+\.[\w.-]+)>")
_ATTR = re.compile(r"""([\w:-]+)\s*(?:=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?""")


_HTML_DROP = frozenset({"script", "style", "template"})
_HTML_CONVERT = frozenset({"table", "pre", "ul", "ol", "dl"})
_HTML_BLOCK = _names(
    "p div section article header footer figure figcaption center details summary main"
    " aside nav blockquote li dt dd h1 h2 h3 h4 h5 h6 hr address"
)
_HTML_INLINE = _names(
    "span i b em strong u s strike del ins mark small big sup sub font abbr kbd samp var"
    " cite dfn q label tt code time bdi wbr noscript picture source video audio input"
    " button select option textarea object embed param map area caption colgroup col thead"
    " tbody tfoot tr td th iframe img a br body html head title meta link nobr ruby rt rp"
)


def _attrs(source: str) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for name, value in _ATTR.findall(source):
        if value[:1] in ('"', "'"):
            value = value[1:-1]
        found.setdefault(name.lower(), html.unescape(value) if value else None)
    return found


def _strip_comments(text: str) -> str:
    """Remove `<!-- ... -->` (the `more` marker too) in one pass; an unclosed one stays."""
    out: list[str] = []
    pos = 0
    while True:
        start = text.find("<!--", pos)
        if start < 0:
            break
        end = text.find("-->", start + 4)
        if end < 0:
            break  # no comment closes after this point: nothing more to remove
        out.append(text[pos:start])
        pos = end + 3
    out.append(text[pos:])
    return "".join(out)


def _convert_raw_html(text: str, ctx: _Ctx) -> str:
    if "<" not in text:
        return text
    text = _strip_comments(text)
    out: list[str] = []
    pos = 0
    link_href: list[str | None] = []
    skip_until = 0
    no_close_after: dict[str, int] = {}
    for match in _HTML_PIECE.finditer(text):
        if match.start() < skip_until:
            continue
        out.append(_escape_lt(text[pos : match.start()]))
        pos = match.end()
        piece = match.group(0)
        closing, name = bool(match.group(1)), match.group(2).lower()
        attrs = _attrs(match.group(3) or "")
        if name in _HTML_DROP or name in _HTML_CONVERT or name == "iframe":
            if closing:
                continue
            close = None
            if match.end() < no_close_after.get(name, len(text) + 1):
                close = balanced_close(text, name, match.end())
                if close is None:
                    no_close_after[name] = match.end()
            if name == "iframe":
                src = attrs.get("src") or ""
                if src:
                    label = _escape_label(_embed_label("embed", src))
                    out.append(f"[{label}]({_escape_url(src)})")
            elif name in _HTML_CONVERT and close is not None:
                fragment = ctx.store.restore(text[match.start() : close.end()])
                convert = html_to_text if _too_nested(fragment) else html_to_markdown
                converted = convert(fragment).strip("\n")
                out.append("\n\n" + ctx.store.token(converted + "\n") + "\n\n")
            if close is not None:
                pos = skip_until = close.end()
            continue
        if name == "img":
            out.append(_image(attrs, in_link=any(link_href)))
        elif name == "a":
            if closing:
                href = link_href.pop() if link_href else None
                if href:
                    out.append(f"]({_escape_url(href)})")
            else:
                href = attrs.get("href")
                if href and not href.startswith("#"):
                    out.append("[")
                    link_href.append(href)
                else:
                    link_href.append(None)
        elif name == "br":
            in_link = any(link_href)  # a line break would end the link's text
            out.append(" " if in_link else _line_break(text, match.start()))
        elif name == "hr":
            out.append("\n\n* * *\n\n")
        elif name in _HEADINGS and not closing and not link_href:
            heading = _heading(text, match, ctx)
            if heading is None:
                out.append(_block_break(text, match.start(), match.end()))
            else:
                out.append(heading[0])
                pos = skip_until = heading[1]
        elif name in _HTML_BLOCK:
            in_link = any(link_href)
            out.append(" " if in_link else _block_break(text, match.start(), match.end()))
        elif name in ("video", "audio", "source") and attrs.get("src") and not closing:
            src = attrs.get("src") or ""
            label = _escape_label(_embed_label("audio" if name == "audio" else "video", src))
            out.append(f"[{label}]({_escape_url(src)})")
        elif name in _HTML_INLINE:
            pass
        else:
            out.append(_escape_lt(piece))
    out.append(_escape_lt(text[pos:]))
    if link_href:
        out.append("".join(f"]({_escape_url(h)})" for h in reversed(link_href) if h))
    return "".join(out)


_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_HEADING_TAG = re.compile(r"<h[1-6]\b", re.IGNORECASE)


def _heading(text: str, match: re.Match[str], ctx: _Ctx) -> tuple[str, int] | None:
    """`<h2 id="x">Title</h2>` starting a line: a Markdown heading (so the outline has it),
    and where the source continues after it; None when it cannot be one."""
    if _before(text, match.start()).strip(" \t") or len(_before(text, match.start())) > 3:
        return None
    name = match.group(2).lower()
    close = balanced_close(text, name, match.end())
    if close is None:
        return None
    inner = text[match.end() : close.start()]
    if _HEADING_TAG.search(inner):
        return None  # headings inside headings: not a heading a reader can use
    title = " ".join(_convert_raw_html(inner, ctx).split())
    if not title:
        return "", close.end()
    return "#" * int(name[1]) + " " + title + "\n", close.end()


def _escape_lt(text: str) -> str:
    """`<word` would be raw HTML to Markdown (and vanish): escape it, but keep autolinks."""
    if "<" not in text:
        return text
    pieces: list[str] = []
    pos = 0
    for match in re.finditer(r"<(?=[A-Za-z/!?])", text):
        pieces.append(text[pos : match.start()])
        pos = match.start()
        if _AUTOLINK.match(text, match.start()):
            continue
        pieces.append("\\")
    pieces.append(text[pos:])
    return "".join(pieces)


def _line_break(text: str, pos: int) -> str:
    if _before(text, pos).lstrip().startswith("|"):
        return " "  # inside a table row
    after = text[pos : pos + 200]
    return "" if re.match(r"<br\s*/?>\s*\n", after, re.IGNORECASE) else "\n"


def _block_break(text: str, start: int, end: int) -> str:
    before = _before(text, start)
    after = _after(text, end)
    if not before.strip() or not after.strip():
        return ""
    return "\n"


def markdown_for_reading(body: str) -> str:
    """Markdown with Hexo tags and raw HTML made readable (unsanitized)."""
    body = body.replace("\r\n", "\n")
    store = _Protected()
    ctx = _Ctx(store)
    text = _protect_fences(body, store)
    text = _protect_inline_code(text, store)
    text = render_footnotes(text)
    if "{%" in text:
        text = _render_tags(text, 0, len(text), _parse_tags(text), ctx)
    text = _convert_raw_html(text, ctx)
    text = _markdown_images(text)
    text = _flanking_strong(text)
    return store.restore(text)


_DESTINATION = r"(<[^<>\n]*>|[^\s()<>]*(?:\([^\s()]*\)[^\s()<>]*)*)"
_TITLE = r"""(?:[ \t]+(?:"[^"\n]*"|'[^'\n]*'))?"""
_IMAGE = rf"!\[((?:[^\[\]\\\n]|\\.){{0,500}})\]\([ \t]*{_DESTINATION}{_TITLE}[ \t]*\)"
_LINKED_IMAGE = re.compile(rf"\[[ \t]*{_IMAGE}[ \t]*\]\([ \t]*{_DESTINATION}{_TITLE}[ \t]*\)")
_MARKDOWN_IMAGE = re.compile(_IMAGE)
_BACKSLASH_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def _markdown_images(text: str) -> str:
    """`![alt](src)` in the placeholder form HTML images get: `[image: alt](src)`, the file
    name when there is no alt text; an image inside a link becomes that link."""
    if "![" not in text:
        return text

    def linked(match: re.Match[str]) -> str:
        return _image_placeholder(match.group(1), match.group(2), match.group(3))

    def alone(match: re.Match[str]) -> str:
        return _image_placeholder(match.group(1), match.group(2), None)

    text = _MARKDOWN_IMAGE.sub(alone, _LINKED_IMAGE.sub(linked, text))
    return _reference_images(text) if "![" in text else text


_REFERENCE_IMAGE = re.compile(r"!\[((?:[^\[\]\\\n]|\\.){0,500})\](?:\[([^\[\]\n]{0,500})\])?")
_REFERENCE_DEFINITION = re.compile(
    r"^ {0,3}\[([^\[\]\n]{1,500})\]:[ \t]*<?([^\s<>]+)>?", re.MULTILINE
)


def _reference_images(text: str) -> str:
    """`![alt][ref]`, `![alt][]` and `![alt]` with a `[ref]: src` definition: the placeholder."""
    sources = {
        " ".join(label.lower().split()): src for label, src in _REFERENCE_DEFINITION.findall(text)
    }
    if not sources:
        return text

    def placeholder(match: re.Match[str]) -> str:
        alt, label = match.group(1), match.group(2)
        src = sources.get(" ".join((label or alt).lower().split()))
        return match.group(0) if src is None else _image_placeholder(alt, src, None)

    return _REFERENCE_IMAGE.sub(placeholder, text)


def _image_placeholder(alt: str, src: str, href: str | None) -> str:
    src = src.strip("<>")
    label = " ".join(_BACKSLASH_ESCAPE.sub(r"\1", alt).split()) or _file_name(src)
    placeholder = f"[image: {_escape_label(label)}]" if label else "[image]"
    target = href.strip("<>") if href is not None else src
    if href is None and not target.lower().startswith(("https://", "http://")):
        return placeholder
    return f"{placeholder}({_escape_url(target)})"


# `**text**` on one line, not escaped (the lookbehind checks the character before the `**`; it
# comes after it so that the regex is looked for from its literal start), not touching a space
# inside the marks
_STRONG_PAIR = re.compile(
    r"\*\*(?<![\\*]\*\*)(?=[^\s*])((?:[^*\n]|\*(?!\*))+?)(?<=[^\s\\])\*\*(?!\*)"
)


def _flanking_strong(text: str) -> str:
    """`**注意：**html` shows its stars (CommonMark's flanking rules): make such bold parse."""
    if "**" not in text:
        return text
    return resolve_emphasis(_STRONG_PAIR.sub(_marked_strong, text))


def _marked_strong(match: re.Match[str]) -> str:
    text, start, end, inner = match.string, match.start(), match.end(), match.group(1)
    # a line break around the marks counts as the line's edge does: as a space
    before, after = text[start - 1 : start], text[end : end + 1]
    if opens(before, inner[0]) and closes(inner[-1], after or " "):
        return match.group()  # CommonMark reads it as bold already
    return STRONG + inner + STRONG
