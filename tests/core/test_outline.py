"""outline: headings with GitHub-style anchors, plain sanitized text, code ignored."""

from __future__ import annotations

from pathlib import Path

from reader.core.convert import to_markdown
from reader.core.outline import Heading, outline, plain_text, slug
from reader.core.parse import parse_post


def test_atx_levels_lines_and_anchors() -> None:
    md = "# One\n\ntext\n\n## Two ##\n### Three\n#### Four\n##### Five\n###### Six\n####### no\n"
    assert outline(md) == [
        Heading(1, "One", "one", 0),
        Heading(2, "Two", "two", 4),
        Heading(3, "Three", "three", 5),
        Heading(4, "Four", "four", 6),
        Heading(5, "Five", "five", 7),
        Heading(6, "Six", "six", 8),
    ]


def test_not_headings() -> None:
    md = "#no space\n    # indented code\n#\n##   \n\\# escaped\ntext # inside\n"
    assert outline(md) == []
    assert [h.text for h in outline("   ### three spaces ok")] == ["three spaces ok"]


def test_fenced_code_is_ignored() -> None:
    md = (
        "```\n# not\n```\n# yes\n~~~python\n# not\n## not\n~~~\n"
        "````md\n```\n# not\n```\n````\n## yes too\n"
        "> ```\n> # not\n> ```\n"
        "``` unclosed\n# not\n"
    )
    assert [(h.text, h.line) for h in outline(md)] == [("yes", 3), ("yes too", 13)]


def test_setext_headings() -> None:
    md = "Title\n=====\n\npara one\npara two\n---\n\n- item\n---\n\n---\n\n> quote\n---\n"
    assert [(h.level, h.text, h.line) for h in outline(md)] == [
        (1, "Title", 0),
        (2, "para one para two", 3),
    ]


def test_duplicate_anchors_get_suffixes() -> None:
    md = "# Intro\n# Intro\n# intro\n# Intro 1\n# Intro-1\n"
    assert [h.anchor for h in outline(md)] == [
        "intro",
        "intro-1",
        "intro-2",
        "intro-1-1",
        "intro-1-2",
    ]


def test_slug_rules() -> None:
    assert slug("Hello, World!") == "hello-world"
    assert slug("What's new in 2.0?") == "whats-new-in-20"
    assert slug("snake_case and kebab-case") == "snake_case-and-kebab-case"
    assert slug("中文 标题：测试（一）") == "中文-标题测试一"
    assert slug("日本語の見出し「かっこ」") == "日本語の見出しかっこ"
    assert slug("Emoji 😀 here") == "emoji--here"
    assert slug("Ünïcödé Straße") == "ünïcödé-straße"
    assert slug("  a  b  ") == "a--b"


def test_inline_markup_reduced_to_text() -> None:
    assert (
        plain_text("**Bold** and *em* and __b__ and _e_ and ~~s~~")
        == "Bold and em and b and e and s"
    )
    assert plain_text("`code *x*` and ``a ` b``") == "code *x* and a ` b"
    assert plain_text("[link](http://x) and ![img](y.png) and [ref][1]") == "link and img and ref"
    assert plain_text("[![badge](b.svg)](http://x)") == "badge"
    assert plain_text("<span style='color:red'>超</span>2日目") == "超2日目"
    assert plain_text("snake_case_name") == "snake_case_name"
    assert plain_text("Q&amp;A \\[x\\] \\*") == "Q&A [x] *"
    assert plain_text("<https://auto.link>") == "https://auto.link"


def test_heading_text_is_sanitized_markup_literal() -> None:
    md = "# [@click=app.quit] [/] \x1b]0;evil\x07title\u202e\n"
    (heading,) = outline(md)
    assert heading.text == "[@click=app.quit] [/] title"
    assert "\x1b" not in heading.anchor and "[" not in heading.anchor


def test_empty_and_odd_input() -> None:
    assert outline("") == []
    assert outline("\n\n\n") == []
    long = outline("# " + "x *" * 100_000)[0].text
    assert long.startswith("x *x *") and long.endswith("…") and len(long) <= 300
    assert outline("x\n" * 50_000 + "===")[0].text.startswith("x x x")
    assert len(outline("# h\n" * 10_000)) == 10_000
    assert outline("# h\n" * 10_000)[-1].anchor == "h-9999"


def test_outline_of_converted_html() -> None:
    converted = to_markdown(
        "<h1>Main</h1><p>x</p><h2>Sub <code>a</code></h2><pre># no</pre>", "html"
    )
    assert [(h.level, h.text) for h in outline(converted.markdown)] == [(1, "Main"), (2, "Sub a")]


def test_corpus_outlines(corpus: Path) -> None:
    count = 0
    for path in sorted(corpus.rglob("*.md")):
        if path.parent == corpus:
            continue
        parsed = parse_post(path.read_bytes(), path.name, mtime_ns=0)
        markdown = to_markdown(parsed.body, parsed.post.format).markdown
        headings = outline(markdown)
        lines = markdown.split("\n")
        anchors = [h.anchor for h in headings]
        assert len(anchors) == len(set(anchors)), path
        for heading in headings:
            assert heading.text and "\n" not in heading.text
            assert 0 <= heading.line < len(lines)
            count += 1
    assert count > 50
