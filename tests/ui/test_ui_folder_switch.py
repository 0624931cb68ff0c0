"""A folder whose posts are not kept yet is read off the UI thread: the tree moves at once and
the list follows."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from reader.core.library import Folder
from reader.core.library.post_lists import PostLists
from tests.ui_helpers import (
    async_test,
    row_titles,
    running_main,
    select_folder,
    settle,
    site_and_data,
)


@async_test
async def test_a_folder_not_listed_yet_is_read_on_a_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    read_on: list[str] = []
    real_ids = PostLists.ids

    def recorded(self: PostLists, folder: Folder, *args: object) -> object:
        if folder.kind == "unread":
            read_on.append(threading.current_thread().name)
        return real_ids(self, folder, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(PostLists, "ids", recorded)
    async with running_main(*site_and_data(tmp_path)) as (app, pilot, screen):
        await pilot.press("enter", "q")  # one post read: Unread lists the other three
        await settle(app, pilot)
        await select_folder(pilot, screen, Folder("unread"))
        await settle(app, pilot)
        assert read_on and threading.main_thread().name not in read_on
        assert screen.folder == Folder("unread")
        assert len(row_titles(screen)) == 3 and screen.posts.cursor == 0
