"""Issue 15: what the reading pane shows of a converted post is what the author wrote.

Each test converts a short fixture written for it and reads the result the way the pane does
(reader.devtools.rendered_text): the text a reader sees, not the Markdown.
"""

from __future__ import annotations

import pytest

from reader.core.convert import to_markdown
from reader.core.markdown_syntax import READING_PARSER
from reader.devtools.rendered_text import rendered_text

CJK_PUNCTUATION = "，。、；：？！「」『』（）【】《》〈〉〔〕…—・"


def shown(body: str, fmt: str = "html") -> str:
    """The text the pane shows, code blocks included."""
    return rendered_text(to_markdown(body, fmt).markdown).full  # type: ignore[arg-type]


def prose(body: str, fmt: str = "html") -> str:
    return rendered_text(to_markdown(body, fmt).markdown).prose  # type: ignore[arg-type]


def strong_texts(body: str, fmt: str = "html") -> list[str]:
    """The text inside each bold run, as the pane's parser reads it."""
    found = []
    for token in READING_PARSER.parse(to_markdown(body, fmt).markdown):  # type: ignore[arg-type]
        children = token.children or []
        for index, child in enumerate(children):
            if child.type == "strong_open":
                found.append(children[index + 1].content.replace("\u200b", ""))
    return found


def visible(text: str) -> str:
    return text.replace("\u200b", "")


# ----------------------------------------------------------------------------- CJK emphasis


@pytest.mark.parametrize("mark", list(CJK_PUNCTUATION))
def test_html_bold_next_to_cjk_punctuation_is_bold(mark: str) -> None:
    body = f"<p>前文<b>{mark}重点{mark}</b>后文</p>"
    assert strong_texts(body) == [f"{mark}重点{mark}"]
    assert "*" not in prose(body)


@pytest.mark.parametrize("mark", list(CJK_PUNCTUATION))
def test_markdown_bold_next_to_cjk_punctuation_is_bold(mark: str) -> None:
    body = f"前文**{mark}重点{mark}**后文\n"
    assert strong_texts(body, "markdown") == [f"{mark}重点{mark}"]
    assert "*" not in prose(body, "markdown")


def test_html_bold_around_ascii_punctuation_between_cjk() -> None:
    assert strong_texts("<p>輸入<b>=rand()</b>便可以</p>") == ["=rand()"]
    assert visible(prose("<p>輸入<b>=rand()</b>便可以</p>")).strip() == "輸入=rand()便可以"


def test_html_emphasis_keeps_the_spaces_of_the_source() -> None:
    assert visible(prose("<p>a<b> bold </b>b and <i>it</i>alic</p>")).strip() == (
        "a bold b and italic"
    )
    assert strong_texts("<p>a<b> bold </b>b</p>") == ["bold"]


def test_html_adjacent_bold_runs_are_one() -> None:
    assert strong_texts("<p><b>one</b><b>two</b></p>") == ["onetwo"]


def test_html_empty_bold_leaves_no_stars() -> None:
    assert "*" not in prose("<p>a<b> </b>b<strong></strong>c</p>")


def test_html_bold_inside_code_adds_no_stars() -> None:
    assert "*" not in shown("<pre>x <b>y</b> z</pre><p><code>a<b>b</b></code></p>")


def test_author_escaped_stars_stay_literal() -> None:
    assert visible(shown("前文\\*\\*不是粗体\\*\\*后文\n", "markdown")).strip() == (
        "前文**不是粗体**后文"
    )


# ----------------------------------------------------------------------------- CJK spacing


@pytest.mark.parametrize("mark", ["。", "，", "！", "」", "）"])
def test_no_space_after_bold_before_cjk_punctuation(mark: str) -> None:
    assert visible(prose(f"<p>组成<b>部分</b>{mark}其后</p>")).strip() == f"组成部分{mark}其后"


def test_line_break_in_html_source_between_cjk_is_no_space() -> None:
    assert prose("<p>这是革新。\n目前如此</p>").strip() == "这是革新。目前如此"
    assert prose("<p>English\nwords</p>").strip() == "English words"


def test_preformatted_cjk_lines_keep_their_breaks() -> None:
    assert "一行\n二行" in shown("<pre>一行\n二行</pre>")


