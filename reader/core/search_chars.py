"""One-character postings of the search index: per character, the posts holding it and how often.

A one-character term (猫, 'e', the first key typed) would read every occurrence through the
trigram index, millions for a Latin letter; here it is one short read. Postings are written
one segment per batch of posts: one row per character and batch holding the post ids,
delta-coded as 32-bit integers, and the counts capped at 255, zlib-packed together. That is
about a byte per (character, post) pair where a row per pair took twelve, and it decodes in C.
`merge` folds the segments into one row per character and drops the ids of deleted posts.
Until then a deleted post's ids stay behind: ids are never reused (AUTOINCREMENT) and every
read joins `docs`, so a stale id never matches anything.
"""

from __future__ import annotations

import itertools
import operator
import sqlite3
import sys
import zlib
from array import array
from collections import Counter
from collections.abc import Iterable

MAX_COUNT = 255
_BIG_ENDIAN = sys.byteorder == "big"
_CHAR, _DOC, _COUNT = (operator.itemgetter(n) for n in range(3))


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
    return zlib.compress(len(deltas).to_bytes(4, "little") + deltas.tobytes() + counts.tobytes())


def unpack(blob: bytes) -> tuple[array[int], array[int]]:
    """(id deltas, counts) of a packed segment."""
    raw = zlib.decompress(blob)
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


def write_segment(connection: sqlite3.Connection, batch: Iterable[tuple[int, Counter[str]]]) -> int:
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
    connection.executemany("INSERT INTO chars(ch, seg, docs) VALUES (?, ?, ?)", rows)
    return len(rows)


def read(connection: sqlite3.Connection, char: str) -> list[int]:
    """The postings of `char` as `id << 8 | count` values (one integer each, for json_each)."""
    values: list[int] = []
    for (blob,) in connection.execute("SELECT docs FROM chars WHERE ch = ? ORDER BY seg", (char,)):
        deltas, counts = unpack(blob)
        ids = itertools.accumulate(deltas)
        values.extend(doc << 8 | count for doc, count in zip(ids, counts, strict=True))
    return values


def merge(connection: sqlite3.Connection, live: set[int] | None) -> None:
    """Inside the caller's write transaction: one segment per character, keeping only the ids
    in `live` (None: every id is live, nothing was deleted, and segments are joined in C)."""
    rows = connection.execute("SELECT ch, seg, docs FROM chars ORDER BY ch, seg").fetchall()
    connection.execute("DELETE FROM chars")
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
    connection.executemany("INSERT INTO chars(ch, seg, docs) VALUES (?, ?, ?)", merged)
