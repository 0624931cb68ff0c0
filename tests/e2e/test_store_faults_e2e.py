"""Store faults seen from the app and the command line: a clear notice, no committed state lost.

STORE unit-tests the store itself; these run the real app (Textual's Pilot, headless) or the
CLI in a subprocess against a real fault:

- full disk: a real 2 MiB tmpfs mounted over the data dir in a private mount namespace
  (`unshare -Urm` unprivileged, `unshare -m` as root), filled up while the app runs;
- read-only data dir: chmod 555, the app run unprivileged (CI runs as root);
- corrupt state.db / index.db: garbage written over the files;
- a stale WAL: a process killed with SIGKILL right after committing;
- two instances writing at once.

Every case first commits state (read marks, a bookmark with a note, a position) through the
Library, then checks after the fault that all of it is still there.

This file is also the driver the namespaced runs execute: `python THIS full-disk SITE DATA`.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from reader.core.library import Folder, Library
from reader.core.paths import StorePaths
from reader.launch import sample_library
from tests.conftest import run_reader, unprivileged
from tests.factories import (
    headless_app,
    notifications,
    open_synced,
    read_only,
    run_script,
    script_command,
    script_env,
)

pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve()


# ---------------------------------------------------------------------------------- helpers
def _site(tmp: Path) -> Path:
    site = tmp / "site"
    shutil.copytree(sample_library(), site)
    return site


def commit_state(site: Path, data: Path) -> dict[str, Any]:
    """Read marks, a bookmark with a note and a position, committed; returns what to expect."""
    library = open_synced(site, data)
    try:
        rows = library.posts(Folder("all")).rows(0, 10)
        read = [rows[-1].path, rows[-2].path]
        for path in read:
            library.mark_read(path)
        library.add_bookmark(rows[-3].path, note="committed note")
        library.save_position(rows[-1].path, 7)
        return {"read": read, "bookmark": rows[-3].path, "position": [rows[-1].path, 7]}
    finally:
        library.close()


def committed_state_kept(site: Path, data: Path, expected: dict[str, Any]) -> list[str]:
    """What of `expected` is missing (empty list: all kept)."""
    library = open_synced(site, data)
    try:
        rows = {row.path: row for row in library.posts(Folder("all")).rows(0, 1000)}
        lost = [f"read mark {p}" for p in expected["read"] if not rows[p].read]
        notes = {b.path: b.note for b in library.bookmarks()}
        if notes.get(expected["bookmark"]) != "committed note":
            lost.append(f"bookmark {expected['bookmark']}")
        path, line = expected["position"]
        if library.position(path) != line:
            lost.append(f"position {path}")
        return lost
    finally:
        library.close()


async def _app_session(site: Path, data: Path, during: Any = None, skip: int = 0) -> dict[str, Any]:
    """Run the app headless: mark a post read (after `skip`), then two more, `during()` run
    before each of those two (the fault is made again: a file the app deleted or truncated
    meanwhile, such as a WAL, gives space back)."""
    async with headless_app(site, data, size=(120, 40)) as (app, pilot, library):
        await pilot.press(*["j"] * skip, "m")
        for _ in range(2):
            await pilot.press("j")
            if during is not None:
                during()
            await pilot.press("m")
        await pilot.pause(0.2)
        messages = notifications(app)
        marked = [row.path for row in library.posts(Folder("all")).rows(0, 100) if row.read]
        await pilot.press("q")
    return {
        "notifications": messages,
        "crashed": app.crashed,
        "read_only": library.read_only,
        "marked": marked,
    }


def _fill(directory: Path) -> None:
    fd = os.open(directory / "filler", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * 65536)
    except OSError:
        pass
    try:
        while True:
            os.write(fd, b"\0")
    except OSError:
        pass
    os.close(fd)


def _driver_full_disk(site: Path, data: Path) -> dict[str, Any]:
    data.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "none", str(data)], check=True)
    expected = commit_state(site, data)
    result = asyncio.run(_app_session(site, data, during=lambda: _fill(data)))
    result["files"] = {p.name: p.stat().st_size for p in data.iterdir()}
    # a second start with the disk still full: the notice is shown at once
    result["at_start"] = asyncio.run(_app_session(site, data))
    cli = subprocess.run(
        [sys.executable, "-m", "reader", "--data-dir", str(data), "list", str(site)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    result["cli"] = [cli.returncode, cli.stderr]
    (data / "filler").unlink()
    result["lost"] = committed_state_kept(site, data, expected)
    return result


def _namespace_prefix() -> list[str]:
    for prefix in (["unshare", "-Urm"], ["unshare", "-m"]):
        probe = subprocess.run([*prefix, "true"], capture_output=True, check=False)
        if probe.returncode == 0:
            return prefix
    pytest.skip("no mount namespace available for a real small filesystem")


# ------------------------------------------------------------------------------------ tests
def test_full_disk_mid_session(tmp_path: Path) -> None:
    if shutil.which("unshare") is None:
        pytest.skip("unshare (util-linux) is needed for a private tmpfs")
    site = _site(tmp_path)
    prefix = _namespace_prefix()
    result = run_script(
        [*prefix, *script_command(HERE, "full-disk", str(site), str(tmp_path / "d"))]
    )
    assert result["lost"] == []
    assert result["crashed"] is None and result["at_start"]["crashed"] is None
    assert result["read_only"] is True, result["files"]
    said = " ".join(result["notifications"]).lower()
    assert "not being saved" in said, result["notifications"]
    assert "not being saved" in " ".join(result["at_start"]["notifications"]).lower()
    assert result["cli"][0] == 0


def _app_subprocess(
    site: Path, data: Path, *, skip: int = 0, unprivileged_user: bool = False
) -> dict[str, Any]:
    command = script_command(HERE, "app", str(site), str(data), str(skip))
    return run_script(unprivileged(command) if unprivileged_user else command)


def test_read_only_data_dir(tmp_path: Path) -> None:
    site, data = _site(tmp_path), tmp_path / "data"
    expected = commit_state(site, data)
    with read_only(data):
        result = _app_subprocess(site, data, unprivileged_user=True)
        cli = run_reader("--data-dir", str(data), "list", str(site), unprivileged_user=True)
    assert result["crashed"] is None and result["read_only"] is True
    assert "not being saved" in " ".join(result["notifications"]).lower()
    assert len(result["marked"]) >= 3  # the session still works (in memory)
    assert cli.returncode == 0, cli.stderr
    assert committed_state_kept(site, data, expected) == []


@pytest.mark.parametrize("damage", ["garbage", "header", "middle"])
def test_corrupt_state_db_is_moved_aside_with_a_notice(tmp_path: Path, damage: str) -> None:
    site, data = _site(tmp_path), tmp_path / "data"
    commit_state(site, data)
    state = data / "state.db"
    for suffix in ("-wal", "-shm"):
        Path(f"{state}{suffix}").unlink(missing_ok=True)
    raw = bytearray(state.read_bytes())
    if damage == "garbage":
        raw = bytearray(b"\x1b]0;PWNED-not-a-database\x07" * 200)
    elif damage == "header":
        raw[0:100] = b"\xff" * 100
    else:
        page = 4096
        raw[page : 3 * page] = b"\xa5" * (2 * page)
    state.write_bytes(bytes(raw))
    result = asyncio.run(_app_session(site, data))
    assert result["crashed"] is None
    backups = sorted(data.glob("state.db.corrupt-*"))
    said = " ".join(result["notifications"])
    if damage == "middle" and not backups:
        # SQLite may not notice a damaged page it never reads; then nothing may be lost either
        assert result["read_only"] is False
        return
    assert len(backups) == 1 and backups[0].read_bytes() == bytes(raw)  # kept byte for byte
    assert str(backups[0]) in said and "PWNED" not in said
    assert result["read_only"] is False and len(result["marked"]) >= 3  # a fresh state works


def test_corrupt_index_db_is_rebuilt_and_state_kept(tmp_path: Path) -> None:
    site, data = _site(tmp_path), tmp_path / "data"
    expected = commit_state(site, data)
    indexes = list((data / "cache").rglob("index.db"))
    assert indexes
    for index in indexes:
        for suffix in ("-wal", "-shm"):
            Path(f"{index}{suffix}").unlink(missing_ok=True)
        index.write_bytes(b"not a database at all" * 500)
    result = asyncio.run(_app_session(site, data))
    assert result["crashed"] is None
    said = " ".join(result["notifications"])
    assert "index was damaged" in said and "rebuilding" in said, result["notifications"]
    assert "not being saved" not in said
    assert len(result["marked"]) >= 5  # the two committed + three marked now
    assert committed_state_kept(site, data, expected) == []


KILLED = """
import sys, time
from reader.core.library import Folder, Library
from reader.core.paths import StorePaths
library = Library.open(sys.argv[1], paths=StorePaths.default(sys.argv[2]))
for _ in library.sync():
    pass
