"""With a data dir that cannot be written, every write action says it was not saved, and the
row shows its mark as unsaved: the core reports whether each write persisted. Real files, the
real app (Pilot, headless) in a subprocess without root's permission override."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from reader.core.library import Folder, Library
from reader.core.paths import StorePaths
from reader.worker_wait import wait_until_ended
from tests.conftest import run_reader, unprivileged

pytestmark = pytest.mark.slow
HERE = Path(__file__).resolve()


def _core_writes(site: Path, data: Path) -> dict[str, Any]:
    library = Library.open(site, paths=StorePaths.default(data))
    try:
        for _ in library.sync():
            pass
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
    from reader.app import ReaderApp
    from reader.core.config import Config
    from tests.ui_helpers import main_screen

    paths = StorePaths.default(data)
    library = Library.open(site, paths=paths)
    app = ReaderApp(library, Config(), paths=paths)
    said: dict[str, list[str]] = {}

    def notes() -> list[str]:
        return [str(n.message) for n in app._notifications]

    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until_ended(app.workers)
        await pilot.pause()
        before = len(notes())
        await pilot.press("m")
        await pilot.pause()
        said["m"] = notes()[before:]
        before = len(notes())
        await pilot.press("u")
        await pilot.pause()
        said["u"] = notes()[before:]
        await pilot.press("enter")
        await wait_until_ended(app.workers)
        await pilot.pause()
        before = len(notes())
        await pilot.press("b")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        said["b"] = notes()[before:]
        row = main_screen(app).posts.current
        await pilot.press("q", "q")
    library.close()
    return {"said": said, "row_unsaved": row is not None and row.unsaved}


def _read_only(site: Path, data: Path, mode: str) -> dict[str, Any]:
    Library.open(site, paths=StorePaths.default(data)).close()
    for path in [data, *data.rglob("*")]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        out = subprocess.run(
            unprivileged([sys.executable, str(HERE), mode, str(site), str(data)]),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    finally:
        for path in [data, *data.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
    assert out.returncode == 0, out.stderr[-3000:]
    result: dict[str, Any] = json.loads(out.stdout.splitlines()[-1])
    return result


@pytest.fixture
def site(tmp_path: Path) -> Path:
    from tests.ui_helpers import make_site

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
    for path in [data, *data.rglob("*")]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        added = run_reader(
            "--data-dir", str(data), "bookmarks", "add", str(post), unprivileged_user=True
        )
    finally:
        for path in [data, *data.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
    assert added.returncode == 1
    assert "not saved" in added.stderr and "Bookmarked" not in added.stdout


if __name__ == "__main__":
    mode, site_arg, data_arg = sys.argv[1:4]
    if mode == "core":
        print(json.dumps(_core_writes(Path(site_arg), Path(data_arg))))
    else:
        print(json.dumps(asyncio.run(_app_writes(Path(site_arg), Path(data_arg)))))
