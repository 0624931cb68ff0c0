"""Packed postings of the search index: per key, the posts holding it and how often.

Two tables hold them. `chars`, keyed by character: a one-character term (猫, 'e', the first
key typed) would read every occurrence through the trigram index, millions for a Latin
letter; here it is one short read. `words`, keyed by each run of ASCII letters and digits in
the folded text: a term made only of those occurs exactly where it is part of such a run, so
the runs containing it (a scan of the keys) give its posts and its count, with no text to
read; through the trigram index alone, `ment` meant checking the text of 4,500 of 10k posts.

Postings are written one segment per batch of posts: one row per key and batch holding the
post ids, delta-coded as 32-bit integers, and the counts capped at 255, zlib-packed together
when that is shorter. That is about a byte per (key, post) pair where a row per pair took
twelve, and it decodes in C.
`merge` folds the segments into one row per key and drops the ids of deleted posts.
Until then a deleted post's ids stay behind: ids are never reused (AUTOINCREMENT) and every
read joins `docs`, so a stale id never matches anything.
"""

from __future__ import annotations

import itertools
import operator
import re
import sqlite3
import sys
import zlib
from array import array
from collections import Counter
from collections.abc import Iterable

MAX_COUNT = 255
_BIG_ENDIAN = sys.byteorder == "big"
_CHAR, _DOC, _COUNT = (operator.itemgetter(n) for n in range(3))
TABLES = ("chars", "words")
WORD = re.compile(r"[a-z0-9]+")
_RAW, _ZLIB = b"r", b"z"
_MERGE_ROWS = 500


def is_word(term: str) -> bool:
    """True for a (folded) term made only of ASCII letters and digits: `words` finds it."""
    return WORD.fullmatch(term) is not None


def word_counts(*texts: str) -> Counter[str]:
    """How often each run of ASCII letters and digits occurs in the (folded) texts."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(WORD.findall(text))
    return counts


def char_counts(*texts: str) -> Counter[str]:
    """How often each character occurs in the (folded) texts; spaces are never a term."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(text)
    counts.pop(" ", None)
    return counts


def _capped(counts: Iterable[int]) -> array[int]:
    values = list(counts)
    try:
        return array("B", values)
    except OverflowError:
        return array("B", [min(count, MAX_COUNT) for count in values])


def pack(deltas: array[int], counts: array[int]) -> bytes:
    """A 4-byte length, the id deltas (the first from 0) as 32-bit integers, the counts."""
    if _BIG_ENDIAN:
        deltas = array("I", deltas)
        deltas.byteswap()
    raw = len(deltas).to_bytes(4, "little") + deltas.tobytes() + counts.tobytes()
    packed = zlib.compress(raw)
    return _ZLIB + packed if len(packed) < len(raw) else _RAW + raw


def unpack(blob: bytes) -> tuple[array[int], array[int]]:
    """(id deltas, counts) of a packed segment."""
    raw = zlib.decompress(blob[1:]) if blob[:1] == _ZLIB else blob[1:]
    size = int.from_bytes(raw[:4], "little")
    deltas = array("I")
    deltas.frombytes(raw[4 : 4 + 4 * size])
    if _BIG_ENDIAN:
        deltas.byteswap()
    counts = array("B")
    counts.frombytes(raw[4 + 4 * size :])
    return deltas, counts


def _deltas(ids: list[int]) -> array[int]:
    return array("I", [ids[0], *map(operator.sub, ids[1:], ids)]) if ids else array("I")


def write_segment(
    connection: sqlite3.Connection, table: str, batch: Iterable[tuple[int, Counter[str]]]
) -> int:
    """Add one segment per character from (post id, character counts) pairs; returns how
    many rows were written. Per pair only C code runs (zip, sort, map): a batch holds
    hundreds of thousands of them."""
    pairs: list[tuple[str, int, int]] = []
    for doc, counts in batch:
        pairs.extend(zip(counts.keys(), itertools.repeat(doc), counts.values()))
    pairs.sort(key=_CHAR)  # stable: ids stay ascending, as the batch came
    rows = []
    for char, group in itertools.groupby(pairs, key=_CHAR):
        postings = list(group)
        ids = list(map(_DOC, postings))
        rows.append((char, ids[0], pack(_deltas(ids), _capped(map(_COUNT, postings)))))
    connection.executemany(f"INSERT INTO {table}(key, seg, docs) VALUES (?, ?, ?)", rows)
    return len(rows)


