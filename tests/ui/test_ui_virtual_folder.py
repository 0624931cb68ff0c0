"""A virtual folder added by one registry entry shows in the folder tree with its counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.store import folder_queries
from reader.widgets.folder_tree import FolderTree
from tests.core.test_virtual_folders import UNTAGGED, make_site
from tests.factories import headless_app, open_synced
from tests.ui_helpers import async_test


@async_test
async def _shown_labels(site: Path, data: Path) -> None:
    async with headless_app(site, data) as (app, _pilot, _library):
        tree = app.screen.query_one(FolderTree)
        labels = [str(node.label) for node in tree.root.children]
        assert any(label.startswith("Untagged") and "2/2" in label for label in labels), labels


def test_the_new_folder_shows_in_the_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        folder_queries, "VIRTUAL_FOLDERS", (*folder_queries.VIRTUAL_FOLDERS, UNTAGGED)
    )
    site = make_site(tmp_path / "site")
    open_synced(site, tmp_path / "data").close()
    _shown_labels(site, tmp_path / "data")
