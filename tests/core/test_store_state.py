"""state.db: marks, positions, bookmarks, undo, relink, migrations and faults (real files)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from reader.core.paths import StorePaths
from reader.core.store.migrations import STATE_VERSION
from reader.core.store.state import PostInfo, StateStore, known_roots
from tests.factories import locked_folder, run_python_unprivileged

INFO = PostInfo("A title", "https://example.org/a", 1_700_000_000.0, "Ann", (("Cat", "Sub"),))


def open_store(tmp_path: Path) -> StateStore:
    return StateStore.open(StorePaths.default(tmp_path / "data"))


def test_marks_positions_bookmarks_survive_reopen(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    lib = store.library_id("/lib")
    assert store.set_read(lib, [("a.md", "h1"), ("b.md", "h2")], True, "mark") == 2
    store.save_position(lib, "a.md", 42)
    store.add_bookmark(lib, "a.md", INFO, heading="Intro", anchor="intro", note="see")
    store.close()

    again = open_store(tmp_path)
    assert not again.read_only and again.notices == []
    lib = again.library_id("/lib")
    assert again.reads(lib) == {"a.md": "h1", "b.md": "h2"}
    assert again.position(lib, "a.md") == 42
    assert again.position(lib, "nope.md") == 0
    (bookmark,) = again.bookmarks(lib)
    assert (bookmark.path, bookmark.anchor, bookmark.heading, bookmark.note) == (
        "a.md",
        "intro",
        "Intro",
        "see",
    )
    assert bookmark.categories == (("Cat", "Sub"),)


def test_libraries_are_separate_and_listed_last_opened_first(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    one, two = store.library_id("/one"), store.library_id("/two")
    store.set_read(one, [("a.md", None)], True, "mark")
    assert store.reads(two) == {}
    store.library_id("/one")
    assert store.known_roots() == ["/one", "/two"]
    store.close()
    assert known_roots(StorePaths.default(tmp_path / "data")) == ["/one", "/two"]


def test_undo_works_for_a_post_whose_name_is_not_utf8(tmp_path: Path) -> None:
    """Such paths hold lone surrogates, which SQLite cannot store as text (undo descriptions
    name the path)."""
    store = open_store(tmp_path)
    lib = store.library_id("/lib")
    name = b"caf\xe9.md".decode("utf-8", "surrogateescape")
    info = PostInfo("caf\ufffd", None, None, None, ())
    store.set_read(lib, [(name, "h")], True, f"mark {name} read")
    store.add_bookmark(lib, name, info, heading=None, anchor=None, note=None)
    assert [b.path for b in store.bookmarks(lib)] == [name]
    assert store.undo(lib) == "bookmark caf\ufffd"
    assert store.bookmarks(lib) == []
    assert store.undo(lib) == "mark caf?.md read"
    assert store.reads(lib) == {}


def test_undo_reverts_marks_and_bookmarks_in_order(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    lib = store.library_id("/lib")
    store.set_read(lib, [("a.md", "h1")], True, "mark a read")
    store.set_read(lib, [("a.md", "h1"), ("b.md", "h2")], True, "mark folder read")
    store.add_bookmark(lib, "a.md", INFO, heading=None, anchor=None, note="n1")
    store.set_bookmark_note(lib, "a.md", "n2", None)
    store.remove_bookmark(lib, "a.md", None)
    assert store.bookmarks(lib) == []
    assert store.undo(lib) == "remove bookmark A title"
    assert store.bookmarks(lib)[0].note == "n2"
    assert store.undo(lib) == "note on A title"
    assert store.bookmarks(lib)[0].note == "n1"
    assert store.undo(lib) == "bookmark A title"
    assert store.bookmarks(lib) == []
    assert store.undo(lib) == "mark folder read"
    assert store.reads(lib) == {"a.md": "h1"}
    store.set_read(lib, [("a.md", "h1")], False, "mark a unread")
    assert store.reads(lib) == {}
    assert store.undo(lib) == "mark a unread"
    assert store.reads(lib) == {"a.md": "h1"}
    assert store.undo(lib) == "mark a read"
    assert store.undo(lib) is None


def test_relink_moves_state_unless_the_new_path_has_its_own(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    lib = store.library_id("/lib")
    store.set_read(lib, [("old.md", "h"), ("x.md", "h"), ("y.md", "h")], True, "m")
    store.add_bookmark(lib, "old.md", INFO, heading=None, anchor=None, note=None)
    store.save_position(lib, "old.md", 7)
    assert store.relink(lib, [("old.md", "new.md"), ("x.md", "y.md")]) == 1
    assert set(store.reads(lib)) == {"new.md", "x.md", "y.md"}
    assert store.position(lib, "new.md") == 7
    assert [b.path for b in store.bookmarks(lib)] == ["new.md"]


def test_undecodable_path_round_trips(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    lib = store.library_id("/lib")
    odd = b"caf\xe9/\xff.md".decode("utf-8", "surrogateescape")
    store.set_read(lib, [(odd, None), ("caf\u00e9.md", None)], True, "m")
    assert set(store.reads(lib)) == {odd, "caf\u00e9.md"}


def write_v1_store(path: Path) -> None:
    """A state.db exactly as version 1 of reader wrote it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    conn.executescript(
        """
        CREATE TABLE libraries (id INTEGER PRIMARY KEY, root TEXT NOT NULL UNIQUE,
            last_opened REAL NOT NULL);
        CREATE TABLE reads (library_id INTEGER NOT NULL REFERENCES libraries(id),
            path TEXT NOT NULL, read_at REAL NOT NULL, PRIMARY KEY (library_id, path))
            WITHOUT ROWID;
        CREATE TABLE positions (library_id INTEGER NOT NULL REFERENCES libraries(id),
            path TEXT NOT NULL, line INTEGER NOT NULL, updated REAL NOT NULL,
            PRIMARY KEY (library_id, path)) WITHOUT ROWID;
        CREATE TABLE bookmarks (library_id INTEGER NOT NULL REFERENCES libraries(id),
            path TEXT NOT NULL, anchor TEXT NOT NULL DEFAULT '', heading TEXT, note TEXT,
            created REAL NOT NULL, updated REAL NOT NULL, title TEXT NOT NULL, url TEXT,
            date REAL, author TEXT, categories TEXT NOT NULL DEFAULT '[]',
            PRIMARY KEY (library_id, path, anchor));
        INSERT INTO libraries VALUES (1, '/lib', 100.0);
        INSERT INTO reads VALUES (1, 'a.md', 101.0);
        INSERT INTO positions VALUES (1, 'a.md', 12, 102.0);
        INSERT INTO bookmarks VALUES (1, 'a.md', '', NULL, 'kept', 103.0, 103.0, 'T', NULL,
            NULL, NULL, '[["C"]]');
        PRAGMA user_version = 1;
        """
    )
    conn.commit()
    conn.close()


