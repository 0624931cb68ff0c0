"""convert.to_markdown: HTML for reading, Markdown with Hexo tags and raw HTML made readable."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reader.core import convert
from reader.core.convert import (
    MAX_BODY_CHARS,
    Converted,
    post_link_slug,
    slug_matches,
    to_markdown,
)
from reader.core.parse import parse_post

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def html(body: str) -> str:
    result = to_markdown(body, "html")
    assert isinstance(result, Converted)
    assert not UNSAFE.search(result.markdown)
    return result.markdown


def md(body: str) -> str:
    result = to_markdown(body, "markdown")
    assert not UNSAFE.search(result.markdown)
    return result.markdown


# ----------------------------------------------------------------------------- HTML


def test_html_basics_no_hard_wrap_inline_links() -> None:
    long = "word " * 100
    out = html(f"<div>   <p>{long}</p><p>see <a href='https://example.com/a'>this</a></p></div>")
    assert long.strip() in out  # one line: no hard wrap
    assert "[this](https://example.com/a)" in out


def test_html_images_are_visible_lines() -> None:
    out = html('<p>before</p><img src="https://x.example/pics/cat%20one.jpg?w=1"><p>after</p>')
    assert "\n[image: cat one.jpg](https://x.example/pics/cat%20one.jpg?w=1)\n" in out
    assert "[image: A cat]" in html('<img src="a.png" alt="A cat">')
    assert "[image: lazy.png]" in html('<img data-src="/img/lazy.png">')
    assert "[image]" in html('<img src="">')
    # brackets in alt text cannot break the line's Markdown
    assert "[image: a \\[b\\] c]" in html('<img src="x.png" alt="a [b] c">')


def test_html_images_with_a_web_address_are_links_for_the_link_list() -> None:
    """Issue 12.8: the `l` list offers image URLs too (to open or copy)."""
    assert "[image: A cat](https://x.example/c.png)" in html(
        '<p>see <img src="https://x.example/c.png" alt="A cat"></p>'
    )
    assert "[image: A cat](https://x.example/c.png)" in md(
        'see <img src="https://x.example/c.png" alt="A cat"> here'
    )
    assert "[image: A cat](http://x.example/a%20b.png)" in md(
        '<img src="http://x.example/a b.png" alt="A cat">'
    )
    assert md('<img src="javascript:alert(1)" alt="x">') == "[image: x]\n"
    assert md('<img src="rel/a.png" alt="x">') == "[image: x]\n"  # no address to open
    linked = md('<a href="https://home.example/"><img src="https://x.example/l.png"></a>')
    assert "](https://x.example/l.png)" not in linked  # no link inside a link
    assert "(https://home.example/)" in linked


def test_html_image_inside_link_list_and_table() -> None:
    assert "[image: logo](https://home.example/)" in html(
        '<a href="https://home.example/"><img src="logo.png" alt="logo"></a>'
    )
    out = html("<ul><li>one <img src='z.gif'></li><li>two</li></ul>")
    assert "* one  [image: z.gif]" in out
    assert "* two" in out
    table = html("<table><tr><td>a<img alt='cell'></td><td>b</td></tr></table>")
    assert "a [image: cell] | b" in table


def test_html_drops_script_style_svg_form_noscript_template() -> None:
    out = html(
        "<p>keep</p><script>alert('x')</script><style>p{color:red}</style>"
        "<svg><text>svg text</text></svg><form><input value=x>form text</form>"
        "<noscript>no script</noscript><template>tpl</template><SCRIPT type=x>CAPS</SCRIPT>"
        "<p>end</p>"
    )
    for gone in ("alert", "color", "svg text", "form text", "no script", "tpl", "CAPS"):
        assert gone not in out
    assert "keep" in out and "end" in out


def test_html_unclosed_elements() -> None:
    assert "after" in html("<svg><p>after</p>")  # unclosed svg: only the tag goes
    out = html("<p>before</p><script>var x = 1; <p>still script</p>")
    assert "before" in out and "still script" not in out and "var" not in out


def test_html_iframe_video_audio_become_links() -> None:
    out = html('<iframe src="https://www.youtube.com/embed/abc">fallback text</iframe>')
    assert "[embed: www.youtube.com](https://www.youtube.com/embed/abc)" in out
    assert "fallback" not in out
    assert "[video: v.example](https://v.example/x.mp4)" in html(
        '<video controls><source src="https://v.example/x.mp4" type="video/mp4"></video>'
    )
    assert "[audio: a.example](https://a.example/x.mp3)" in html(
        '<audio src="https://a.example/x.mp3"></audio>'
    )


def test_html_entities_and_escapes_are_sanitized() -> None:
    out = html("<p>x&#x1b;]52;c;aGk=&#x07;y &#27;[2J &#x9b;1m &#x202e;z &amp; &#123;</p>")
    assert "52;" not in out
    assert "x" in out and "y" in out and "z" in out
    assert "&" in out and "{" in out
    raw = html("<p>a\x1b]0;title\x07b\x1b[31m</p>")
    assert "title" not in raw


def test_html_markup_in_text_stays_literal() -> None:
    out = html("<h1>[@click=app.quit] and [/]</h1><p>[bold]x[/bold]</p>")
    assert "[@click=app.quit] and [/]" in out
    assert "[bold]x[/bold]" in out


def test_html_few_escapes() -> None:
    out = html("<p>snake_case and a*b and 3.14 and C# and [x]</p>")
    assert "snake_case and a*b and 3.14 and C# and [x]" in out


def test_html_adjacent_bold_joined() -> None:
    out = html("<p><b>N</b><b>ytro</b> and <b>x:</b><b></b></p><pre>a****b</pre>")
    assert "**Nytro** and **x:**\n" in out
    assert "a****b" in out  # code untouched


def test_html_blank_line_runs_collapse() -> None:
    out = html("<p>a</p>" + "<br>\n" * 30 + "<p>b</p>")
    assert "\n\n\n\n" not in out
    assert "a" in out and "b" in out


def test_html_deep_nesting_degrades_to_plain_text() -> None:
    result = to_markdown("<ul><li>" * 5000 + "deep" + "</li></ul>" * 5000, "html")
    assert "deep" in result.markdown
    assert result.notice is not None and "plain text" in result.notice
    assert len(result.markdown) < 1000
    # divs do not indent: a deep div pile converts normally
    divs = to_markdown("<div>" * 5000 + "x" + "</div>" * 5000, "html")
    assert divs.markdown.strip() == "x"
    assert divs.notice is None
    quotes = to_markdown("<blockquote>" * 5000 + "q", "html")
    assert "q" in quotes.markdown


def test_html_to_text_fallback() -> None:
    out = convert.html_to_text("<p>a &amp; b</p><script>x()</script><div>c<br>d</div><!-- c -->")
    assert out.split() == ["a", "&", "b", "c", "d"]


def test_too_large_body_is_cut_with_notice() -> None:
    body = "<p>" + "x" * 100 + "</p>\n"
    big = body * (MAX_BODY_CHARS // len(body) + 10)
    result = to_markdown(big, "html")
    assert result.notice == "too large: showing the first 2 MiB"
    assert 0 < len(result.markdown) <= MAX_BODY_CHARS
    md_big = to_markdown("line\n" * (MAX_BODY_CHARS // 5 + 10), "markdown")
    assert md_big.notice == "too large: showing the first 2 MiB"
    assert md_big.markdown.endswith("line\n")


def test_never_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(body: str) -> str:
        raise RecursionError("deep")

    monkeypatch.setattr(convert, "html_to_markdown", boom)
    monkeypatch.setattr(convert, "markdown_for_reading", boom)
    result = to_markdown("<p>text \x1b[2J</p>", "html")
    assert result.markdown.strip() == "text"
    assert result.notice is not None and "RecursionError" in result.notice
    result = to_markdown("md text\x07", "markdown")
    assert result.markdown == "md text\n"


@pytest.mark.parametrize(
    "body",
    ["", " ", "\n\n", "<", "<<<>>>", "<p", "</p>", "<!--", "&", "&#xffffffff;", "&#0;", "\ud800"],
)
@pytest.mark.parametrize("fmt", ["html", "markdown"])
def test_odd_bodies(body: str, fmt: str) -> None:
    result = to_markdown(body, fmt)  # type: ignore[arg-type]
    assert not UNSAFE.search(result.markdown)
    result.markdown.encode("utf-8")  # no lone surrogates


# ----------------------------------------------------------------------------- Markdown


def test_markdown_passes_through() -> None:
    body = "# Title\n\nSome *text* with `code` and a [link](https://x.example).\n\n- a\n- b\n"
    assert md(body) == body


def test_markdown_crlf_and_controls() -> None:
    assert md("a\r\nb\x1b[2J\r\n") == "a\nb\n"


def test_more_markers_removed_outside_code() -> None:
    out = md(
        "intro\n<!-- more -->\nrest <!--more--> x\n\n"
        "- `<!--more-->` `<!-- more-->` `<!--more -->` `<!-- more -->`\n\n```\n<!-- more -->\n```\n"
    )
    assert out.count("more") == 5  # four inline-code spellings + the fenced one
    assert "intro\n\nrest  x" in out


def test_codeblock_to_fence() -> None:
    out = md("{% codeblock lang:js %}\nconst a = 1;\n{% endcodeblock %}\n")
    assert out == "```js\nconst a = 1;\n```\n"
    out = md(
        "{% codeblock Array.map lang:js https://developer.mozilla.org/x MDN Docs %}\n"
        "array.map(callback[, thisArg])\n{% endcodeblock %}\n"
    )
    assert "*Array.map* [MDN Docs](https://developer.mozilla.org/x)" in out
    assert "```js\narray.map(callback[, thisArg])\n```" in out
    # options other than lang are dropped, tags inside stay literal
    out = md(
        "{% codeblock lang:js mark:2,5 wrap:false %}\n{% note %}x{% endnote %}\n{% endcodeblock %}"
    )
    assert out == "```js\n{% note %}x{% endnote %}\n```\n"


def test_code_alias_inside_list_item_keeps_indent() -> None:
    out = md("- item\n\n    {% code %}\n    a = `x`\n    {% endcode %}\n\n- next\n")
    assert "    ```\n    a = `x`\n    ```" in out


def test_codeblock_fence_longer_than_content_fences() -> None:
    out = md("{% codeblock lang:md %}\n```js\nx\n```\n{% endcodeblock %}")
    assert out.startswith("````md\n```js\nx\n```\n````")


def test_unclosed_codeblock_is_shown_as_tags() -> None:
    # Hexo refuses such a post; the reader sees a placeholder for each tag, content kept.
    assert md("{% codeblock %}\ncode {% note %}\n") == "\\[codeblock\\]\ncode \\[note\\]\n"


def test_blockquote_with_attribution() -> None:
    out = md("{% blockquote %}\nplain\n{% endblockquote %}")
    assert out == "> plain\n"
    out = md("{% blockquote David Levithan, Wide Awake %}\nDo not just want.\n{% endblockquote %}")
    assert out == "> Do not just want.\n>\n> — David Levithan, Wide Awake\n"
    out = md(
        "{% blockquote MDN https://developer.mozilla.org/zh-CN/docs/Spread 展开语法 %}\n"
        "扩展运算符\n{% endblockquote %}"
    )
    assert (
        "> 扩展运算符\n>\n> — MDN, [展开语法](https://developer.mozilla.org/zh-CN/docs/Spread)"
        in out
    )


def test_blockquote_quotes_fenced_code_inside() -> None:
    out = md("{% blockquote %}\ntext\n\n```js\n{% katex %}\n```\n{% endblockquote %}")
    assert out == "> text\n>\n> ```js\n> {% katex %}\n> ```\n"


def test_note_becomes_quote() -> None:
    out = md("{% note warn %}\nBe **careful**.\n{% endnote %}")
    assert out == "> **Warn**\n>\n> Be **careful**.\n"
    out = md("{% note %}\nplain note\n{% endnote %}")
    assert out == "> **Note**\n>\n> plain note\n"


def test_nested_notes_and_unbalanced_tags() -> None:
    out = md("{% note info %}\nouter\n{% note warn %}\ninner\n{% endnote %}\n{% endnote %}")
    assert "> **Info**" in out and "> > **Warn**" in out and "> > inner" in out
    out = md("{% endnote %} stray end and {% note %} never closed")
    assert "stray end" in out and "never closed" in out and "\\[note\\]" in out


def test_post_link_and_post_path() -> None:
    out = md('{% post_link "ES6入门学习的规划" 我的ES6入门学习规划 %}')
    assert out == "[我的ES6入门学习规划](post:ES6入门学习的规划)\n"
    assert md("{% post_link path-to-regexp使用小结 %}") == (
        "[path-to-regexp使用小结](post:path-to-regexp使用小结)\n"
    )
    out = md("{% post_link 'a slug (2)' Text here true %}")
    assert out == "[Text here](post:a%20slug%20%282%29)\n"
    assert post_link_slug("post:a%20slug%20%282%29") == "a slug (2)"
    # Markdown parsers percent-encode hrefs: the slug still comes back
    assert post_link_slug("post:ES6%E5%85%A5%E9%97%A8") == "ES6入门"
    assert post_link_slug("https://x") is None
    assert md("[see]({% post_path my-post %})") == "[see](post:my-post)\n"


def test_slug_matches() -> None:
    assert slug_matches("path-to-regexp使用小结", "2019-05-01-path-to-regexp使用小结.md")
    assert slug_matches("hello", "hello.md")
    assert slug_matches("hello", "notes/hello.markdown")
    assert slug_matches("notes/hello", "notes/hello.md")
    assert not slug_matches("hello", "hello-world.md")


def test_images_from_tags() -> None:
    assert md("{% asset_img naotta.png 直った！ %}") == "[image: 直った！]\n"
    assert md("{% asset_img generate-console.png %}") == "[image: generate-console.png]\n"
    assert md('{% asset_img 02.png "title text" %}') == "[image: title text]\n"
    assert md("{% img left /images/a.png 100 200 Caption %}") == "[image: Caption]\n"
    assert md('<img src="{% asset_path "01.png" %}">') == "[image: 01.png]\n"
    assert md("{% asset_link file.pdf The File %}") == "The File\n"


def test_embeds_and_unknown_tags() -> None:
    assert md("{% youtube abc123 %}") == (
        "[youtube: abc123](https://www.youtube.com/watch?v=abc123)\n"
    )
    assert md("{% twitter https://twitter.com/u/status/1 %}") == (
        "[twitter: https://twitter.com/u/status/1](https://twitter.com/u/status/1)\n"
    )
    # an unknown tag is a quiet placeholder, not its source as code (issue 15)
    assert md("{%hackmd BJrTq20hE %}") == "\\[hackmd\\]\n"
    assert md("{%- include 'x.swig' -%}") == "\\[include\\]\n"
    out = md("{% tabs first %}\ntab content\n{% endtabs %}")
    assert "\\[tabs\\]" in out and "tab content" in out
    assert md("{% raw %}{{ not a tag }} {% x %}{% endraw %}") == "{{ not a tag }} {% x %}\n"


def test_tags_in_code_stay_literal() -> None:
    body = (
        "```js\n{% codeblock lang:js %}\nx\n{% endcodeblock %}\n```\n\n"
        "~~~\n{% note %} <div>\n~~~\n\n"
        "inline `{% asset_link 'filename 'title' 'false' %}` and ``{% post_link a %}``\n"
    )
    assert md(body) == body


def test_raw_html_in_markdown() -> None:
    out = md(
        '<div class="blogcardfu" style="x"><a href="https://ex.com/p" target="_blank">'
        '<img src="https://ex.com/i.png" alt="card"> Card title</a></div>'
    )
    assert out == "[[image: card] Card title](https://ex.com/p)\n"
    assert md("line one<br>line two") == "line one\nline two\n"
    assert md('<i class="fab fa-github"></i> GitHub') == " GitHub\n"
    assert md("# <span style='color:red;'>超</span>2日目") == "# 超2日目\n"
    assert md("<script src=x>alert(1)</script><style>p{}</style>kept") == "kept\n"
    out = md('<iframe width="450" src="https://www.youtube.com/embed/IPS"></iframe>')
    assert out == "[embed: www.youtube.com](https://www.youtube.com/embed/IPS)\n"
    # noscript content is the no-JavaScript fallback: kept
    out = md(
        '<script src="https://e.x/s"></script><noscript><a href="https://n.x/w">Song</a></noscript>'
    )
    assert out == "[Song](https://n.x/w)\n"


def test_raw_html_table_and_pre() -> None:
    out = md(
        "text\n<table><tr><th>h1</th><th>h2</th></tr><tr><td>a</td><td>b</td></tr></table>\nafter"
    )
    assert re.search(r"h1\s*\|\s*h2", out) and re.search(r"a\s*\|\s*b", out)
    assert out.startswith("text\n\n") and out.endswith("\n\nafter\n")
    assert "<t" not in out
    out = md("<pre><code>if (a &lt; b) {}</code></pre>")
    assert "if (a < b) {}" in out


def test_text_that_looks_like_html_stays_visible() -> None:
    out = md("Vec<String> and <T> and a < b and <https://auto.link> and <me@x.org>")
    assert out == "Vec\\<String> and \\<T> and a < b and <https://auto.link> and <me@x.org>\n"
    assert md("`Vec<String>`") == "`Vec<String>`\n"


def test_markdown_markup_literals() -> None:
    out = md("# [@click=app.quit] [/]\n\n[bold]x[/bold]\n")
    assert out == "# [@click=app.quit] [/]\n\n[bold]x[/bold]\n"


def test_pathological_markdown_finishes() -> None:
    # No timing assertion: these must simply not hang or recurse to death.
    assert to_markdown("{% note %}" * 5000 + "{% endnote %}" * 5000, "markdown").markdown
    assert to_markdown("<table>" * 20000, "markdown").notice is None
    assert to_markdown("a<br>|" * 20000, "markdown").markdown
    assert to_markdown("` `` ``` x " * 20000, "markdown").markdown
    assert to_markdown("<ul><li>" * 3000 + "x" + "</li></ul>" * 3000, "markdown").markdown


# ----------------------------------------------------------------------------- corpus


def _corpus_posts(corpus: Path) -> list[Path]:
    return sorted(
        p
        for p in corpus.rglob("*")
        if p.is_file() and p.suffix in (".md", ".markdown", ".html") and p.parent != corpus
    )


def test_every_corpus_post_converts_cleanly(corpus: Path) -> None:
    posts = _corpus_posts(corpus)
    assert len(posts) > 100
    for path in posts:
        parsed = parse_post(path.read_bytes(), path.name, mtime_ns=0)
        result = to_markdown(parsed.body, parsed.post.format)
        assert not UNSAFE.search(result.markdown), path
        assert result.notice is None, (path, result.notice)
        if parsed.body.strip() and parsed.post.format == "markdown":
            assert result.markdown.strip(), path


def test_corpus_hexo_tags_are_readable(corpus: Path) -> None:
    posts = corpus / "hexojs+site" / "source" / "_posts"
    if not posts.is_dir():
        pytest.skip("hexojs+site not in this corpus")
    for path in posts.glob("*.md"):
        parsed = parse_post(path.read_bytes(), path.name, mtime_ns=0)
        out = to_markdown(parsed.body, parsed.post.format).markdown
        outside_code = _strip_code(out)
        assert "{% endnote %}" not in outside_code, path
        assert "{% endcodeblock %}" not in outside_code, path
        assert "<!-- more -->" not in outside_code, path


def _strip_code(markdown: str) -> str:
    markdown = re.sub(r"(?ms)^\s*(```+|~~~+).*?^\s*\1\s*$", "", markdown)
    return re.sub(r"(`+)[^\n]*?\1", "", markdown)


def test_corpus_html_posts_lose_no_text(corpus: Path) -> None:
    root = corpus / "rsshub-page"
    if not root.is_dir():
        pytest.skip("rsshub-page not in this corpus")
    for path in _corpus_posts(root):
        parsed = parse_post(path.read_bytes(), path.name, mtime_ns=0)
        assert parsed.post.format == "html", path
        out = to_markdown(parsed.body, "html").markdown
        assert "<div" not in out and "<p>" not in out, path
