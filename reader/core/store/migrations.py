"""Schemas. `state.db` is migrated step by step by `PRAGMA user_version`; `index.db` is a cache
and is rebuilt from scratch when its version differs."""

from __future__ import annotations

import sqlite3
from functools import cache

from reader.core.store.db import Schema, check_schema, reference_schema, write

# state.db: STATE_MIGRATIONS[n] upgrades a store at version n to n + 1.
STATE_MIGRATIONS: tuple[str, ...] = (
    # 0 -> 1: libraries, read marks, positions, bookmarks (with a snapshot of the post's
    # metadata, so a bookmark of a vanished post can still be shown and exported).
    """
    CREATE TABLE libraries (
        id INTEGER PRIMARY KEY,
        root TEXT NOT NULL UNIQUE,
        last_opened REAL NOT NULL
    );
    CREATE TABLE reads (
        library_id INTEGER NOT NULL REFERENCES libraries(id),
        path TEXT NOT NULL,
        read_at REAL NOT NULL,
        PRIMARY KEY (library_id, path)
    ) WITHOUT ROWID;
    CREATE TABLE positions (
        library_id INTEGER NOT NULL REFERENCES libraries(id),
        path TEXT NOT NULL,
        line INTEGER NOT NULL,
        updated REAL NOT NULL,
        PRIMARY KEY (library_id, path)
    ) WITHOUT ROWID;
    CREATE TABLE bookmarks (
        library_id INTEGER NOT NULL REFERENCES libraries(id),
        path TEXT NOT NULL,
        anchor TEXT NOT NULL DEFAULT '',
        heading TEXT,
        note TEXT,
        created REAL NOT NULL,
        updated REAL NOT NULL,
        title TEXT NOT NULL,
        url TEXT,
        date REAL,
        author TEXT,
        categories TEXT NOT NULL DEFAULT '[]',
        PRIMARY KEY (library_id, path, anchor)
    );
    """,
    # 1 -> 2: the content hash seen when a post was read ("updated since read"), and the
    # undo log of mark-read and bookmark actions.
    """
    ALTER TABLE reads ADD COLUMN seen_hash TEXT;
    CREATE TABLE undo (
        id INTEGER PRIMARY KEY,
        library_id INTEGER NOT NULL REFERENCES libraries(id),
        created REAL NOT NULL,
        description TEXT NOT NULL,
        payload TEXT NOT NULL
    );
    CREATE INDEX undo_library ON undo (library_id, id);
    """,
    # 2 -> 3: when each post was first seen, and when the last two visits of each library
    # began ("New since last visit"). Kept here, not in the index: an index deleted or
    # rebuilt makes nothing new.
    """
    CREATE TABLE first_seen (
        library_id INTEGER NOT NULL REFERENCES libraries(id),
        path TEXT NOT NULL,
        seen_at REAL NOT NULL,
        PRIMARY KEY (library_id, path)
    ) WITHOUT ROWID;
    CREATE INDEX first_seen_time ON first_seen (library_id, seen_at);
    ALTER TABLE libraries ADD COLUMN visit_started REAL;
    ALTER TABLE libraries ADD COLUMN last_visit_started REAL;
    """,
    # 3 -> 4: the file of a post as it was when opened and read (zlib-packed), so `d` can
    # show what changed since; `body` is NULL once dropped for the size cap.
    """
    CREATE TABLE read_texts (
        library_id INTEGER NOT NULL REFERENCES libraries(id),
        path TEXT NOT NULL,
        hash TEXT NOT NULL,
        saved_at REAL NOT NULL,
        size INTEGER NOT NULL,
        body BLOB,
        UNIQUE (library_id, path, hash)
    );
    CREATE INDEX read_texts_age ON read_texts (saved_at, size) WHERE body IS NOT NULL;
    """,
)
STATE_VERSION = len(STATE_MIGRATIONS)


def state_version(conn: sqlite3.Connection) -> int:
    row = conn.execute("PRAGMA user_version").fetchone()
    return int(row[0])


@cache
def state_schema(version: int) -> Schema:
    """The tables a state store at `version` has."""

    def build(conn: sqlite3.Connection) -> None:
        for step in STATE_MIGRATIONS[:version]:
            for statement in _statements(step):
                conn.execute(statement)

    return reference_schema(build)


def check_state_schema(conn: sqlite3.Connection) -> None:
    """Raise DatabaseError when the tables do not match the store's `user_version`. Both are
    read in one transaction: another process may be migrating the store meanwhile."""
    conn.execute("BEGIN")
    try:
        version = state_version(conn)
        if version <= STATE_VERSION:
            check_schema(conn, state_schema(version), version)
    finally:
        conn.execute("ROLLBACK")


