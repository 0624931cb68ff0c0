"""The fidelity checker (reader.devtools.fidelity) catches each defect class of issue 15.

Each test feeds it a converter that brings one defect back and checks that it is reported,
and that the project's own converter is not.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest

from reader.core.convert import Converted, to_markdown
from reader.core.model import BodyFormat
from reader.devtools import fidelity


def converter_giving(markdown: str) -> Callable[[str, BodyFormat], Converted]:
    def convert(body: str, fmt: BodyFormat) -> Converted:
        return Converted(markdown, None)

    return convert


def passthrough(body: str, fmt: BodyFormat) -> Converted:
    return Converted(body, None)


def kinds(body: str, fmt: BodyFormat, convert: Callable[[str, BodyFormat], Converted]) -> set[str]:
    return {finding.kind for finding in fidelity.check_body(body, fmt, convert)}


CASES = [
    # (defect, source body, format, converted Markdown bringing the defect back, kind reported)
    (
        "CJK emphasis",
        "<p>输入<b>=rand()</b>便可以</p>",
        "html",
        "输入**=rand()**便可以\n",
        "markup shown as text",
    ),
    (
        "adjacent divs",
        "<div>Written in TensorFlow.</div><div>TensorFlow was</div>",
        "html",
        "Written in TensorFlow.TensorFlow was\n",
        "words glued",
    ),
    (
        "layout table",
        "<table><tr><td><p>once they are set.</p><p>However, no.</p></td></tr></table>",
        "html",
        "once they are set.However, no.\n",
        "words glued",
    ),
    (
        "CJK punctuation spacing",
        "<p>组成<b>部分</b>。其后</p>",
        "html",
        "组成**部分** 。其后\n",
        "space before or after CJK punctuation",
    ),
    ("text lost", "<p>Kept.</p><p>Lost sentence.</p>", "html", "Kept.\n", "text lost"),
    (
        "footnote as link",
        "Claim[^1].\n\n[^1]: note\n",
        "markdown",
        "Claim[^1].\n\n[^1]: note\n",
        "footnote shown as a link",
    ),
    (
        "footnote as text",
        "Claim[^1].\n\n[^1]: a note here\n",
        "markdown",
        "Claim[^1].\n\n[^1]: a note here\n",
        "markup shown as text",
    ),
    (
        "raw HTML heading dropped",
        '<h2 id="a">Title</h2>\n\nText\n',
        "markdown",
        "Title\n\nText\n",
        "heading shown as text",
    ),
    (
        "raw HTML heading as text",
        '<h2 id="a">Title</h2>\n\nText\n',
        "markdown",
        '\\<h2 id="a">Title\\</h2>\n\nText\n',
        "markup shown as text",
    ),
    (
        "unknown tag plugin as code",
        "{% hackmd BJrTq20hE %}\n",
        "markdown",
        "`{% hackmd BJrTq20hE %}`\n",
        "unconverted code span",
    ),
    (
        "unknown tag plugin raw",
        "{% hackmd BJrTq20hE %}\n",
        "markdown",
        "{% hackmd BJrTq20hE %}\n",
        "markup shown as text",
    ),
    (
        "proxy host as image name",
        '<img src="https://proxy.example/?http://s.example/cat.jpg">',
        "html",
        "[image: proxy.example]\n",
        "image placeholder",
    ),
    (
        "star in image name",
        '<p><img src="/a*b.png"> and <img src="/c*d.png"></p>',
        "html",
        "[image: a*b.png] and [image: c*d.png]\n",
        "image placeholder",
    ),
    (
        "Markdown image drawn by the pane",
        "![](https://example.org/cat.jpg)\n",
        "markdown",
        "![](https://example.org/cat.jpg)\n",
        "image drawn by the pane",
    ),
]


@pytest.mark.parametrize(
    ("body", "fmt", "defective", "kind"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_checker_reports_the_defect(body: str, fmt: BodyFormat, defective: str, kind: str) -> None:
    assert kind in kinds(body, fmt, converter_giving(defective))
    assert fidelity.check_body(body, fmt, to_markdown) == []


def test_author_escapes_and_code_are_not_reported() -> None:
    body = "Literal \\*\\*stars\\*\\* and `{% raw %}` and `<b>`.\n\n```\n**x** {% y %} <i>\n```\n"
    assert fidelity.check_body(body, "markdown", passthrough) == []


def test_dropped_elements_are_not_text_lost() -> None:
    body = "<p>Shown.</p><script>var hidden = 1;</script><style>p {}</style><form>Field</form>"
    assert fidelity.check_body(body, "html", to_markdown) == []


def test_markup_in_the_source_text_is_not_reported() -> None:
    body = "<p>Python uses 2**8 and &lt;b&gt; is a tag.</p>"
    assert fidelity.check_body(body, "html", to_markdown) == []


def test_run_prints_one_line_per_finding_and_the_count(tmp_path: Path) -> None:
    site = tmp_path / "site"
    posts = site / "source" / "_posts"
    posts.mkdir(parents=True)
    (site / "_config.yml").write_text("title: t\n", "utf-8")
    (posts / "clean.md").write_text("---\ntitle: a\n---\nPlain **bold** text.\n", "utf-8")
    (posts / "note.md").write_text("---\ntitle: b\n---\nSee[^1].\n\n[^1]: x\n", "utf-8")

    out = io.StringIO()
    assert fidelity.run([site], out) == 0
    assert out.getvalue().splitlines() == ["2/2 posts clean"]

    out = io.StringIO()
    assert fidelity.run([site], out, passthrough) == 1
    lines = out.getvalue().splitlines()
    assert lines[-1] == "1/2 posts clean"
    assert len(lines) == 2 and lines[0].startswith(f"{site}/note.md: footnote shown as a link")