rows = library.posts(Folder("all")).rows(0, 10)
for row in rows[:4]:
    library.mark_read(row.path)
library.add_bookmark(rows[5].path, note="before the kill")
print("committed", flush=True)
time.sleep(600)
"""


def test_stale_wal_from_a_killed_process(tmp_path: Path) -> None:
    site, data = _site(tmp_path), tmp_path / "data"
    expected = commit_state(site, data)
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED, str(site), str(data)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "committed"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    wal = data / "state.db-wal"
    assert wal.exists() and wal.stat().st_size > 0  # the kill left a WAL behind
    result = asyncio.run(_app_session(site, data, skip=4))  # rows 4-6: m toggles
    assert result["crashed"] is None and result["read_only"] is False
    assert not [n for n in result["notifications"] if "not being saved" in n]
    library = Library.open(site, paths=StorePaths.default(data))
    try:
        rows = library.posts(Folder("all")).rows(0, 10)
        assert all(row.read for row in rows[:4])  # committed by the killed process
        notes = {b.path: b.note for b in library.bookmarks()}
        assert notes[rows[5].path] == "before the kill"
    finally:
        library.close()
    assert committed_state_kept(site, data, expected) == []


def test_two_instances_keep_both_sets_of_changes(tmp_path: Path) -> None:
    site, data = _site(tmp_path), tmp_path / "data"
    expected = commit_state(site, data)
    command = script_command(HERE, "app", str(site), str(data))
    procs = [
        subprocess.Popen([*command, str(skip)], stdout=subprocess.PIPE, text=True, env=script_env())
        for skip in (0, 4)
    ]
    results = []
    for proc in procs:
        out, _err = proc.communicate(timeout=300)
        assert proc.returncode == 0
        results.append(json.loads(out.splitlines()[-1]))
    assert all(r["crashed"] is None and r["read_only"] is False for r in results)
    # the other instance holding the store is no fault: no instance says state is not saved
    assert not [n for r in results for n in r["notifications"] if "not being saved" in n]
    library = Library.open(site, paths=StorePaths.default(data))
    try:
        read = {row.path for row in library.posts(Folder("all")).rows(0, 100) if row.read}
    finally:
        library.close()
    for result in results:
        assert set(result["marked"]) <= read  # nothing one instance saved was lost
    assert len(read) >= 2 + 3 + 3 - 1
    assert committed_state_kept(site, data, expected) == []


if __name__ == "__main__":
    mode, site_arg, data_arg = sys.argv[1:4]
    if mode == "full-disk":
        print(json.dumps(_driver_full_disk(Path(site_arg), Path(data_arg))))
    elif mode == "app":
        skip = int(sys.argv[4]) if len(sys.argv) > 4 else 0
        print(json.dumps(asyncio.run(_app_session(Path(site_arg), Path(data_arg), skip=skip))))
