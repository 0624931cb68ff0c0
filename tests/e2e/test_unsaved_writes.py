"""With a data dir that cannot be written, every write action says it was not saved, and the
row shows its mark as unsaved: the core reports whether each write persisted. Real files, the
real app (Pilot, headless) in a subprocess without root's permission override."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from reader.core.library import Folder, Library
from reader.core.paths import StorePaths
from tests.conftest import run_reader, unprivileged
from tests.factories import (
    headless_app,
    notification_ids,
    notifications_since,
    open_synced,
    read_only,
    run_script,
    script_command,
)
from tests.ui_helpers import idle, main_screen, make_site

pytestmark = pytest.mark.slow
HERE = Path(__file__).resolve()


def _core_writes(site: Path, data: Path) -> dict[str, Any]:
    library = open_synced(site, data)
    try:
        first, second = (row.path for row in library.posts(Folder("all")).rows(0, 2))
        bookmark = library.add_bookmark(first, note="n")
        saved = {
            "mark_read": library.mark_read(first),
            "mark_folder_read": library.mark_folder_read(Folder("all")).saved,
            "save_position": library.save_position(first, 3),
            "add_bookmark": bookmark.saved,
            "set_bookmark_note": library.set_bookmark_note(first, "m"),
            "remove_bookmark": library.remove_bookmark(first),
            "undo": (library.undo() or pytest.fail("nothing undone")).saved,
        }
        library.add_bookmark(second)
        row = next(r for r in library.posts(Folder("all")).rows(0, 10) if r.path == second)
        return {"saved": saved, "row_unsaved": row.unsaved}
    finally:
        library.close()


async def _app_writes(site: Path, data: Path) -> dict[str, Any]:
    said: dict[str, list[str]] = {}
    async with headless_app(site, data, size=(120, 30)) as (app, pilot, _library):
        before = notification_ids(app)
        await pilot.press("m")
        await pilot.pause()
        said["m"] = notifications_since(app, before)
        before = notification_ids(app)
        await pilot.press("u")
        await pilot.pause()
        said["u"] = notifications_since(app, before)
        await pilot.press("enter")
        await idle(pilot)
        before = notification_ids(app)
        await pilot.press("b")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        said["b"] = notifications_since(app, before)
        row = main_screen(app).posts.current
        await pilot.press("q", "q")
    return {"said": said, "row_unsaved": row is not None and row.unsaved}


def _read_only(site: Path, data: Path, mode: str) -> dict[str, Any]:
    Library.open(site, paths=StorePaths.default(data)).close()
    with read_only(data):
        return run_script(unprivileged(script_command(HERE, mode, str(site), str(data))))


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(tmp_path / "site")


def test_the_core_reports_writes_that_did_not_persist(site: Path, tmp_path: Path) -> None:
    result = _read_only(site, tmp_path / "data", "core")
    assert result["saved"] == dict.fromkeys(result["saved"], False)
    assert result["row_unsaved"] is True
    fine = _core_writes(site, tmp_path / "writable")
    assert fine["saved"] == dict.fromkeys(fine["saved"], True)
    assert fine["row_unsaved"] is False


def test_every_write_action_in_the_app_says_it_was_not_saved(site: Path, tmp_path: Path) -> None:
    result = _read_only(site, tmp_path / "data", "app")
    said = result["said"]
    for key in ("m", "u", "b"):
        assert any("not saved" in message.lower() for message in said[key]), (key, said)
    assert not any(m.startswith("Bookmarked:") for m in said["b"]), said["b"]
    assert result["row_unsaved"] is True


def test_the_cli_says_a_bookmark_was_not_saved(site: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    Library.open(site, paths=StorePaths.default(data)).close()
    post = site / "source" / "_posts" / "alpha.md"
    with read_only(data):
        added = run_reader(
            "--data-dir", str(data), "bookmarks", "add", str(post), unprivileged_user=True
        )
    assert added.returncode == 1
    assert "not saved" in added.stderr and "Bookmarked" not in added.stdout


if __name__ == "__main__":
    mode, site_arg, data_arg = sys.argv[1:4]
    if mode == "core":
        print(json.dumps(_core_writes(Path(site_arg), Path(data_arg))))
    else:
        print(json.dumps(asyncio.run(_app_writes(Path(site_arg), Path(data_arg)))))
