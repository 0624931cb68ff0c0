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

    life = Folder("category", ("Life",))

    def recorded(self: PostLists, folder: Folder, *args: object) -> object:
        if folder == life:
            read_on.append(threading.current_thread().name)
        return real_ids(self, folder, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(PostLists, "ids", recorded)
    async with running_main(*site_and_data(tmp_path)) as (app, pilot, screen):
        await select_folder(pilot, screen, life)
        await settle(app, pilot)
        assert read_on and threading.main_thread().name not in read_on
        assert screen.folder == life
        assert len(row_titles(screen)) == 2 and screen.posts.cursor == 0


@async_test
async def test_unread_is_listed_at_once_from_the_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No id list is read for Unread's first screen (its count and rows come from the
    index), and a post read while it is shown keeps its place until Unread is listed again."""
    read_ids: list[Folder] = []
    real_ids = PostLists.ids

    def recorded(self: PostLists, folder: Folder, *args: object) -> object:
        read_ids.append(folder)
        return real_ids(self, folder, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(PostLists, "ids", recorded)
    async with running_main(*site_and_data(tmp_path)) as (app, pilot, screen):
        await pilot.press("enter", "q")  # one post read: Unread lists the other three
        await settle(app, pilot)
        await select_folder(pilot, screen, Folder("unread"))
        await settle(app, pilot)
        assert Folder("unread") not in read_ids
        titles = row_titles(screen)
        assert len(titles) == 3 and screen.posts.cursor == 0
        await pilot.press("m")  # read here: it stays, shown read
        await settle(app, pilot)
        assert row_titles(screen) == titles and screen.posts.row(0).read  # type: ignore[union-attr]
