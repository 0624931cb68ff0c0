"""Rendering an article's Markdown in blocks: cuts, link numbering, CJK wrapping, no URL leaks."""

from __future__ import annotations

import itertools

from rich.cells import cell_len
from rich.segment import Segment

from reader.widgets.article_render import (
    LINK_SCHEME,
    RenderedLink,
    make_console,
    render_block,
    split_blocks,
)


def _render(markdown: str, width: int = 40) -> tuple[list[list[Segment]], list[RenderedLink]]:
    console = make_console(width, {})
    links: list[RenderedLink] = []
    lines: list[list[Segment]] = []
    for block in split_blocks(markdown, ()):
        lines += render_block(block, console, width, code_theme="ansi_dark", links=links)
    return lines, links


def _text(lines: list[list[Segment]]) -> list[str]:
    return ["".join(segment.text for segment in line) for line in lines]


def test_blocks_cover_every_line_once_and_start_at_headings() -> None:
    markdown = "\n".join(
        ["# One", "", *[f"para {i}\n" for i in range(60)], "## Two", "text", "```", "", "x", "```"]
    )
    headings = [0, markdown.split("\n").index("## Two")]
    blocks = split_blocks(markdown, headings, size=10)
    assert "\n".join(b.source for b in blocks) == markdown
    assert [b.line for b in blocks if b.source.startswith("#")] == headings
    for before, after in itertools.pairwise(blocks):
        assert before.line + before.lines == after.line


def test_no_cut_inside_fences_html_blocks_or_indented_code() -> None:
    body = ["```", *(["code", ""] * 30), "```", "", "<pre>", *(["x", ""] * 30), "</pre>", ""]
    body += ["<!--", *(["c", ""] * 30), "-->", "", "    indented", "", "    more", "", "end"]
    blocks = split_blocks("\n".join(body), (), size=4)
    for block in blocks:
        assert block.source.count("```") % 2 == 0
        assert block.source.count("<pre>") == block.source.count("</pre>")
        assert block.source.count("<!--") == block.source.count("-->")
        assert not block.source.startswith("    more")


def test_reference_links_resolve_in_every_block() -> None:
    markdown = "[first][r]\n\n" + "filler\n\n" * 40 + "[second][r]\n\n[r]: https://example.org/r"
    _, links = _render(markdown)
    assert [link.href for link in links] == ["https://example.org/r", "https://example.org/r"]
    assert [link.number for link in links] == [1, 2]


def test_links_are_numbered_in_text_and_never_carry_a_url() -> None:
    markdown = "See [one](https://a.example/1) and [two](javascript:alert(1)) and [three](x.md)."
    lines, links = _render(markdown, width=100)
    text = "".join(_text(lines))
    assert "one[1]" in text and "two[2]" in text and "three[3]" in text
    assert [link.href for link in links] == ["https://a.example/1", "javascript:alert(1)", "x.md"]
    assert [link.text for link in links] == ["one", "two", "three"]
    for line in lines:
        for segment in line:
            assert segment.style is None or not segment.style.link
    metas = {s.style.meta.get("reader_link") for line in lines for s in line if s.style}
    assert {1, 2, 3} <= metas
    assert LINK_SCHEME not in text


def test_markup_looking_text_stays_literal() -> None:
    markdown = (
        "[bold]x[/] and [@click=app.quit]y[/] | a | b |\n\n| [red]h | c |\n|---|---|\n| [/] | z |"
    )
    text = "".join(_text(_render(markdown, width=100)[0]))
    for literal in ("[bold]x[/]", "[@click=app.quit]y[/]", "[red]h", "[/]"):
        assert literal in text


def test_cjk_wraps_by_cell_width_without_losing_a_character() -> None:
    paragraph = "中文段落测试，每个字占两个单元格。" * 12 + "日本語のテキストも折り返す。"
    for width in (21, 30, 41):
        lines, _ = _render(paragraph, width=width)
        texts = [t.rstrip() for t in _text(lines)]
        assert all(cell_len(t) <= width for t in _text(lines))
        assert "".join(texts) == paragraph


def test_code_blocks_are_highlighted_and_kept_whole() -> None:
    markdown = "```python\ndef f(x):\n    return [x]  # [bold]not markup[/]\n```"
    lines, _ = _render(markdown, width=60)
    text = "\n".join(_text(lines))
    assert "def f(x):" in text and "[bold]not markup[/]" in text
    styles = [s.style for line in lines for s in line if s.text.strip() == "def"]
    assert styles and styles[0] is not None and styles[0].color is not None
