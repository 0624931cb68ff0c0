"""Schema versions: state.db is upgraded step by step (one test per starting version, each with
a store as that version wrote it); index.db of another version or root is rebuilt. Also the
connection settings the issue asks for (WAL, synchronous=FULL, busy timeout)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from reader.core.paths import StorePaths
from reader.core.store.index import IndexStore
from reader.core.store.migrations import INDEX_VERSION, STATE_MIGRATIONS, STATE_VERSION
from reader.core.store.state import PostInfo, StateStore

INFO = PostInfo("T", None, None, None, ())


def write_store_at(path: Path, version: int) -> None:
    """A state.db as the release with schema `version` left it, with some state in it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    for script in STATE_MIGRATIONS[:version]:
        conn.executescript(script)
    if version >= 1:
        conn.executescript(
            """
            INSERT INTO libraries (id, root, last_opened) VALUES (1, '/lib', 100.0),
                (2, '/other', 50.0);
            INSERT INTO reads (library_id, path, read_at) VALUES (1, 'a.md', 101.0),
                (2, 'x.md', 51.0);
            INSERT INTO positions VALUES (1, 'a.md', 12, 102.0);
            INSERT INTO bookmarks VALUES (1, 'gone.md', '', 'H', 'kept', 103.0, 104.0, 'Gone',
                'https://e.org/g', 1700000000.0, 'Ann', '[["C","D"]]');
            """
        )
    if version >= 3:
        conn.execute("INSERT INTO first_seen VALUES (1, 'a.md', 99.0)")
    conn.execute(f"PRAGMA user_version={version}")
    conn.commit()
    conn.close()


def test_every_migration_has_an_upgrade_test() -> None:
    # when a migration is added, STATE_VERSION grows and the parametrization below with it;
    # write_store_at must then learn to fill the new version's tables
    assert STATE_VERSION == len(STATE_MIGRATIONS) == 4


@pytest.mark.parametrize("version", range(STATE_VERSION))
def test_upgrade_from_each_older_version_keeps_state(tmp_path: Path, version: int) -> None:
    paths = StorePaths.default(tmp_path / "data")
    write_store_at(paths.state_db, version)
    store = StateStore.open(paths)
    assert not store.read_only and store.notices == []
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == STATE_VERSION
    if version >= 1:
        assert store.known_roots() == ["/lib", "/other"]
        lib = store.library_id("/lib", touch=False)
        assert lib == 1
        assert store.reads(lib) == {"a.md": None}  # read before hashes were kept
        assert store.reads(2) == {"x.md": None}
        assert store.position(lib, "a.md") == 12
        (bookmark,) = store.bookmarks(lib)
        assert (bookmark.path, bookmark.note, bookmark.heading, bookmark.title) == (
            "gone.md",
            "kept",
            "H",
            "Gone",
        )
        assert (bookmark.created, bookmark.updated, bookmark.categories) == (
            103.0,
            104.0,
            (("C", "D"),),
        )
    lib = store.library_id("/lib")
    # everything of the newest schema works on the upgraded store
    store.set_read(lib, [("n.md", "h")], True, "mark n")
    store.add_bookmark(lib, "n.md", INFO, heading=None, anchor=None, note="new")
    assert store.undo(lib) == "bookmark T"
    assert store.undo(lib) == "mark n"
    assert "n.md" not in store.reads(lib)
    store.begin_visit(lib)
    assert store.first_seen_stamp(lib) == 0.0  # no visit before this one
    store.record_first_seen(lib, ["n.md"], 5.0)
    store.set_read(lib, [("t.md", "h1")], True, "mark t", {"t.md": b"as read"})
    kept = store.read_text(lib, "t.md", "h1")
    assert kept is not None and kept.data == b"as read"
    if version >= 3:
        first_seen = "SELECT seen_at FROM first_seen WHERE library_id=1 AND path='a.md'"
        assert store.conn.execute(first_seen).fetchone() == (99.0,)
    store.close()
    again = StateStore.open(paths)  # reopening an upgraded store changes nothing
    assert again.notices == [] and not again.read_only
    assert ("a.md" in again.reads(1)) == (version >= 1)
    again.close()


def test_upgrade_is_one_transaction_per_step(tmp_path: Path) -> None:
    """A step that fails leaves the store at the last complete version, data intact."""
    paths = StorePaths.default(tmp_path / "data")
    write_store_at(paths.state_db, 1)
    conn = sqlite3.connect(paths.state_db)
    conn.execute("CREATE TABLE undo (x)")  # makes step 1 -> 2 fail half way
    conn.commit()
    conn.close()
    store = StateStore.open(paths)
    assert store.read_only  # could not upgrade: used in memory, not saved
    store.close()
    conn = sqlite3.connect(paths.state_db)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        columns = [r[1] for r in conn.execute("PRAGMA table_info(reads)")]
        assert "seen_hash" not in columns  # the ALTER of the failed step was rolled back
        assert conn.execute("SELECT path FROM reads WHERE library_id=1").fetchall() == [("a.md",)]
    finally:
        conn.close()


UPGRADER = """
import sys
from reader.core.paths import StorePaths
from reader.core.store.state import StateStore
store = StateStore.open(StorePaths.default(sys.argv[1]))
lib = store.library_id("/lib")
store.set_read(lib, [(sys.argv[2], "h")], True, "m")
print(store.read_only, store.notices)
"""


def test_two_processes_upgrading_at_once(tmp_path: Path) -> None:
    paths = StorePaths.default(tmp_path / "data")
    write_store_at(paths.state_db, 1)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", UPGRADER, str(paths.data_dir), name],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("one.md", "two.md")
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert out.strip() == "False []"
    store = StateStore.open(paths)
    assert set(store.reads(1)) == {"a.md", "one.md", "two.md"}
    store.close()


def test_empty_state_file_is_a_new_store(tmp_path: Path) -> None:
    paths = StorePaths.default(tmp_path / "data")
    paths.data_dir.mkdir(parents=True)
    paths.state_db.touch()
    store = StateStore.open(paths)
    assert not store.read_only and store.notices == []
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == STATE_VERSION
    store.close()


def test_state_connection_settings(tmp_path: Path) -> None:
    store = StateStore.open(StorePaths.default(tmp_path / "data"))
    conn = store.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    store.close()


def _index(paths: StorePaths, root: str, notices: list[str]) -> IndexStore:
    return IndexStore.open(paths.index_db(root), root, notices)


@pytest.mark.parametrize("change", ["older", "newer", "other-root"])
def test_index_of_another_version_or_root_is_rebuilt(tmp_path: Path, change: str) -> None:
    paths = StorePaths.default(tmp_path / "data")
    first = _index(paths, "/lib", [])
    first.conn.execute("INSERT INTO meta VALUES ('marker', 'old')")
    assert first.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    if change == "older":
        first.conn.execute(f"PRAGMA user_version={INDEX_VERSION - 1}")
    elif change == "newer":
        first.conn.execute(f"PRAGMA user_version={INDEX_VERSION + 1}")
    else:
        first.conn.execute("UPDATE meta SET value = '/elsewhere' WHERE key = 'root'")
    first.close()
    notices: list[str] = []
    again = _index(paths, "/lib", notices)
    assert again.conn.execute("PRAGMA user_version").fetchone()[0] == INDEX_VERSION
    assert again.conn.execute("SELECT value FROM meta WHERE key='marker'").fetchone() is None
    assert len(notices) == 1 and "rebuilding" in notices[0]
    again.close()