# ----------------------------------------------------------------------------- text as written


def test_ampersand_before_a_word_is_text() -> None:
    assert prose("<p>ABS&PVC and AT&T; &amp; &copy;</p>").strip() == "ABS&PVC and AT&T; & ©"


def test_preformatted_text_after_a_list_stays_code() -> None:
    body = "<ul><li>item</li></ul><pre># a comment\nls -l</pre><p>after</p>"
    rendered = rendered_text(to_markdown(body, "html").markdown)
    assert rendered.code_blocks == ["# a comment\nls -l\n"]


# ----------------------------------------------------------------------------- block boundaries


def paragraphs(body: str) -> list[str]:
    return [line.strip() for line in shown(body).split("\n") if line.strip()]


@pytest.mark.parametrize(
    "tag", ["section", "article", "header", "footer", "figcaption", "aside", "nav", "center"]
)
def test_neighbouring_blocks_stay_apart(tag: str) -> None:
    body = f"<div><{tag}>Written in TensorFlow.</{tag}>TensorFlow was next.</div>"
    assert paragraphs(body) == ["Written in TensorFlow.", "TensorFlow was next."]


def test_caption_and_next_paragraph_stay_apart() -> None:
    body = '<figure><img src="p.png"><figcaption>By Ann on Unsplash[2]</figcaption></figure>Next'
    assert paragraphs(body)[-2:] == ["By Ann on Unsplash[2]", "Next"]


def test_layout_table_reads_as_text() -> None:
    body = (
        "<table><tr><td><p>Values are fixed once they are set.</p><p>However, not all.</p></td>"
        "<td><table><tr><td>Side note.</td></tr></table></td></tr></table>"
    )
    assert paragraphs(body) == [
        "Values are fixed once they are set.",
        "However, not all.",
        "Side note.",
    ]


def test_one_column_table_reads_as_text() -> None:
    body = "<table><tr><td>First.</td></tr><tr><td>Second.</td></tr></table>"
    assert paragraphs(body) == ["First.", "Second."]
    kinds = {token.type for token in READING_PARSER.parse(to_markdown(body, "html").markdown)}
    assert "heading_open" not in kinds  # a one-row header rule made `First.` a heading


def test_data_table_stays_a_table() -> None:
    markdown = to_markdown(
        "<table><tr><th>Name</th><th>Size</th></tr><tr><td>a</td><td>1</td></tr></table>", "html"
    ).markdown
    assert any(token.type == "table_open" for token in READING_PARSER.parse(markdown))


def test_blocks_inside_a_link_keep_words_apart() -> None:
    body = '<a href="https://example.org/"><div>Read TensorFlow.</div><div>TensorFlow was</div></a>'
    assert " ".join(shown(body).split()) == "Read TensorFlow. TensorFlow was"


# ----------------------------------------------------------------------------- footnotes


def test_footnotes_become_numbered_notes_at_the_end() -> None:
    body = (
        "First claim[^a], second[^2], first again[^a].\n\n"
        "[^2]: The second note.\n"
        "[^a]: The first note,\n    on two lines.\n\n"
        "Closing paragraph, `[^a]` in code.\n"
    )
    text = shown(body, "markdown")
    assert "First claim¹, second², first again¹." in text
    assert "Closing paragraph, [^a] in code." in text
    lines = [line for line in text.split("\n") if line.strip()]
    assert lines[-2:] == ["The first note, on two lines.", "The second note."]
    markdown = to_markdown(body, "markdown").markdown
    kinds = [token.type for token in READING_PARSER.parse(markdown)]
    assert "ordered_list_open" in kinds and "link_open" not in kinds


def test_footnote_reference_without_a_note_stays_as_written() -> None:
    assert shown("See [^missing] here.\n\n[^other]: A note.\n", "markdown").startswith(
        "See [^missing] here."
    )


# ----------------------------------------------------------------------------- raw HTML in Markdown


def headings(markdown: str) -> list[tuple[str, str]]:
    tokens = READING_PARSER.parse(markdown)
    return [
        (token.tag, tokens[index + 1].content)
        for index, token in enumerate(tokens)
        if token.type == "heading_open"
    ]


