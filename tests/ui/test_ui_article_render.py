"""Rendering an article's Markdown in blocks: cuts, link numbering, CJK wrapping, no URL leaks."""

from __future__ import annotations

import io
import itertools
import re

import pytest
from rich.cells import cell_len
from rich.segment import Segment

from reader.widgets.article_blocks import RenderedLink, split_blocks
from reader.widgets.article_render import LINK_SCHEME, make_console, render_block


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


MIXED = (
    "老的存档常常不是 UTF-8。reader 会识别 UTF-8（带或不带 BOM）、UTF-16，以及 GB18030 和"
    " Big5 等传统编码。实在无法读取的文件会出现在“Errors”文件夹里，并注明原因，不会悄悄消失。"
) * 3
_LATIN_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*")
_NO_START = "，。、）”：；！？"
_NO_END = "“（"
_FIRST_UNIT = re.compile(r"^[“（]*(?:[A-Za-z0-9][A-Za-z0-9-]*|\S)[，。、）”：；！？]*")


@pytest.mark.parametrize("width", [14, 20, 27, 33, 40, 53, 61, 78])
def test_mixed_cjk_and_latin_fill_lines_and_keep_words_whole(width: int) -> None:
    lines = [t.rstrip() for t in _text(_render(MIXED, width=width)[0])]
    assert all(cell_len(line) <= width for line in lines)
    # nothing lost: the lines hold every character of the paragraph (spaces at breaks dropped)
    assert "".join("".join(lines).split()) == "".join(MIXED.split())
    words = set(_LATIN_WORD.findall(MIXED))
    for line in lines:
        # never "Error" / "s": every Latin run on a line is a whole word of the paragraph
        assert set(_LATIN_WORD.findall(line)) <= words, line
        assert not line.startswith(tuple(_NO_START)), line
        assert not line.endswith(tuple(_NO_END)), line
    # no short lines: each line was cut only because the next piece did not fit
    for line, following in itertools.pairwise(lines):
        first = _FIRST_UNIT.match(following.lstrip())
        assert first is not None
        assert cell_len(line) + 1 + cell_len(first.group(0)) > width, (line, following)


def test_cjk_breaks_between_any_two_characters_with_latin_words_inside() -> None:
    lines = [
        t.rstrip()
        for t in _text(
            _render("很多中文博客用 Hexo 搭建，下。reader 可以直接打开这样的站点", width=30)[0]
        )
    ]
    assert lines == ["很多中文博客用 Hexo 搭建，下。", "reader 可以直接打开这样的站点"]


def test_a_latin_word_longer_than_the_line_is_folded_by_cells() -> None:
    word = "Supercalifragilisticexpialidocious" * 2
    paragraph = f"中文{word}中文。"
    for width in (9, 10, 25):
        lines = [t.rstrip() for t in _text(_render(paragraph, width=width)[0])]
        assert all(cell_len(line) <= width for line in lines)
        assert "".join(lines) == paragraph
        assert lines[0] == "中文"  # the word starts its own line, then folds


def test_line_breaks_in_the_source_between_cjk_add_no_space() -> None:
    markdown = "并注明原因，\n不会悄悄消失。\nThe end\nof it。\n中文"
    text = "".join(t.rstrip() for t in _text(_render(markdown, width=80)[0]))
    assert text == "并注明原因，不会悄悄消失。 The end of it。中文"


def test_cjk_in_headings_lists_quotes_and_table_cells_wraps_within_the_width() -> None:
    long = "这是一个很长很长的中文说明，用来测试折行是否按字符进行而不是整段溢出。" * 2
    markdown = (
        f"# {long}\n\n- {long}\n\n> {long}\n\n| 名称 | 说明 |\n|---|---|\n| reader | {long} |\n"
    )
    width = 36
    lines = [t.rstrip() for t in _text(_render(markdown, width=width)[0])]
    assert all(cell_len(line) <= width for line in lines)
    stripped = "".join(ch for line in lines for ch in line if "\u4e00" <= ch <= "\u9fff")
    core = "".join(ch for ch in long if "\u4e00" <= ch <= "\u9fff")
    assert stripped.count(core) == 4  # heading, list item, quote and table cell: all there
    cell_lines = [line for line in lines if "│" not in line and line.startswith(" reader")]
    assert cell_lines and cell_len(cell_lines[0]) > width - 6  # the cell wraps, not crops


