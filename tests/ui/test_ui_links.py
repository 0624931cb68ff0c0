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
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("BROWSER", raising=False)
    monkeypatch.setattr(linkopen, "opener_command", lambda: ["/usr/bin/xdg-open"])
    monkeypatch.setattr(linkopen, "launch", started.append)
    url = "https://example.org/a;b&c=$(touch x)`id`"
    assert open_external(url) == f"Opening {url}"
    assert started == [["/usr/bin/xdg-open", url]]
    assert open_external("javascript:alert(1)").startswith("Refused")
    assert len(started) == 1


def test_without_an_opener_the_url_is_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("BROWSER", raising=False)
    monkeypatch.setattr(linkopen, "opener_command", lambda: None)
    message = open_external("https://example.org/x")
    assert "https://example.org/x" in message and "No browser" in message


# -- the link list in the app -------------------------------------------------------------

from test_ui_article import async_test, hosted, settle, show  # noqa: E402
from test_ui_article import site as site  # noqa: E402  (the fixture)

from reader.screens.links import LinksScreen  # noqa: E402
from reader.widgets.article_view import ArticleView  # noqa: E402


def _notes(app: object) -> list[str]:
    return [n.message for n in app._notifications]  # type: ignore[attr-defined]


@pytest.fixture
def launched(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    started: list[list[str]] = []
    monkeypatch.setenv("DISPLAY", ":0")  # a desktop session, with its opener
    monkeypatch.delenv("BROWSER", raising=False)
    monkeypatch.setattr(linkopen, "opener_command", lambda: ["/usr/bin/xdg-open"])
    monkeypatch.setattr(linkopen, "launch", started.append)
    return started


@async_test
async def test_link_list_shows_targets_and_refuses_javascript(
    site: Path, tmp_path: Path, launched: list[list[str]]
) -> None:
    async with hosted(site, tmp_path / "data") as (app, pilot, view):
        await show(pilot, view, "long.md")
        await pilot.press("l")
        screen = app.screen
        assert isinstance(screen, LinksScreen)
        await pilot.press("3")
        shown = str(screen.query_one("#links-target").render())
        assert shown.startswith("refused: javascript:")
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, LinksScreen)
        assert any(n.startswith("Link refused: javascript:") for n in _notes(app))
        for number in ("4", "6"):  # file: and a link out of the library root
            await pilot.press("l", number, "enter")
            await pilot.pause()
        assert any("file: links are not opened" in n for n in _notes(app))
        assert any("not a post of this library" in n for n in _notes(app))
        assert launched == []
        assert view.path == "long.md"


@async_test
async def test_web_link_opens_with_the_system_opener_after_showing_it(
    site: Path, tmp_path: Path, launched: list[list[str]]
) -> None:
    async with hosted(site, tmp_path / "data") as (app, pilot, view):
        await show(pilot, view, "long.md")
        await pilot.press("l")
        shown = str(app.screen.query_one("#links-target").render())
        assert shown == "opens outside: https://example.org/page?a=1"
        await pilot.press("enter")
        await pilot.pause()
        assert launched == [["/usr/bin/xdg-open", "https://example.org/page?a=1"]]
        assert "Opening https://example.org/page?a=1" in _notes(app)


@async_test
async def test_post_link_opens_in_reader_and_backspace_goes_back(
    site: Path, tmp_path: Path
) -> None:
    async with hosted(site, tmp_path / "data") as (app, pilot, view):
        await show(pilot, view, "long.md")
        await pilot.press("l", "5")
        assert str(app.screen.query_one("#links-target").render()) == "opens in reader: other.md"
        await pilot.press("enter")
        await settle(pilot)
        assert view.path == "other.md"
        assert [m.path for m in app.messages if isinstance(m, ArticleView.OpenPost)] == ["other.md"]
        await pilot.press("backspace")
        await settle(pilot)
        assert view.path == "long.md"


@async_test
async def test_anchor_link_jumps_to_its_section(site: Path, tmp_path: Path) -> None:
    async with hosted(site, tmp_path / "data") as (_app, pilot, view):
        await show(pilot, view, "long.md")
        await pilot.press("l", "7", "enter")
        await pilot.pause()
        assert view.current_section() == ("Middle part", "middle-part")


@async_test
async def test_y_copies_the_post_url_or_the_chosen_link(site: Path, tmp_path: Path) -> None:
    async with hosted(site, tmp_path / "data") as (app, pilot, view):
        await show(pilot, view, "long.md")
        await pilot.press("y")
        assert app.clipboard == "https://example.org/long"
        assert "Copied: https://example.org/long" in _notes(app)
        await pilot.press("l", "2", "y")
        assert app.clipboard == "mailto:me@example.org"
        assert "Copied: mailto:me@example.org" in _notes(app)
