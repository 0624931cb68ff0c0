"""Build a hostile library: every file a mirror of the internet could hand us, made at run time.

    python -m reader.devtools.hostile DIR [--small]

DIR becomes a Hexo site (`DIR/_config.yml`, posts under `DIR/source/_posts`). Nothing here is
committed as a file: FIFOs, chmod 000 files, symlink loops and names that are not UTF-8 cannot
live in git, so the generator makes them, the same way every time.

Every file name starts with a unique id (`HX0042`) that also sits in the title when the title is
ours to choose, so a test can find each file in any output. Escape-sequence payloads carry a
marker starting with `PWNED-` (OSC 52 payloads carry it base64-encoded: `UFdORUQt...`): a marker
inside a control sequence of the bytes the app writes is a leak. Markup-looking text carries
`LITERAL-` and must be shown as written. `--small` leaves out the 10 MB post, the sparse file
and most of the thousands of same-title posts (fast tests).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import socket
import stat
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

POSTS = Path("source") / "_posts"
MTIME_NS = 1_600_000_000 * 1_000_000_000  # 2020-09-13: fixed so the library is the same each run
FORBIDDEN_NEEDLES = (b"PWNED", b"UFdORUQt", b"31337")
"""Bytes that must never appear inside a control sequence the app writes (31337 is the
parameter of every hostile CSI payload; UFdORUQt is base64 of "PWNED-")."""

Expect = Literal["post", "error", "any"]
"""post: listed (maybe with a reason); error: listed or reported with a reason; any: a file the
scanner may also skip on purpose (symlink loops, links out of the root, special files)."""


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    relpath: bytes
    """Relative to the posts root, raw bytes (some names are not UTF-8)."""
    group: str
    kind: str
    expect: Expect = "post"
    literal: str | None = None
    """Text that must be displayed exactly as written (markup-looking titles)."""
    openable: bool = True
    """Worth opening in the app (a post with a body), as opposed to a file the list reports."""

    @property
    def path(self) -> str:
        """The relpath as the core names it: surrogate escapes for undecodable bytes."""
        return os.fsdecode(self.relpath)


@dataclass
class Manifest:
    site_root: str
    posts_root: str
    small: bool
    entries: list[Entry] = field(default_factory=list)
    exec_canary: str = ""
    """A path that exists only if unsafe YAML ran a command."""

    def to_json(self) -> str:
        data = asdict(self)
        data["entries"] = [
            {**asdict(e), "relpath": e.relpath.hex(), "path": e.path} for e in self.entries
        ]
        return json.dumps(data, indent=1, ensure_ascii=True)

    def by_group(self, group: str) -> list[Entry]:
        return [e for e in self.entries if e.group == group]


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def escape_payloads(marker: str) -> dict[str, str]:
    """Terminal escape payloads, each tagged with `marker` (one per sequence family)."""
    m = f"PWNED-{marker}"
    return {
        "osc52": f"\x1b]52;c;{_b64(m + '-clipboard')}\x07",
        "osc52-st": f"\x1b]52;p;{_b64(m + '-primary')}\x1b\\",
        "osc0": f"\x1b]0;{m}-title0\x07",
        "osc2": f"\x1b]2;{m}-title2\x1b\\",
        "osc8": f"\x1b]8;;file:///etc/passwd?{m}-osc8\x1b\\click me\x1b]8;;\x1b\\",
        "csi": "\x1b[2J\x1b[31337;31337H\x1b[6n\x1b[21t\x1b[8;5;31337t",
        "ris": f"\x1bc{m}-ris-after",
        "screen-title": f"\x1bk{m}-screen-title\x1b\\",
        "dcs": f"\x1bP+q{m}-dcs\x1b\\",
        "apc": f"\x1b_Gf=100;{m}-apc\x1b\\",
        "pm-sos": f"\x1b^{m}-pm\x1b\\\x1bX{m}-sos\x1b\\",
        "c1": f"\x9d0;{m}-c1-osc\x9c\x9b31337;31337H\x90{m}-c1-dcs\x9c\x9f{m}-c1-apc\x9c\x85",
        "unterminated-osc": f"\x1b]0;{m}-unterminated",
        "unterminated-csi": "\x1b[31337;31337",
        "controls": "\x00\x07\x08\x0b\x0c\x0e\x0f\x7f\r",
    }


def escape_entities(marker: str) -> dict[str, str]:
    """The same payloads written as HTML character references (decoded by HTML parsers)."""
    m = f"PWNED-{marker}"
    return {
        "ent-osc52": f"&#27;]52;c;{_b64(m + '-ent-clipboard')}&#7;",
        "ent-osc0": f"&#x1b;]0;{m}-ent-title&#x07;",
        "ent-csi": "&#x1B;[2J&#x1b;[31337;31337H",
        "ent-ris": "&#27;c",
        "ent-dcs": f"&#27;P+q{m}-ent-dcs&#27;\\",
        "ent-c1": f"&#x9d;0;{m}-ent-c1&#x9c;&#155;31337;31337H",
        "ent-named": "&NewLine;&Tab;&nbsp;&zwj;&rlm;&lrm;",
    }


def yaml_dq(text: str) -> str:
    """A YAML (and TOML) double-quoted string holding `text` exactly, controls as \\u escapes."""
    out = ['"']
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif " " <= ch <= "~":
            out.append(ch)
        elif ord(ch) > 0xFFFF:
            out.append(f"\\U{ord(ch):08x}")
        else:
            out.append(f"\\u{ord(ch):04x}")
    out.append('"')
    return "".join(out)


MARKUP_TEXTS = {
    "close": "[/]",
    "close-tag": "[/bold]",
    "click-quit": "[@click=app.quit]LITERAL-click[/]",
    "click-bell": "[@click=app.bell]bell[/] [@click='app.exit()']x[/]",
    "link-file": "[link=file:///etc/passwd]LITERAL-link[/link]",
    "bold": "[bold]LITERAL-bold",
    "style-vars": "[$accent on $error]LITERAL-vars[/] $text-primary",
    "reverse": "[reverse red on blue blink]LITERAL-rev[/]",
    "escaped": "\\[not markup] \\\\[b] LITERAL-backslash",
    "brackets": "[[[[]]]] ][ LITERAL-brackets",
    "rich-emoji": ":warning: :skull: LITERAL-emoji-codes",
    "percent": "%s %d {0} {title} ${HOME} $(id) `id` LITERAL-format",
}

BIDI_TEXTS = {
    "rlo": "LITERAL-bidi \u202egnp.exe\u202c end",
    "isolates": "\u2066\u2067\u2068LITERAL-isolates\u2069",
    "zero-width": "LITERAL-\u200bzero\u200c\u200dwidth\ufeff",
    "zalgo": "LITERAL-zalgo " + "Z" + "\u0336\u0337\u0338" * 300,
    "wide": "LITERAL-wide 全角テキスト😀👨‍👩‍👧‍👦",
    "line-sep": "LITERAL-sep\u2028line\u2029para\u0085nel",
}


class _Builder:
    def __init__(self, site: Path, *, small: bool) -> None:
        self.site = site
        self.posts = site / POSTS
        self.small = small
        self.n = 0
        self.manifest = Manifest(site_root=str(site), posts_root=str(self.posts), small=small)
        self._later: list[Callable[[], None]] = []

    def next_id(self) -> str:
        self.n += 1
        return f"HX{self.n:04d}"

    def add(
        self,
        group: str,
        kind: str,
        name: bytes | str,
        data: bytes | str | None,
        *,
        expect: Expect = "post",
        literal: str | None = None,
        openable: bool = True,
        ident: str | None = None,
    ) -> Entry:
        """Write one file (data None: the caller makes it) and record it."""
        ident = ident or self.next_id()
        raw_name = name.encode("utf-8", "surrogateescape") if isinstance(name, str) else name
        relpath = os.fsencode(group) + b"/" + ident.encode() + b"-" + raw_name
        entry = Entry(ident, relpath, group, kind, expect, literal, openable)
        self.manifest.entries.append(entry)
        target = self.path_of(entry)
        os.makedirs(target.rsplit(b"/", 1)[0], exist_ok=True)
        if data is not None:
            with open(target, "wb") as f:
                f.write(data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data)
            os.utime(target, ns=(MTIME_NS, MTIME_NS))
        return entry

    def path_of(self, entry: Entry) -> bytes:
        return os.fsencode(self.posts) + b"/" + entry.relpath

    def later(self, action: Callable[[], None]) -> None:
        """Run after everything is written (chmod 000 must come last)."""
        self._later.append(action)

    def finish(self) -> Manifest:
        for action in self._later:
            action()
        return self.manifest


def post(front: str, body: str, *, fence: str = "---") -> str:
    return f"{fence}\n{front.strip()}\n{fence}\n\n{body}\n"


def _escape_posts(b: _Builder) -> None:
    """Escape payloads in every field, raw (YAML/TOML escapes) and as HTML entities."""
    for kind, payload in escape_payloads("x").items():
        for fieldname in ("title", "category", "author", "tag", "body", "link", "url"):
            ident = b.next_id()
            pay = payload.replace("PWNED-x", f"PWNED-{ident}-{fieldname}-{kind}")
            pay = pay.replace(_b64("PWNED-x-clipboard"), _b64(f"PWNED-{ident}-clip"))
            pay = pay.replace(_b64("PWNED-x-primary"), _b64(f"PWNED-{ident}-prim"))
            title = f"{ident} {kind} in {fieldname}"
            cats, tags, author, url = "[Escapes]", "[plain]", "Nobody", "https://example.org/"
            link = "https://example.org/ok"
            body = f"A post with {kind} in its {fieldname}. VISIBLE-{ident}\n"
            if fieldname == "title":
                title = f"{ident} {kind} {pay} in title"
            elif fieldname == "category":
                cats = f"[Escapes, {yaml_dq('cat ' + pay)}]"
            elif fieldname == "author":
                author = yaml_dq(f"author {pay}")
            elif fieldname == "tag":
                tags = f"[{yaml_dq('tag ' + pay)}, ok]"
            elif fieldname == "url":
                url = yaml_dq(f"https://example.org/{pay}")
            elif fieldname == "link":
                link = f"https://example.org/{pay}"
            else:
                body += _hostile_markdown_body(pay, ident)
            body += f"\n[a link]({link}) and <{link}> and [ref][r]\n\n[r]: {link}\n"
            front = (
                f"title: {yaml_dq(title)}\ndate: 2021-03-04 05:06:07\n"
                f"categories: {cats}\ntags: {tags}\nauthor: {author}\nlink: {url}\n"
            )
            b.add(
                "escape",
                f"{kind} in {fieldname}",
                f"{fieldname}-{kind}.md",
                post(front, body),
                ident=ident,
            )
    # The same payloads raw in the YAML text (a YAML error: the title falls back to the name)
    ident = b.next_id()
    raw = "".join(escape_payloads(ident).values())
    b.add(
        "escape",
        "raw controls inside YAML",
        "raw-yaml.md",
        post(f"title: {ident} {raw}", "body"),
        ident=ident,
    )
    # TOML front matter
    ident = b.next_id()
    pay = escape_payloads(ident)["osc0"] + escape_payloads(ident)["osc52"]
    toml = f"title = {yaml_dq(ident + ' toml ' + pay)}\ntags = [{yaml_dq(pay)}]\ndate = 2020-01-02"
    b.add(
        "escape",
        "TOML title with escapes",
        "toml.md",
        post(toml, "toml body " + pay, fence="+++"),
        ident=ident,
    )
    # HTML bodies with entity-encoded and raw payloads
    for kind, payload in {**escape_entities("x"), **escape_payloads("x")}.items():
        ident = b.next_id()
        pay = payload.replace("PWNED-x", f"PWNED-{ident}-{kind}")
        html = (
            f"<h1>Heading {pay} {ident}</h1><p>Para {pay} VISIBLE-{ident}</p>"
            f'<p><a href="https://example.org/{pay}">link {pay}</a> '
            f'<a href="javascript:alert(\'{pay}\')">js</a> <img alt="alt {pay}" src="x{pay}.png">'
            f"</p><pre><code>code {pay}</code></pre><table><tr><th>h {pay}</th></tr>"
            f"<tr><td>cell {pay}</td></tr></table><ul><li>item {pay}</li></ul>"
            f"<script>document.title='{pay}'</script><style>p{{content:'{pay}'}}</style>"
            f"<blockquote>quote {pay}</blockquote>"
        )
        title = f"{ident} html {kind} {pay}" if kind.startswith("ent-") else f"{ident} html {kind}"
        front = f"title: {yaml_dq(title)}\ndate: 2021-01-01\ncategories: [Escapes, HTML]"
        b.add(
            "escape", f"HTML body with {kind}", f"html-{kind}.html", post(front, html), ident=ident
        )
    # Markdown bodies with the entity forms (CommonMark decodes numeric references)
    for kind, payload in escape_entities("x").items():
        ident = b.next_id()
        pay = payload.replace("PWNED-x", f"PWNED-{ident}-{kind}")
        body = _hostile_markdown_body(pay, ident)
        front = f"title: {yaml_dq(ident + ' md entities ' + kind)}\ndate: 2021-01-01"
        b.add(
            "escape", f"Markdown entities {kind}", f"md-{kind}.md", post(front, body), ident=ident
        )
    # Overlong and 8-bit encodings of ESC / CSI in a file that is not valid UTF-8
    ident = b.next_id()
    data = (
        f"---\ntitle: {ident} bad utf-8 escapes\n---\n\nOverlong ".encode()
        + b"\xc0\x9b]0;PWNED-"
        + ident.encode()
        + b"-overlong\x07 eight-bit \x9b31337;31337H \x9d0;PWNED-"
        + ident.encode()
        + b"-8bit\x9c utf8 C1 \xc2\x9b31337;31337H end\n"
    )
    b.add("escape", "overlong/8-bit escapes, invalid UTF-8", "overlong.md", data, ident=ident)


def _hostile_markdown_body(pay: str, ident: str) -> str:
    return (
        f"\n# Heading {pay} {ident}\n\nParagraph {pay} text.\n\n"
        f"* list {pay}\n* **bold {pay}**\n\n> quote {pay}\n\n"
        f"```\ncode {pay}\n```\n\n```python\nprint('{pay}')\n```\n\n"
        f"| col {pay} | b |\n|---|---|\n| cell {pay} | 2 |\n\n"
        f"![alt {pay}](img{pay}.png) [text {pay}](https://example.org/{pay})\n\n"
        f'<span title="{pay}">inline html {pay}</span>\n\n`inline {pay}`\n'
    )


def _markup_posts(b: _Builder) -> None:
    for kind, text in MARKUP_TEXTS.items():
        ident = b.next_id()
        title = f"{ident} {text}"
        front = (
            f"title: {yaml_dq(title)}\ndate: 2021-02-02\n"
            f"categories: [Markup, {yaml_dq(text)}]\ntags: [{yaml_dq(text)}]\n"
            f"author: {yaml_dq(text)}"
        )
        body = f"Body {text}\n\n# {text}\n\n[{text}](https://example.org/) `{text}`\n"
        b.add(
            "markup",
            f"markup-looking {kind}",
            f"{kind}.md",
            post(front, body),
            literal=title,
            ident=ident,
        )
    # markup in a file name (the title falls back to it)
    ident = b.next_id()
    b.add(
        "markup",
        "markup in the file name",
        "[@click=app.quit]LITERAL-name.md",
        "no front matter\n",
        ident=ident,
    )
    # dangerous link schemes and relative links out of the root
    ident = b.next_id()
    links = [
        "file:///etc/passwd",
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox",
        "ssh://evil.example/",
        "../../../../../../etc/passwd",
        "/etc/passwd",
        "%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "~/.ssh/id_rsa",
        "https://example.org/$(touch /tmp/PWNED-shell)",
        "https://example.org/`id`;rm -rf ~",
        "mailto:a@example.org?subject=$(id)",
        "https://example.org/\nInjected: header",
        "  https://example.org/spaces  ",
        "https://user:pass@example.org@evil.example/",
    ]
    body = "\n".join(
        f"{i}. [link {i}]({u.replace(chr(10), ' ')}) <{u}>" for i, u in enumerate(links)
    )
    body += '\n\n<a href="file:///etc/shadow">html file link</a> <a href="javascript:x">js</a>\n'
    front = f"title: {ident} dangerous links\ndate: 2021-02-03"
    b.add("markup", "dangerous link schemes", "links.md", post(front, body), ident=ident)


def _bidi_posts(b: _Builder) -> None:
    for kind, text in BIDI_TEXTS.items():
        ident = b.next_id()
        front = (
            f"title: {yaml_dq(f'{ident} {text}')}\ndate: 2021-02-04\ncategories: [{yaml_dq(text)}]"
        )
        b.add(
            "bidi", f"bidi/unicode {kind}", f"{kind}.md", post(front, f"Body {text}\n"), ident=ident
        )
    ident = b.next_id()
    b.add("bidi", "RLO in the file name", "\u202egnp.md", "# heading\n", ident=ident)


def _huge_posts(b: _Builder) -> None:
    rng = random.Random(20260101)
    words = ["alpha", "beta", "gamma", "delta", "读者", "テスト", "lorem", "ipsum", "**bold**"]

    def para(n: int) -> str:
        return " ".join(rng.choice(words) for _ in range(n))

    if not b.small:
        ident = b.next_id()
        chunks = [f"title: {ident} ten megabytes\ndate: 2021-05-05"]
        parts: list[str] = []
        size = 0
        i = 0
        while size < 10 * 1024 * 1024:
            chunk = f"## Section {i}\n\n{para(120)}\n\n"
            parts.append(chunk)
            size += len(chunk.encode())
            i += 1
        parts.append(f"\nTail {escape_payloads(ident)['osc52']} END-OF-HUGE\n")
        b.add(
            "huge", "10 MB Markdown post", "ten-mb.md", post(chunks[0], "".join(parts)), ident=ident
        )
        # a sparse file that claims 4 GiB: reading it whole would take the machine down
        ident = b.next_id()
        entry = b.add(
            "huge",
            "4 GiB sparse file",
            "sparse.md",
            None,
            expect="any",
            openable=False,
            ident=ident,
        )
        with open(b.path_of(entry), "wb") as f:
            f.write(f"---\ntitle: {ident} sparse\n---\n".encode())
            f.truncate(4 * 1024**3)
        os.utime(b.path_of(entry), ns=(MTIME_NS, MTIME_NS))
    ident = b.next_id()
    line = "x" * (2 * 1024 * 1024 if not b.small else 300_000)
    b.add(
        "huge",
        "one 2 MB line",
        "long-line.md",
        post(f"title: {ident} long line", line + " END"),
        ident=ident,
    )
    ident = b.next_id()
    b.add(
        "huge",
        "long line without spaces in the title",
        "long-title.md",
        post(f"title: {ident} {'W' * 100_000}", "body"),
        ident=ident,
    )
    depth = 5000
    for tag in ("div", "blockquote", "ul><li", "table><tr><td", "b", "a href='#'"):
        ident = b.next_id()
        close = "".join(f"</{t.split()[0]}>" for t in reversed(tag.split("><")))
        html = f"<{tag}>" * depth + f"deep {ident}" + close * depth
        safe = tag.split()[0].replace("><", "-")
        b.add(
            "huge",
            f"{depth}-deep nested <{tag}>",
            f"nested-{safe}.html",
            post(f"title: {ident} nested {safe}", html),
            ident=ident,
        )
    for kind, text in {
        "quote": ">" * depth + " deep",
        "list": "".join("  " * i + "- item\n" for i in range(depth // 10)),
        "brackets": "[" * 50_000 + "x" + "]" * 50_000,
        "emphasis": "*a " * 50_000 + "_b " * 50_000,
        "links": "[a](b " * 20_000,
        "backticks": "`" * 30_000 + " x " + "``" * 10_000,
        "html-comment": "<!--" * 20_000,
        "entities": "&amp;" * 200_000,
    }.items():
        ident = b.next_id()
        b.add(
            "huge",
            f"pathological Markdown: {kind}",
            f"md-{kind}.md",
            post(f"title: {ident} pathological {kind}", text),
            ident=ident,
        )
    # huge tables
    ident = b.next_id()
    rows = ["| " + " | ".join(f"h{c}" for c in range(30)) + " |", "|" + "---|" * 30]
    rows += ["| " + " | ".join(f"r{r}c{c}" for c in range(30)) + " |" for r in range(3000)]
    b.add(
        "huge",
        "3000x30 Markdown table",
        "table.md",
        post(f"title: {ident} big table", "\n".join(rows)),
        ident=ident,
    )
    ident = b.next_id()
    wide = "| " + " | ".join(f"c{c}" for c in range(1000)) + " |\n|" + "-|" * 1000 + "\n"
    wide += "| " + " | ".join("v" for _ in range(1000)) + " |\n"
    b.add(
        "huge",
        "1000-column table",
        "wide-table.md",
        post(f"title: {ident} wide table", wide),
        ident=ident,
    )
    ident = b.next_id()
    cells = "".join(
        "<tr>" + "".join(f"<td>r{r}c{c}</td>" for c in range(20)) + "</tr>" for r in range(2000)
    )
    b.add(
        "huge",
        "2000x20 HTML table",
        "table.html",
        post(f"title: {ident} html table", f"<table>{cells}</table>"),
        ident=ident,
    )
    # 10,000 headings, half of them with the same text (slugs must stay unique and cheap)
    ident = b.next_id()
    heads = "".join(
        f"{'#' * (1 + i % 6)} {'Intro' if i % 2 else f'Heading {i}'}\n\ntext {i}\n\n"
        for i in range(10_000)
    )
    b.add(
        "huge",
        "10,000 headings",
        "headings.md",
        post(f"title: {ident} ten thousand headings", heads),
        ident=ident,
    )
    # 10,000 categories and tags on one post
    ident = b.next_id()
    many = ", ".join(f"c{i}" for i in range(10_000))
    deep = "[" + ", ".join(f"d{i}" for i in range(1000)) + "]"
    front = f"title: {ident} many categories\ncategories: [{many}]\ntags: [{many}]"
    b.add("huge", "10,000 categories and tags", "many-cats.md", post(front, "body"), ident=ident)
    ident = b.next_id()
    b.add(
        "huge",
        "1000-level category path",
        "deep-cat.md",
        post(f"title: {ident} deep category\ncategories: [{deep}]", "body"),
        ident=ident,
    )
    ident = b.next_id()
    big_front = f"title: {ident} huge front matter\n" + "".join(
        f"k{i}: v{i}\n" for i in range(100_000)
    )
    b.add("huge", "100,000-key front matter", "big-front.md", post(big_front, "body"), ident=ident)


def _yaml_posts(b: _Builder) -> None:
    ident = b.next_id()
    laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, cur in zip("abcdefgh", "bcdefghi", strict=True):
        laughs.append(f"{cur}: &{cur} [" + ",".join(f"*{prev}" for _ in range(9)) + "]")
    bomb = "\n".join(laughs)
    for fieldname in ("title", "categories", "tags", "author", "date"):
        ident = b.next_id()
        front = f"{bomb}\n{fieldname}: *i" + (
            "" if fieldname == "title" else f"\ntitle: {ident} bomb"
        )
        b.add(
            "yaml",
            f"billion laughs in {fieldname}",
            f"bomb-{fieldname}.md",
            post(front, "body"),
            ident=ident,
        )
    cases: dict[str, str] = {
        "deep-list": "title: " + "[" * 10_000 + "]" * 10_000,
        "deep-map": "title: x\n"
        + "".join("  " * i + f"k{i}:\n" for i in range(2000))
        + "  " * 2000
        + "v",
        "deep-flow-map": "title: " + "{a: " * 5000 + "1" + "}" * 5000,
        "dup-keys": "title: first {id}\ntitle: second {id}\ndate: 2020-01-01\ndate: 2021-01-01",
        "int": "title: 42",
        "float": "title: 3.14",
        "inf": "title: .inf",
        "nan": "title: .nan",
        "big-int": "title: " + "9" * 5000,
        "list": "title: [a, b, {id}]",
        "map": "title: {a: 1, b: {id}}",
        "null": "title: null",
        "tilde": "title: ~",
        "empty": "title:",
        "empty-string": "title: ''",
        "spaces": "title: '   '",
        "bool": "title: yes",
        "date-title": "title: 2020-01-01",
        "binary": "title: !!binary aGVsbG8=",
        "set": "title: !!set {a, b}",
        "omap": "title: !!omap [a: 1]",
        "unknown-tag": "title: !custom {id}",
        "python-tag": "title: !!python/object/apply:os.system ['touch {canary}']",
        "python-name": "title: !!python/name:os.system",
        "merge": "base: &b {title: merged {id}}\n<<: *b",
        "anchor-cycle": "a: &a [*a]\ntitle: cycle {id}",
        "tabs": "title:\t{id} tabs\n\tdate: x",
        "bad-indent": "title: {id}\n  - broken\n - list",
        "multi-doc": "title: {id}\n---\ntitle: second doc",
        "crlf": "title: {id} crlf\r\ndate: 2020-01-01\r",
        "bom-inside": "\ufefftitle: {id} bom",
        "key-not-string": "? [complex, key]\n: value\n1: one\nnull: x\ntitle: {id} keys",
        "huge-key": "title: {id}\n" + "k" * 100_000 + ": v",
        "null-byte": "title: {id} nul\x00byte",
        "categories-map": "title: {id}\ncategories: {a: {b: c}}\ntags: 5\nauthor: [x, {y: z}]",
        "categories-nested": "title: {id}\ncategories: [[a, [b, [c, [d]]]], null, 3, '']",
        "author-map": "title: {id}\nauthor: {name: A, email: a@example.org, url: 'javascript:x'}",
    }
    for kind, front in cases.items():
        ident = b.next_id()
        canary = b.site / "PWNED-YAML-EXEC"
        b.manifest.exec_canary = str(canary)
        text = front.replace("{id}", ident).replace("{canary}", str(canary))
        b.add("yaml", f"YAML {kind}", f"{kind}.md", post(text, f"body {ident}"), ident=ident)
    ident = b.next_id()
    b.add(
        "yaml",
        "unterminated front matter",
        "unterminated.md",
        f"---\ntitle: {ident}\nno end\n",
        ident=ident,
    )
    ident = b.next_id()
    b.add(
        "yaml",
        "front matter only",
        "only-front.md",
        f"---\ntitle: {ident} only front\n---\n",
        ident=ident,
    )
    ident = b.next_id()
    b.add("yaml", "empty front matter", "empty-front.md", "---\n---\nbody\n", ident=ident)
    ident = b.next_id()
    b.add(
        "yaml",
        "front matter that is a list",
        "list-front.md",
        f"---\n- {ident}\n- b\n---\nbody\n",
        ident=ident,
    )
    ident = b.next_id()
    b.add(
        "yaml",
        "front matter that is a string",
        "str-front.md",
        f"---\n{ident} just text\n---\nbody\n",
        ident=ident,
    )
    ident = b.next_id()
    b.add(
        "yaml",
        "bad TOML",
        "bad-toml.md",
        f"+++\ntitle = {ident} unquoted\n[[[\n+++\nbody\n",
        ident=ident,
    )


def _date_posts(b: _Builder) -> None:
    dates = {
        "1900": "1900-01-01",
        "9999": "9999-12-31 23:59:59",
        "9999-minus14": "9999-12-31T23:59:59-14:00",
        "0001-plus14": "0001-01-01T00:00:00+14:00",
        "year-0": "'0000-01-01'",
        "feb-30": "2021-02-30",
        "month-13": "'2021-13-01'",
        "hour-99": "'2021-01-01 99:99:99'",
        "text": "not a date",
        "epoch-neg": "-62135596800",
        "epoch-huge": "100000000000000000000",
        "epoch-float": "1e300",
        "empty": "''",
        "list": "[2020-01-01, 2021-01-01]",
        "rfc2822-bad": "'Mon, 32 Foo 2021 25:61:61 +9999'",
        "tz-bad": "'2021-01-01T00:00:00+99:99'",
        "huge-year": "'99999-01-01'",
        "nan": ".nan",
    }
    for kind, value in dates.items():
        ident = b.next_id()
        front = f"title: {ident} date {kind}\ndate: {value}\nupdated: {value}"
        b.add("dates", f"date {kind}", f"date-{kind}.md", post(front, "body"), ident=ident)
    for name in ("9999-99-99-jekyll.md", "0000-00-00-zero.md", "1900-01-01-old.md"):
        ident = b.next_id()
        b.add("dates", f"file-name date {name}", name, f"# {ident}\n", ident=ident)


def _fs_posts(b: _Builder) -> None:
    ident = b.next_id()
    b.add("fs", "empty file", "empty.md", b"", ident=ident)
    ident = b.next_id()
    rng = random.Random(7)
    b.add(
        "fs",
        "binary noise",
        "binary.md",
        bytes(rng.randrange(256) for _ in range(65536)),
        ident=ident,
    )
    ident = b.next_id()
    b.add("fs", "PNG named .md", "image.md", b"\x89PNG\r\n\x1a\n" + b"\x00" * 4096, ident=ident)
    ident = b.next_id()
    b.add("fs", "NUL bytes", "nul.md", b"\x00" * 100_000, ident=ident)
    ident = b.next_id()
    b.add(
        "fs",
        "UTF-16 without BOM",
        "utf16.md",
        f"---\ntitle: {ident} utf16\n---\nbody \x1b]0;PWNED-{ident}\x07\n".encode("utf-16-le"),
        ident=ident,
    )
    ident = b.next_id()
    b.add(
        "fs",
        "GB18030 body",
        "gb.md",
        f"---\ntitle: {ident} 中文标题\n---\n中文正文内容，这是一个测试。\n".encode("gb18030"),
        ident=ident,
    )
    ident = b.next_id()
    b.add(
        "fs", "gzip named .md", "gzip.md", b"\x1f\x8b\x08\x00" + bytes(range(256)) * 8, ident=ident
    )
    # names
    names: dict[str, bytes] = {
        "latin-1 name": b"caf\xe9.md",
        "invalid UTF-8 name": b"bad-\xff\xfe\xfd.md",
        "ESC OSC in name": b"\x1b]0;PWNED-NAME-title\x07.md",
        "OSC 52 in name": b"\x1b]52;c;" + _b64("PWNED-NAME-clip").encode() + b"\x07.md",
        "CSI in name": b"\x1b[31337;31337H\x1b[2J.md",
        "C1 in name": b"\xc2\x9d0;PWNED-NAME-c1\xc2\x9c.md",
        "raw 8-bit C1 bytes in name": b"raw-\x9b31337;31337H-\x9d0;PWNED-NAME-raw\x9c.md",
        "newline in name": b"two\nlines\rname.md",
        "tab and space name": b" \t lead.md",
        "long name": b"n" * 240 + b".md",
        "wide name": "全角テキスト😀.md".encode(),
        "dash name": b"-rf --help.md",
    }
    for kind, name in names.items():
        ident = b.next_id()
        b.add("names", kind, name, f"# {ident} named\n\nbody\n", ident=ident)
    ident = b.next_id()
    b.add(
        "names",
        "ESC in a folder name",
        b"\x1b]0;PWNED-DIR\x07/" + b"inner.md",
        f"# {ident}\n",
        ident=ident,
    )
    ident = b.next_id()
    deep = b"/".join(b"d%d" % i for i in range(60))
    b.add("names", "60 nested folders", deep + b"/deep.md", f"# {ident}\n", ident=ident)
    # special files and links
    ident = b.next_id()
    fifo = b.add("fs", "FIFO named .md", "fifo.md", None, expect="any", openable=False, ident=ident)
    os.mkfifo(b.path_of(fifo))
    ident = b.next_id()
    sock = b.add(
        "fs", "socket named .md", "sock.md", None, expect="any", openable=False, ident=ident
    )
    try:
        with socket.socket(socket.AF_UNIX) as s:
            s.bind(b.path_of(sock))
    except OSError:  # path too long for a socket address: keep the entry as a plain stand-in
        b.manifest.entries.remove(sock)
    links: dict[str, tuple[bytes, bytes]] = {
        "symlink to /etc/passwd": (b"out-file.md", b"/etc/passwd"),
        "symlink to /": (b"out-dir", b"/"),
        "symlink to the site root": (b"up-dir", b"../../.."),
        "symlink to /dev/zero": (b"zero.md", b"/dev/zero"),
        "symlink to /dev/urandom": (b"urandom.md", b"/dev/urandom"),
        "symlink to /proc/self/fd/0": (b"stdin.md", b"/proc/self/fd/0"),
        "dangling symlink": (b"dangling.md", b"does-not-exist.md"),
        "self loop": (b"self.md", b"__SELF__"),
        "folder loop": (b"loop", b"."),
        "relative escape": (b"escape.md", b"../../../../../../../../etc/hostname"),
    }
    for kind, (name, target) in links.items():
        ident = b.next_id()
        entry = b.add("fs", kind, name, None, expect="any", openable=False, ident=ident)
        path = b.path_of(entry)
        os.symlink(path.rsplit(b"/", 1)[1] if target == b"__SELF__" else target, path)
    ident = b.next_id()
    a = b.add(
        "fs", "two-link cycle a", b"cycle-a.md", None, expect="any", openable=False, ident=ident
    )
    c = b.add("fs", "two-link cycle b", b"cycle-b.md", None, expect="any", openable=False)
    os.symlink(b.path_of(c).rsplit(b"/", 1)[1], b.path_of(a))
    os.symlink(b.path_of(a).rsplit(b"/", 1)[1], b.path_of(c))
    ident = b.next_id()
    inner = b.add(
        "fs",
        "alias: a link to a post inside the root",
        b"alias.md",
        None,
        expect="any",
        ident=ident,
    )
    first_post = b.manifest.entries[0].relpath.split(b"/", 1)[1]
    os.symlink(b"../escape/" + first_post, b.path_of(inner))
    # unreadable things (chmod after everything is written)
    ident = b.next_id()
    locked = b.add(
        "fs", "chmod 000 file", "locked.md", f"# {ident} locked\n", expect="error", ident=ident
    )
    b.later(lambda: os.chmod(b.path_of(locked), 0))
    ident = b.next_id()
    hidden = b.add(
        "fs",
        "post in a chmod 000 folder",
        b"locked-dir/inside.md",
        f"# {ident}\n",
        expect="any",
        ident=ident,
    )
    b.later(lambda: os.chmod(b.path_of(hidden).rsplit(b"/", 1)[0], 0))
    ident = b.next_id()
    noexec = b.add(
        "fs",
        "post in a folder without x",
        b"noexec-dir/inside.md",
        f"# {ident}\n",
        expect="any",
        ident=ident,
    )
    b.later(
        lambda: os.chmod(
            b.path_of(noexec).rsplit(b"/", 1)[0], stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH
        )
    )


def _same_title_posts(b: _Builder) -> None:
    count = 60 if b.small else 3000
    first = b.next_id()
    for i in range(count):
        ident = f"{first}-{i:04d}"
        front = "title: One title for all\ndate: 2022-02-02\ncategories: [Same]"
        b.add(
            "same",
            "thousands of posts with one title",
            "same.md",
            post(front, f"Post {i}"),
            ident=ident,
        )


def build(site: str | os.PathLike[str], *, small: bool = False) -> Manifest:
    """Create the hostile library under `site` (must be empty or missing); return its manifest."""
    root = Path(site)
    root.mkdir(parents=True, exist_ok=True)
    if any(root.iterdir()):
        raise FileExistsError(f"{root} is not empty")
    (root / "_config.yml").write_text(
        'title: "\\e]0;PWNED-CONFIG\\a hostile"\ntimezone: Mars/Olympus_Mons\n'
        "permalink: :year/:title/\n"
    )
    b = _Builder(root, small=small)
    b.posts.mkdir(parents=True)
    for part in (
        _escape_posts,
        _markup_posts,
        _bidi_posts,
        _huge_posts,
        _yaml_posts,
        _date_posts,
        _fs_posts,
        _same_title_posts,
    ):
        part(b)
    manifest = b.finish()
    (root / "hostile-manifest.json").write_text(manifest.to_json())
    return manifest


def iter_openable(manifest: Manifest) -> Iterator[Entry]:
    """One post of every kind worth opening (the same-title flood contributes one)."""
    seen_same = False
    for entry in manifest.entries:
        if not entry.openable:
            continue
        if entry.group == "same":
            if seen_same:
                continue
            seen_same = True
        yield entry


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m reader.devtools.hostile", description=__doc__.split("\n")[0]
    )
    parser.add_argument("dir", help="where to create the hostile Hexo site (empty or missing)")
    parser.add_argument("--small", action="store_true", help="leave out the biggest files")
    args = parser.parse_args(argv)
    start = time.monotonic()
    try:
        manifest = build(args.dir, small=args.small)
    except FileExistsError as error:
        print(f"hostile: {error}", file=sys.stderr)
        return 2
    groups: dict[str, int] = {}
    for entry in manifest.entries:
        groups[entry.group] = groups.get(entry.group, 0) + 1
    summary = ", ".join(f"{g} {n}" for g, n in groups.items())
    print(f"{len(manifest.entries)} entries ({summary}) in {time.monotonic() - start:.1f}s")
    print(f"posts root: {manifest.posts_root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