def test_upgrade_from_version_1_keeps_everything(tmp_path: Path) -> None:
    paths = StorePaths.default(tmp_path / "data")
    write_v1_store(paths.state_db)
    store = StateStore.open(paths)
    assert not store.read_only and store.notices == []
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == STATE_VERSION == 4
    lib = store.library_id("/lib")
    assert lib == 1
    assert store.reads(lib) == {"a.md": None}
    assert store.position(lib, "a.md") == 12
    assert store.bookmarks(lib)[0].note == "kept"
    store.set_read(lib, [("b.md", "h")], True, "mark b")  # the new columns and undo log work
    assert store.undo(lib) == "mark b"


def test_corrupt_state_is_backed_up_and_named(tmp_path: Path) -> None:
    paths = StorePaths.default(tmp_path / "data")
    paths.state_db.parent.mkdir(parents=True)
    paths.state_db.write_bytes(b"this is not a database" * 100)
    store = StateStore.open(paths)
    assert not store.read_only
    (notice,) = store.notices
    backups = list(paths.data_dir.glob("state.db.corrupt-*"))
    assert len(backups) == 1 and str(backups[0]) in notice
    assert backups[0].read_bytes().startswith(b"this is not a database")
    lib = store.library_id("/lib")
    store.set_read(lib, [("a.md", None)], True, "m")
    assert store.reads(lib) == {"a.md": None}


def test_damaged_pages_are_detected(tmp_path: Path) -> None:
    paths = StorePaths.default(tmp_path / "data")
    store = StateStore.open(paths)
    lib = store.library_id("/lib")
    store.set_read(lib, [(f"p{i}.md", None) for i in range(2000)], True, "m")
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    data = bytearray(paths.state_db.read_bytes())
    page = 4096
    for offset in range(2 * page, len(data) - page, page):
        data[offset + 8 : offset + 200] = b"\xa5" * 192
    paths.state_db.write_bytes(bytes(data))
    again = StateStore.open(paths)
    assert any("moved to" in n for n in again.notices)
    assert list(paths.data_dir.glob("state.db.corrupt-*"))


def test_full_disk_switches_to_read_only_without_losing_the_change(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    lib = store.library_id("/lib")
    store.set_read(lib, [("a.md", None)], True, "m")
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count={pages}")
    store.set_read(lib, [(f"p{i}.md", "x" * 200) for i in range(500)], True, "big")
    assert store.read_only
    assert any("not being saved" in n for n in store.notices)
    assert len(store.reads(lib)) == 501  # the session keeps the change in memory
    store.close()
    again = open_store(tmp_path)
    assert again.reads(again.library_id("/lib")) == {"a.md": None}  # nothing half written


def test_newer_store_is_used_read_only(tmp_path: Path) -> None:
    paths = StorePaths.default(tmp_path / "data")
    store = StateStore.open(paths)
    store.set_read(store.library_id("/lib"), [("a.md", None)], True, "m")
    store.conn.execute(f"PRAGMA user_version={STATE_VERSION + 1}")
    store.close()
    again = StateStore.open(paths)
    assert again.read_only and "newer" in again.notices[0]
    assert again.reads(again.library_id("/lib")) == {"a.md": None}


READ_ONLY_PROBE = """
import sys
from reader.core.paths import StorePaths
from reader.core.store.state import StateStore
store = StateStore.open(StorePaths.default(sys.argv[1]))
lib = store.library_id("/lib")
store.set_read(lib, [("new.md", None)], True, "m")
print(store.read_only, sorted(store.reads(lib)), store.notices)
"""


def test_read_only_data_dir_keeps_working(tmp_path: Path) -> None:
    data = tmp_path / "data"
    store = StateStore.open(StorePaths.default(data))
    store.set_read(store.library_id("/lib"), [("old.md", None)], True, "m")
    store.close()
    with locked_folder(data):
        result = run_python_unprivileged(READ_ONLY_PROBE, str(data))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("True ['new.md', 'old.md'] ['state is not being saved")
    again = StateStore.open(StorePaths.default(data))
    assert again.reads(again.library_id("/lib")) == {"old.md": None}


def test_missing_unwritable_data_dir_keeps_working(tmp_path: Path) -> None:
    parent = tmp_path / "locked"
    parent.mkdir()
    with locked_folder(parent):
        result = run_python_unprivileged(READ_ONLY_PROBE, str(parent / "data"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("True ['new.md'] ['state is not being saved: cannot write")
