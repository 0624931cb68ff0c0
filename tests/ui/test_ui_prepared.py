"""Posts rendered ahead: the one the list's cursor rests on (narrow screen) opens without
rendering, unless its text or colours changed since."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from reader.core.config import Config
from reader.core.library import Folder
from reader.screens.cursor_rest import PREPARE_DELAY
from reader.widgets import article_paint, article_prepared, article_render
from reader.widgets.article_document import Chunk, Document, Line
from reader.widgets.article_loader import FIRST_SCREEN_HERE_CHARS, render_chunks
from reader.widgets.article_prepared import PreparedPosts
from tests.factories import write_post
from tests.ui_helpers import async_test, running_main, screen_lines, settle, site_and_data


class _Renders:
    """Counts the blocks of posts rendered (each still renders)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        real = article_render.render_block

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(article_render, "render_block", counted)


async def _rest_on_second_post(app, pilot, screen) -> str:  # type: ignore[no-untyped-def]
    await pilot.press("down")
    await pilot.pause(PREPARE_DELAY * 2)
    await settle(app, pilot)
    current = screen.posts.current
    assert current is not None
    return current.path


@async_test
async def test_the_post_under_a_resting_cursor_opens_without_rendering(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running_main(*site_and_data(tmp_path), size=(80, 24)) as (app, pilot, screen):
        path = await _rest_on_second_post(app, pilot, screen)
        renders = _Renders(monkeypatch)
        await pilot.press("enter")
        await settle(app, pilot)
        assert renders.count == 0
        assert screen.reading and screen.article.path == path
        assert screen.article.rendering_complete
        assert any("More text." in line for line in screen_lines(app))
        assert app.library.posts(screen.folder).rows(0, 10)[1].read  # opened for real


@async_test
async def test_the_post_under_a_resting_cursor_opens_without_reading_its_text_again(
    tmp_path: Path,
) -> None:
    """Its article comes from the rendering kept (one stat of its file), not from the store:
    each query waits for the GIL while a worker renders on (~10 ms of the key at 10k posts)."""
    async with running_main(*site_and_data(tmp_path), size=(80, 24)) as (app, pilot, screen):
        path = await _rest_on_second_post(app, pilot, screen)
        statements: list[str] = []
        app.library._readers.set_trace_callback(statements.append)
        await pilot.press("enter")
        app.library._readers.set_trace_callback(None)
        await settle(app, pilot)
        assert screen.article.path == path and screen.article.rendering_complete
        assert not [s for s in statements if "converted" in s or "FROM posts WHERE path = " in s]


@async_test
async def test_the_first_screen_of_a_post_rendered_ahead_is_painted_ahead_as_the_pane_paints_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running_main(*site_and_data(tmp_path), size=(80, 24)) as (app, pilot, screen):
        await pilot.press("enter", "q")  # a post read: the pane's width and base style known
        await settle(app, pilot)
        path = await _rest_on_second_post(app, pilot, screen)
        painted: list[int] = []
        real = article_paint.paint_line

        def counted(*args: Any, **kwargs: Any) -> Any:
            painted.append(1)
            return real(*args, **kwargs)

        monkeypatch.setattr(article_paint, "paint_line", counted)
        adopted: dict[int, object] = {}
        real_adopt = article_paint.PaintedLines.adopt

        def kept(self: article_paint.PaintedLines, made_for: Any, strips: Any) -> None:
            adopted.update(strips)
            real_adopt(self, made_for, strips)

        monkeypatch.setattr(article_paint.PaintedLines, "adopt", kept)
        await pilot.press("enter")
        await settle(app, pilot)
        article = screen.article
        assert article.path == path and adopted
        assert painted == []  # the key's frame painted no line of the post
        monkeypatch.setattr(article_paint, "paint_line", real)
        article._painted.clear()  # painted now, on this thread, as the pane would
        again = [article.render_line(y) for y in range(len(adopted))]
        assert [list(line) for line in again] == [list(adopted[y]) for y in range(len(adopted))]


@async_test
async def test_a_post_changed_after_its_rendering_ahead_shows_the_new_text(
    tmp_path: Path,
) -> None:
    site, data = site_and_data(tmp_path)
    async with running_main(site, data, size=(80, 24)) as (app, pilot, screen):
        path = await _rest_on_second_post(app, pilot, screen)
        write_post(site / "source" / "_posts", path, "Changed", body="\nA new paragraph, longer.\n")
        await pilot.press("enter")
        await settle(app, pilot)
        text = "\n".join(screen_lines(app))
        assert "A new paragraph, longer." in text and "More text." not in text


@async_test
async def test_a_post_rendered_ahead_in_other_colours_is_rendered_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running_main(*site_and_data(tmp_path), size=(80, 24)) as (app, pilot, screen):
        await _rest_on_second_post(app, pilot, screen)
        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await settle(app, pilot)
        renders = _Renders(monkeypatch)
        await pilot.press("enter")
        await settle(app, pilot)
        assert renders.count > 0 and screen.article.rendering_complete


@async_test
async def test_marked_read_at_the_end_only_once_there_when_rendered_ahead(tmp_path: Path) -> None:
    site, data = site_and_data(tmp_path)
    long_body = "".join(f"Paragraph {n} of a post longer than the screen.\n\n" for n in range(60))
    write_post(site / "source" / "_posts", "gamma.md", "Gamma", date="2024-01-03", body=long_body)
    config = Config(mark_read_on="end", search_index="on_search")
    async with running_main(site, data, size=(80, 24), config=config) as (app, pilot, screen):
        path = await _rest_on_second_post(app, pilot, screen)
        assert path == "gamma.md"
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen.article.rendering_complete and not _read(app, path)
        await pilot.press("G")
        await settle(app, pilot)
        assert _read(app, path)


def _read(app: Any, path: str) -> bool:
    rows = app.library.posts(Folder("all")).rows(0, 10)
    return next(row.read for row in rows if row.path == path)


@async_test
async def test_a_head_rendered_ahead_opens_with_it_and_renders_on_from_its_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A post longer than what is kept whole: its head is kept, shown when it is opened, and
    the rest renders after it, to the same lines and link numbers as a rendering from the top."""
    monkeypatch.setattr(article_prepared, "LONGEST", 40)
    site, data = site_and_data(tmp_path)
    line = "Paragraph {n}, see [page {n}](https://example.com/{n}).\n\n"
    body = "".join(line.format(n=n) for n in range(90))
    write_post(site / "source" / "_posts", "gamma.md", "Gamma", date="2024-01-03", body=body)
    async with running_main(site, data, size=(80, 24)) as (app, pilot, screen):
        path = await _rest_on_second_post(app, pilot, screen)
        renders = _Renders(monkeypatch)
        screen.open_post(path)
        head = screen.article._doc
        assert head is not None and len(head.lines) >= 40 and renders.count == 0  # shown as kept
        await settle(app, pilot)
        doc = screen.article._doc
        assert doc is head and doc.complete
        assert 0 < renders.count < doc.total_blocks  # the head's blocks were not rendered again
        fresh = Document(path, doc.article, doc.width, look=doc.look)
        for chunk, done in render_chunks(fresh, screen.article._request(path), lambda: True):
            fresh.add(chunk, done)
        assert _text(doc.lines) == _text(fresh.lines) and doc.links == fresh.links
        assert [link.number for link in doc.links] == list(range(1, 91))


def _text(lines: list[Line]) -> list[str]:
    return ["".join(segment.text for segment in line) for line in lines]


@async_test
async def test_a_post_too_big_to_convert_at_once_opens_rendered_ahead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A post file over the size converted on the UI thread is converted in the worker that
    renders it ahead; opened, it shows that rendering: no worker loads it again."""
    site, data = site_and_data(tmp_path)
    body = "".join(f"段落 {n}：" + "一个比屏幕更长的帖子。" * 4 + "\n\n" for n in range(300))
    write_post(site / "source" / "_posts", "gamma.md", "Gamma", date="2024-01-03", body=body)
    assert (site / "source/_posts/gamma.md").stat().st_size > FIRST_SCREEN_HERE_CHARS
    async with running_main(site, data, size=(80, 24)) as (app, pilot, screen):
        path = await _rest_on_second_post(app, pilot, screen)
        assert path == "gamma.md"
        renders = _Renders(monkeypatch)
        loads: list[str] = []
        monkeypatch.setattr(app.library, "article", lambda path: loads.append(path))
        await pilot.press("enter")
        await settle(app, pilot)
        assert renders.count == 0 and loads == []
        assert screen.article.rendering_complete and "段落 0" in "\n".join(screen_lines(app))


@async_test
async def test_a_post_opened_while_rendered_ahead_waits_for_that_first_screen(
    tmp_path: Path,
) -> None:
    """No second rendering of what the worker is rendering: the opening waits for its first
    screen; not for a worker rendering another post, nor when none is."""
    async with running_main(*site_and_data(tmp_path), size=(80, 24)) as (app, _pilot, screen):
        path = "beta.md"
        request = screen.article._request(path)
        article = app.library.article(path)
        doc = Document(path, article, request.width, look=request.look)
        chunk, done = next(render_chunks(doc, request, lambda: True))
        doc.add(chunk, done)

        def kept_after(rendering: str | None, wait: float) -> tuple[Chunk, bool] | None:
            """What opening finds when a worker rendering `rendering` keeps `doc` soon."""
            prepared = PreparedPosts(app.library)
            prepared._rendering = None if rendering is None else (rendering, object())

            def worker_keeps_it() -> None:
                with prepared._changed:
                    prepared._keep(doc)
                    prepared._changed.notify_all()

            threading.Timer(0.05, worker_keeps_it).start()
            return prepared.kept(request, article, wait=wait)

        kept = kept_after(path, wait=60)
        assert kept is not None and len(kept[0].lines) == len(doc.lines)
        assert kept_after(None, wait=60) is None
        assert kept_after("other.md", wait=60) is None