def test_raw_html_headings_in_markdown_are_headings() -> None:
    body = 'Intro.\n<h2 id="setup">安装 <a href="https://example.org/">步骤</a></h2>\nText.\n'
    markdown = to_markdown(body, "markdown").markdown
    assert headings(markdown) == [("h2", "安装 [步骤](https://example.org/)")]
    assert "<h2" not in rendered_text(markdown).prose


def test_raw_html_heading_over_several_lines() -> None:
    markdown = to_markdown("<h3>\nOne\nheading\n</h3>\n\nText.\n", "markdown").markdown
    assert headings(markdown) == [("h3", "One heading")]


# ----------------------------------------------------------------------------- tag plugins


def test_unknown_tag_plugin_is_a_quiet_placeholder() -> None:
    rendered = rendered_text(to_markdown("看 {% hackmd BJrTq20hE %} 这里\n", "markdown").markdown)
    assert rendered.code_spans == []
    assert rendered.full.strip() == "看 [hackmd] 这里"


def test_unknown_block_tag_keeps_its_content() -> None:
    body = "{% tabs first %}\nTab content.\n{% endtabs %}\n"
    rendered = rendered_text(to_markdown(body, "markdown").markdown)
    assert rendered.code_spans == []
    assert "{%" not in rendered.full and "Tab content." in rendered.full


# ----------------------------------------------------------------------------- images


@pytest.mark.parametrize("name", ["a*b*.png", "x_y_z.png", "__init__.jpg", "**.gif"])
def test_image_file_names_are_shown_as_written(name: str) -> None:
    html_body = f'<p><img src="https://example.org/{name}"> between <img src="/{name}"></p>'
    markdown_body = f"![](https://example.org/{name}) between ![]({name})\n"
    for body, fmt in ((html_body, "html"), (markdown_body, "markdown")):
        rendered = rendered_text(to_markdown(body, fmt).markdown)  # type: ignore[arg-type]
        assert " ".join(rendered.full.split()) == f"image: {name} between [image: {name}]"


def test_image_placeholder_names_the_file_behind_a_proxy() -> None:
    body = '<img src="https://cors.proxy.example/?http://site.example/photos/cat.jpg">'
    assert shown(body).strip() == "image: cat.jpg"
    body = '<img src="https://proxy.example/fetch?url=https%3A%2F%2Fsite.example%2Fdog.png&w=2">'
    assert shown(body).strip() == "image: dog.png"


def test_markdown_images_take_the_html_placeholder_form() -> None:
    body = '![A cat](https://example.org/cat.jpg "title") [![](https://example.org/i.png)](https://example.org/page)\n'
    markdown = to_markdown(body, "markdown").markdown
    rendered = rendered_text(markdown)
    assert rendered.images == []  # no image left for the pane to draw its own way
    assert rendered.link_texts == ["image: A cat", "image: i.png"]
    assert "https://example.org/page" in markdown


def test_escaped_markup_in_html_text_stays_text() -> None:
    assert prose("<p>Write &lt;b&gt; for bold &amp;copy; stays</p>").strip() == (
        "Write <b> for bold &copy; stays"
    )


def test_bold_next_to_cjk_is_found_by_search_as_written() -> None:
    from reader.core.search_text import plain_text

    markdown = to_markdown("<p>輸入<b>=rand()</b>便可以</p>", "html").markdown
    assert "\u200b" in markdown  # what makes the bold parse
    assert plain_text(markdown) == "輸入=rand()便可以"


def test_the_pane_draws_no_zero_width_space() -> None:
    markdown = to_markdown("<p>前文<b>「重点」</b>后文</p>", "html").markdown
    texts = [
        child.content
        for token in READING_PARSER.parse(markdown)
        for child in token.children or []
        if child.type == "text"
    ]
    assert "".join(texts) == "前文「重点」后文"


def test_reference_style_images_take_the_placeholder_form() -> None:
    body = (
        "A ![cat][c], ![][d] and ![Dog].\n\n"
        "[c]: https://example.org/c.png\n[d]: /d_1_.png\n[dog]: https://example.org/dog.jpg\n"
    )
    rendered = rendered_text(to_markdown(body, "markdown").markdown)
    assert rendered.images == []
    assert rendered.full.split("\n")[0] == "A image: cat, [image: d_1_.png] and image: Dog."
