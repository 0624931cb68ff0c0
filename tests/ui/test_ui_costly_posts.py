"""Posts too costly to lay out open in the app as text with a note (issue 13.8): 1,000 nested
lists, a 5,000-row table, a one-megabyte word. The decision is a cap on the source (see
article_render.too_costly), so the test asserts what is shown, never how long it took."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.widgets.article_view import ArticleView
from tests.conftest import sweep
from tests.ui_helpers import PostSpec, async_test, main_screen, make_site, running_app, settle

COSTLY = {
    "lists.md": "".join("  " * i + f"- item {i}\n" for i in range(1000)),
    "table.md": "| a | b |\n|---|---|\n" + "| 1 | 2 |\n" * 5000,
    "word.md": "é" * 1_000_000,
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    posts = [
        PostSpec(name, name, f"2024-01-0{i + 1} 10:00:00", ["A"], body)
        for i, (name, body) in enumerate(COSTLY.items())
    ]
    return make_site(tmp_path_factory.mktemp("costly") / "site", posts)


@pytest.mark.parametrize("name", sweep(sorted(COSTLY)))
@async_test
async def test_a_costly_post_opens_as_text_with_a_note(
    site: Path, tmp_path: Path, name: str
) -> None:
    async with running_app(site, tmp_path / "data", size=(100, 30)) as (app, pilot):
        main_screen(app).open_post(name)
        await settle(app, pilot)
        view = main_screen(app).query_one(ArticleView)
        assert view.path == name and view.rendering_complete
        doc = view._doc
        assert doc is not None
        text = " ".join("".join(s.text for s in line).strip() for line in doc.lines)
        assert "shown as text:" in text
        assert COSTLY[name].split("\n", 1)[0][:40] in text
        assert app.is_running