def migrate_state(conn: sqlite3.Connection) -> int:
    """Bring a state store up to STATE_VERSION; each step is one transaction. Returns the
    version found. A store newer than this program is left alone (the caller decides)."""
    found = state_version(conn)
    for version in range(found, STATE_VERSION):
        with write(conn):
            if state_version(conn) != version:  # another process migrated meanwhile
                continue
            for statement in _statements(STATE_MIGRATIONS[version]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version={version + 1}")
    return found


# index.db: any other version is rebuilt.
INDEX_VERSION = 2
# Version 2: `posts_date` carries `title_fold`, so the title filter reads All's order from the
# index alone (no lookup in the posts table per post).
INDEX_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE posts (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    hash TEXT,
    title TEXT NOT NULL,
    title_fold TEXT NOT NULL,
    date TEXT,
    date_key REAL NOT NULL,
    date_source TEXT NOT NULL,
    categories TEXT NOT NULL,
    tags TEXT NOT NULL,
    author TEXT,
    url TEXT,
    cover TEXT,
    updated TEXT,
    draft INTEGER NOT NULL,
    format TEXT NOT NULL,
    error TEXT,
    identity TEXT NOT NULL
);
CREATE INDEX posts_date ON posts (date_key, id, title_fold);
CREATE INDEX posts_title ON posts (title_fold, id);
CREATE INDEX posts_error ON posts (id) WHERE error IS NOT NULL;
CREATE TABLE post_categories (
    prefix TEXT NOT NULL,
    post_id INTEGER NOT NULL,
    PRIMARY KEY (prefix, post_id)
) WITHOUT ROWID;
CREATE INDEX post_categories_post ON post_categories (post_id);
CREATE TABLE post_tags (
    tag TEXT NOT NULL,
    post_id INTEGER NOT NULL,
    PRIMARY KEY (tag, post_id)
) WITHOUT ROWID;
CREATE INDEX post_tags_post ON post_tags (post_id);
CREATE TABLE converted (
    hash TEXT PRIMARY KEY,
    markdown TEXT NOT NULL,
    notice TEXT,
    used REAL NOT NULL
);
"""


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


@cache
def index_schema() -> Schema:
    def build(conn: sqlite3.Connection) -> None:
        for statement in _statements(INDEX_SCHEMA):
            conn.execute(statement)

    return reference_schema(build)


def create_index_schema(conn: sqlite3.Connection, root: str) -> None:
    """Inside the caller's write transaction: drop whatever the file holds, create the schema."""
    objects = conn.execute(
        "SELECT name FROM main.sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    for (name,) in objects:
        conn.execute('DROP TABLE IF EXISTS "' + str(name).replace('"', '""') + '"')
    for statement in _statements(INDEX_SCHEMA):
        conn.execute(statement)
    conn.execute("INSERT INTO meta VALUES ('root', ?)", (root,))
    conn.execute(f"PRAGMA user_version={INDEX_VERSION}")


# search.db: a cache like index.db, rebuilt from scratch when its version differs. Version 4:
# trigram index without positions (detail=none: every hit of a longer term is verified against
# the text), one-character and ASCII-word postings packed per key (reader.core.search_chars),
# paths encoded as in the other stores. The postings tables have rowids: a WITHOUT ROWID table
# keeps at most ~1 KB of a row in its page, and its pages of kilobyte blobs were 40% empty.
SEARCH_VERSION = 4
SEARCH_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs(
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    path TEXT NOT NULL UNIQUE,
    hash TEXT NOT NULL,
    title TEXT NOT NULL,
    date REAL,
    cats TEXT NOT NULL,
    catkey TEXT NOT NULL,
    tagkey TEXT NOT NULL,
    author TEXT NOT NULL,
    ftitle TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS bodies(id INTEGER PRIMARY KEY, body BLOB NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
    title, body, content='', detail=none, columnsize=0, tokenize='trigram case_sensitive 1'
);
CREATE VIRTUAL TABLE IF NOT EXISTS fts_terms USING fts5vocab(fts, 'instance');
CREATE TABLE IF NOT EXISTS chars(
    key TEXT NOT NULL,
    seg INTEGER NOT NULL,
    docs BLOB NOT NULL,
    PRIMARY KEY (key, seg)
);
CREATE TABLE IF NOT EXISTS words(
    key TEXT NOT NULL,
    seg INTEGER NOT NULL,
    docs BLOB NOT NULL,
    PRIMARY KEY (key, seg)
);
"""


@cache
def search_schema() -> Schema:
    def build(conn: sqlite3.Connection) -> None:
        for statement in _statements(SEARCH_SCHEMA):
            conn.execute(statement)

    return reference_schema(build)


def create_search_schema(conn: sqlite3.Connection) -> None:
    """Inside the caller's write transaction: the tables of an empty or current search.db."""
    for statement in _statements(SEARCH_SCHEMA):
        conn.execute(statement)
    conn.execute(f"PRAGMA user_version={SEARCH_VERSION}")