def test_no_break_inside_emoji_sequences_or_before_combining_marks() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    paragraph = ("家庭" + family + "和e\u0301字") * 8
    for width in (7, 8, 11):
        lines = [t.rstrip() for t in _text(_render(paragraph, width=width)[0])]
        assert "".join(lines) == paragraph
        for line in lines:
            assert not line.startswith(("\u200d", "\u0301"))
            assert not line.endswith("\u200d")


def test_latin_text_wraps_exactly_as_rich_does() -> None:
    from rich.console import Console
    from rich.text import Text

    paragraph = "Long lines are tiring; text is kept to a measure, centred in wide terminals. " * 5
    console = Console(width=37, file=io.StringIO())
    expected = [line.plain.rstrip() for line in Text(paragraph.strip()).wrap(console, 37)]
    assert [t.rstrip() for t in _text(_render(paragraph, width=37)[0])] == expected


def _stripped(lines: list[list[Segment]]) -> list[str]:
    return ["".join(segment.text for segment in line).rstrip() for line in lines]


def test_a_huge_table_is_shown_as_its_text_with_a_note() -> None:
    rows = 3 * 200
    table = "| name | value |\n| --- | --- |\n" + "".join(f"| r{i} | {i} |\n" for i in range(rows))
    lines, _ = _render(f"Before.\n\n{table}\nAfter.\n", width=40)
    text = _stripped(lines)
    assert any(f"A table of {rows:,} rows and 2 columns" in line for line in text)
    assert f"| r{rows - 1} | {rows - 1} |" in text  # every row, as written
    assert "Before." in text and "After." in text
    assert all(sum(cell_len(s.text) for s in line) == 40 for line in lines)


def test_a_small_table_is_still_laid_out() -> None:
    lines, _ = _render("| name | value |\n| --- | --- |\n| r1 | 1 |\n", width=40)
    text = "\n".join(_stripped(lines))
    assert "A table of" not in text and "| r1 |" not in text and "r1" in text


COSTLY = {
    "1,000 nested lists": "".join("  " * i + f"- item {i}\n" for i in range(1000)),
    "quotes nested 1,000 deep": ">" * 1000 + " deep",
    "a 5,000-row table": "| a | b |\n|---|---|\n" + "| 1 | 2 |\n" * 5000,
    "a 1 MB word": "é" * 1_000_000,
    "a 200 KB paragraph": "*a " * 70_000,
}


@pytest.mark.parametrize("name", sorted(COSTLY))
def test_a_block_too_costly_to_lay_out_is_shown_as_text_with_a_note(name: str) -> None:
    source = COSTLY[name]
    lines, _ = _render(f"Before.\n\n{source}\n\nAfter.\n", width=40)
    text = _stripped(lines)
    assert "shown as text:" in " ".join(text[:3]), text[:5]  # the note, wrapped to the width
    assert "Before." in text and "After." in text
    first_source_line = source.split("\n", 1)[0]
    assert any(line and first_source_line.startswith(line) for line in text), text[:5]
    assert all(sum(cell_len(s.text) for s in line) == 40 for line in lines)


@pytest.mark.parametrize(
    "source",
    [
        "".join("  " * i + f"- item {i}\n" for i in range(6)),
        "> > > quoted three deep",
        "word " * 5000,  # a long paragraph is laid out
        "x" * 2000,  # a long word too (folded)
    ],
    ids=["nested lists", "nested quotes", "long paragraph", "long word"],
)
def test_an_ordinary_block_is_still_laid_out(source: str) -> None:
    text = "\n".join(_stripped(_render(source, width=40)[0]))
    assert "shown as text" not in text
