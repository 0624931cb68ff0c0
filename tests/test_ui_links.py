"""Links: only http/https/mailto leave the app, through an argument list; the rest is refused."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reader import linkopen
from reader.linkopen import classify, open_external


@pytest.fixture
def root(tmp_path: Path) -> Path:
    posts = tmp_path / "posts"
    (posts / "2024").mkdir(parents=True)
    (posts / "2024" / "a.md").write_text("# a\n", encoding="utf-8")
    (posts / "2024" / "b.md").write_text("# b\n", encoding="utf-8")
    (posts / "guide" / "intro").mkdir(parents=True)
    (posts / "guide" / "intro" / "index.md").write_text("# i\n", encoding="utf-8")
    (posts / "空 白.md").write_text("# c\n", encoding="utf-8")
    (tmp_path / "outside.md").write_text("# secret\n", encoding="utf-8")
    os.symlink(tmp_path / "outside.md", posts / "escape.md")
    return posts


@pytest.mark.parametrize(
    "href",
    ["https://example.org/a?b=c#d", "http://example.org", "mailto:me@example.org", "HTTPS://X.ORG"],
)
def test_web_and_mail_links_open_outside(root: Path, href: str) -> None:
    target = classify(href, root=str(root), post_path="2024/a.md")
    assert target.kind == "external"
    assert target.describe().startswith("opens outside: ")


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "file:///etc/passwd",
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:msgbox",
        "ftp://example.org/x",
        "//evil.example/x",
        "https:///nohost",
        "\x1b]52;c;aGk=\x07javascript:x",
        "",
    ],
)
def test_other_links_are_refused_with_a_reason(root: Path, href: str) -> None:
    target = classify(href, root=str(root), post_path="2024/a.md")
    assert target.kind == "refused"
    assert target.reason
    assert "\x1b" not in target.describe() and "\x07" not in target.describe()


def test_relative_links_open_posts_inside_the_root_only(root: Path) -> None:
    def kind_value(href: str) -> tuple[str, str]:
        target = classify(href, root=str(root), post_path="2024/a.md")
        return target.kind, target.value

    assert kind_value("b.md") == ("post", "2024/b.md")
    assert kind_value("./b.md#part") == ("post", "2024/b.md")
    assert classify("b.md#part", root=str(root), post_path="2024/a.md").anchor == "part"
    assert kind_value("/2024/b.md") == ("post", "2024/b.md")
    assert kind_value("../guide/intro/") == ("post", "guide/intro/index.md")
    assert kind_value("../2024/b") == ("post", "2024/b.md")
    assert kind_value("../%E7%A9%BA%20%E7%99%BD.md") == ("post", "空 白.md")
    assert kind_value("../../outside.md")[0] == "refused"
    assert kind_value("/../outside.md")[0] == "refused"
    assert kind_value("../escape.md")[0] == "refused"  # a symlink that leaves the root
    assert kind_value("missing.md")[0] == "refused"


def test_anchor_links_jump_inside_the_article(root: Path) -> None:
    target = classify("#second-part", root=str(root), post_path="2024/a.md")
    assert (target.kind, target.value) == ("anchor", "second-part")


def test_external_links_start_the_opener_with_an_argument_list(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    started: list[list[str]] = []
    monkeypatch.setattr(linkopen, "opener_command", lambda: ["/usr/bin/xdg-open"])
    monkeypatch.setattr(linkopen, "launch", started.append)
    url = "https://example.org/a;b&c=$(touch x)`id`"
    assert open_external(url) == f"Opening {url}"
    assert started == [["/usr/bin/xdg-open", url]]
    assert open_external("javascript:alert(1)").startswith("Refused")
    assert len(started) == 1


def test_without_an_opener_the_url_is_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(linkopen, "opener_command", lambda: None)
    message = open_external("https://example.org/x")
    assert "https://example.org/x" in message and "No system opener" in message