def read_containing(connection: sqlite3.Connection, term: str) -> list[int]:
    """The posts whose words contain `term` (see `is_word`), as `id << 8 | count` values, the
    count being the occurrences of `term` in them (capped)."""
    counts: dict[int, int] = {}
    # Keys are matched in the primary key's index (2 MB at 100k posts), not the table (24 MB).
    for word, blob in connection.execute(
        "SELECT key, docs FROM words"
        " WHERE rowid IN (SELECT rowid FROM words WHERE instr(key, ?) > 0)",
        (term,),
    ):
        deltas, found = unpack(blob)
        times = str(word).count(term)
        for doc, count in zip(itertools.accumulate(deltas), found, strict=True):
            counts[doc] = counts.get(doc, 0) + count * times
    return [doc << 8 | min(count, MAX_COUNT) for doc, count in counts.items()]


def read(connection: sqlite3.Connection, char: str) -> list[int]:
    """The postings of `char` as `id << 8 | count` values (one integer each, for json_each)."""
    values: list[int] = []
    for (blob,) in connection.execute("SELECT docs FROM chars WHERE key = ? ORDER BY seg", (char,)):
        deltas, counts = unpack(blob)
        shifted = map(operator.lshift, itertools.accumulate(deltas), itertools.repeat(8))
        values.extend(map(operator.or_, shifted, counts))  # C only: 100k postings at 100k posts
    return values


def merge(connection: sqlite3.Connection, table: str, live: set[int] | None) -> None:
    """Inside the caller's write transaction: one segment per character, keeping only the ids
    in `live` (None: every id is live, nothing was deleted, and segments are joined in C).

    Streams key by key through a temporary table: memory holds one key's postings at a time
    (the whole table read at once took 50 MB at 10k posts, ten times that at 100k)."""
    connection.execute("DROP TABLE IF EXISTS temp.merged_postings")
    connection.execute("CREATE TEMP TABLE merged_postings(key TEXT, seg INTEGER, docs BLOB)")
    rows = connection.execute(f"SELECT key, seg, docs FROM {table} ORDER BY key, seg")
    merged = []
    for char, group in itertools.groupby(rows, key=operator.itemgetter(0)):
        deltas, counts = array("I"), array("B")
        last = 0
        for _, _, blob in group:
            seg_deltas, seg_counts = unpack(blob)
            if live is not None:
                kept = [
                    (doc, count)
                    for doc, count in zip(itertools.accumulate(seg_deltas), seg_counts, strict=True)
                    if doc in live
                ]
                seg_deltas = _deltas([doc for doc, _ in kept])
                seg_counts = array("B", [count for _, count in kept])
            if not seg_deltas:
                continue
            first = seg_deltas[0]
            seg_deltas[0] = first - last  # segments hold ascending, disjoint id ranges
            last = first + sum(seg_deltas[1:])
            deltas.extend(seg_deltas)
            counts.extend(seg_counts)
        if deltas:
            merged.append((char, deltas[0], pack(deltas, counts)))
        if len(merged) >= _MERGE_ROWS:
            _keep_merged(connection, merged)
    _keep_merged(connection, merged)
    connection.execute(f"DELETE FROM {table}")
    connection.execute(
        f"INSERT INTO {table}(key, seg, docs) SELECT key, seg, docs FROM temp.merged_postings"
    )
    connection.execute("DROP TABLE temp.merged_postings")


def _keep_merged(connection: sqlite3.Connection, merged: list[tuple[str, int, bytes]]) -> None:
    connection.executemany("INSERT INTO temp.merged_postings VALUES (?, ?, ?)", merged)
    merged.clear()
