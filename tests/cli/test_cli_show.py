"""`reader show FILE`: sanitized converted Markdown on stdout, clear exit codes."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

from reader.cli import main
from tests.conftest import run_reader

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

HEXO_POST = """---
title: "Tags \\e]0;evil\\a [@click=app.quit] [/]"
date: 2020-04-01 09:30:00
categories:
  - [Diary, School]
  - Notes
tags: [a, b]
author: Someone
link: https://blog.example/p/1
---
Intro <!-- more -->

{% codeblock lang:py %}
print("hi")
{% endcodeblock %}

{% post_link other-post Other %}
"""

HTML_POST = """
---
title: Feed item
categories:
  - 新媒体
  - 36kr
date: 2022-03-25 00:00:00
---
<div>   <p>Hello <b>feed</b> &#x1b;]52;c;aGk=&#x07;<img src="https://x.example/pic.jpg"></p>
<script>alert(1)</script></div>
"""


@pytest.fixture
def hexo(tmp_path: Path) -> Path:
    posts = tmp_path / "blog" / "source" / "_posts" / "folder"
    posts.mkdir(parents=True)
    (tmp_path / "blog" / "_config.yml").write_text("timezone: Asia/Tokyo\n", encoding="utf-8")
    (posts / "hello.md").write_text(HEXO_POST, encoding="utf-8")
    (posts / "feed.md").write_text(HTML_POST, encoding="utf-8")
    return tmp_path / "blog"


def show(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["show", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_show_hexo_post_with_header(hexo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = show(str(hexo / "source/_posts/folder/hello.md"), capsys=capsys)
    assert code == 0, err
    assert not UNSAFE.search(out)
    lines = out.split("\n")
    assert lines[0] == "# Tags [@click=app.quit] [/]"
    assert "- Date: 2020-04-01 00:30 UTC" in lines  # naive date read in the site's timezone
    assert "- Author: Someone" in lines
    assert "- Categories: Diary › School; Notes" in lines
    assert "- Tags: a, b" in lines
    assert "- Source: <https://blog.example/p/1>" in lines
    assert '```py\nprint("hi")\n```' in out
    assert "[Other](post:other-post)" in out
    assert "<!--" not in out and "{%" not in out


def test_show_body_only(hexo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = show(str(hexo / "source/_posts/folder/hello.md"), "--body-only", capsys=capsys)
    assert code == 0
    assert out.startswith("Intro")
    assert "- Date:" not in out


def test_show_html_post(hexo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = show(
        str(hexo / "source/_posts/folder/feed.md"), "--library", str(hexo), capsys=capsys
    )
    assert code == 0
    assert not UNSAFE.search(out)
    assert "Hello **feed**" in out
    assert "[image: pic.jpg]" in out
    assert "alert" not in out and "52;" not in out and "<div" not in out
    assert "- Categories: 新媒体 › 36kr" in out


def test_show_folder_post_without_site(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    note = tmp_path / "2021-09-13-a-note.md"
    note.write_text("Just text, no front matter.\n", encoding="utf-8")
    code, out, _ = show(str(note), capsys=capsys)
    assert code == 0
    assert out.startswith("# ")
    assert out.endswith("Just text, no front matter.\n")


def test_show_jekyll_date_from_file_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    posts = tmp_path / "site" / "_posts"
    posts.mkdir(parents=True)
    post = posts / "2019-05-14-release.markdown"
    post.write_text("---\ntitle: Release\ncategory: News\n---\nBody\n", encoding="utf-8")
    code, out, _ = show(str(post), capsys=capsys)
    assert code == 0
    assert "- Date: 2019-05-14 00:00 UTC" in out
    assert "- Categories: News" in out


def test_missing_file_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = show(str(tmp_path / "nope.md"), capsys=capsys)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert "no such file" in err


def test_folder_and_fifo_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert show(str(tmp_path), capsys=capsys)[0] == 2
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    code, _, err = show(str(fifo), capsys=capsys)  # must not hang on open
    assert code == 2
    assert "not a regular file" in err


def test_bad_library_exit_2(hexo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    post = str(hexo / "source/_posts/folder/hello.md")
    code, _, err = show(post, "--library", str(tmp_path / "missing"), capsys=capsys)
    assert code == 2 and "no such folder" in err
    other = tmp_path / "other"
    other.mkdir()
    code, _, err = show(post, "--library", str(other), capsys=capsys)
    assert code == 2 and "not inside the library" in err


def test_binary_file_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    binary = tmp_path / "blob.md"
    binary.write_bytes(bytes(range(256)) * 64)
    code, out, err = show(str(binary), capsys=capsys)
    assert code == 1
    assert out == ""
    assert "not text" in err


def test_escape_in_file_name_is_sanitized(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = show(str(tmp_path / "evil\x1b]0;x\x07.md"), capsys=capsys)
    assert code == 2
    assert not UNSAFE.search(err.replace("\n", ""))


def test_non_utf8_file_name(tmp_path: Path) -> None:
    name = os.fsencode(tmp_path) + b"/caf\xe9.md"
    with open(name, "wb") as handle:
        handle.write(b"---\ntitle: Cafe\n---\nbody\n")
    result = run_reader("show", os.fsdecode(name), timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# Cafe\n")


def test_too_large_notice_on_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    big = tmp_path / "big.md"
    big.write_text("---\ntitle: Big\n---\n" + "line of text\n" * 200_000, encoding="utf-8")
    code, out, err = show(str(big), "--body-only", capsys=capsys)
    assert code == 0
    assert "too large: showing the first 2 MiB" in err
    assert 0 < len(out) <= 2 * 1024 * 1024


@pytest.mark.slow  # a process of its own (see the marker)
def test_unreadable_file_exit_2(tmp_path: Path) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text("---\ntitle: s\n---\nx\n", encoding="utf-8")
    secret.chmod(0)
    tmp_path.chmod(0o755)
    result = run_reader("show", str(secret), unprivileged_user=True, timeout=60)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "permission denied" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.slow  # a process of its own (see the marker)
def test_subprocess_help_and_usage() -> None:
    result = run_reader("show", timeout=60)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    result = run_reader("show", "--help", timeout=60)
    assert result.returncode == 0 and "--body-only" in result.stdout


def test_show_corpus_posts(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = corpus / "rsshub-page"
    if not root.is_dir():
        pytest.skip("rsshub-page not in this corpus")
    posts = sorted(root.rglob("*.md"))[:20]
    for post in posts:
        code, out, err = show(str(post), capsys=capsys)
        assert code == 0, (post, err)
        assert not UNSAFE.search(out), post
        parts = post.relative_to(root / "source" / "_posts").parts[:-1]
        # the front-matter path (folders are sanitized names of it: compare the top level)
        assert f"- Categories: {parts[0]} › " in out, post


@pytest.mark.slow  # a process of its own (see the marker)
@pytest.mark.skipif(sys.platform != "linux", reason="FIFO and setpriv checks are Linux-only")
def test_subprocess_show_exit_codes(hexo: Path) -> None:
    ok = run_reader("show", str(hexo / "source/_posts/folder/feed.md"), timeout=60)
    assert ok.returncode == 0 and ok.stdout.startswith("# Feed item\n")
    missing = run_reader("show", str(hexo / "missing.md"), timeout=60)
    assert missing.returncode == 2
    assert missing.stderr.startswith("reader: no such file")
