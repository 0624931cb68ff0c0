"""The SQL behind a search query, and the check of its candidates against their text.

Each term finds its posts by its length:
- one character: the packed postings of reader.core.search_chars, handed to SQLite as a JSON
  array of `id << 8 | count` (json_each reads it in C);
- two characters: a range over the trigram index's own term list (`fts_terms`): every
  occurrence starts a trigram of the padded text, so this is exact;
- three characters: the trigram itself in `fts`, exact;
- four or more, only ASCII letters and digits (`ment`, `2024`): the packed postings of the
  ASCII words containing it (reader.core.search_chars), exact and counted, like one character;
- four or more, any other: the posts holding all its trigrams (`fts` has no positions), a
  superset that `rank_checked` narrows to the posts holding the term.
"""

from __future__ import annotations

import codecs
import json
import sqlite3
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from reader.core.search_chars import is_word
from reader.core.search_query import Query, caseless, fold

SEP = "\x1f"  # separates folded names in the qualifier keys; sanitized text never holds it
TOP = "\U0010ffff" * 2
Row = tuple[object, ...]
COUNT_LIMIT = 1000
COUNT_BYTES = 1_000_000
"""Up to COUNT_LIMIT candidates holding up to COUNT_BYTES of packed text, every text is read
whole to count the occurrences for ranking, and every candidate is checked: the total is exact.
Past either, the order is title hits, then newest, which SQLite knows before any text is read:
candidates are checked in that order only until a page of results is full, and the total is
estimated from the share that held the terms. Unpacking is the cost: at 100k posts, 600
candidates of a CJK 4-gram held up to 9 MB (180 ms), 6,600 candidates 34 MB; a megabyte
takes ~10 ms."""
_STEP = 2048
_CONTEXT_FOLD = "\u03a3"
"""Σ: the one character `str.lower` folds by its context (final ς), so a text holding it is
folded whole, as the scan folds it, never piecewise."""


def uses_words(term: str) -> bool:
    """True for a term found through the ASCII-word postings (see the module docstring)."""
    return len(term) >= 4 and is_word(term)


def checked_terms(terms: Sequence[str]) -> list[str]:
    """The terms whose candidates must be checked against the text."""
    return [term for term in terms if len(term) >= 4 and not is_word(term)]


def _day_start(day: date) -> float:
    return datetime.combine(day, time(), tzinfo=UTC).timestamp()


def _trigram_match(terms: Sequence[str]) -> str:
    """An FTS5 query for the posts holding every trigram of every term."""
    grams = dict.fromkeys(term[at : at + 3] for term in terms for at in range(len(term) - 2))
    return " AND ".join('"' + gram.replace('"', '""') + '"' for gram in grams)


def matches(query: Query, postings: dict[str, str]) -> tuple[str, list[object]]:
    """A `WITH` clause ending in `m(id, t, r, date)`: every candidate post, its number of terms
    in the title, its relevance (lower is better) and date; and its parameters.

    `postings[term]` is the JSON array of the postings of each one-character and word term."""
    long_terms = [t for t in query.terms if len(t) >= 3 and not uses_words(t)]
    short_terms = [t for t in query.terms if len(t) < 3 or uses_words(t)]
    ctes: list[str] = []
    cte_params: list[object] = []
    for number, term in enumerate(short_terms):
        if term in postings:
            ctes.append(
                f"s{number} AS (SELECT value >> 8 AS doc, value & 255 AS n FROM json_each(?))"
            )
            cte_params.append(postings[term])
            continue
        ctes.append(
            f"s{number} AS (SELECT doc, count(*) AS n FROM fts_terms"
            " WHERE term >= ? AND term <= ? GROUP BY doc)"
        )
        cte_params.extend((term, term + TOP))
    where: list[str] = []
    params: list[object] = []
    if long_terms:
        source = "fts JOIN docs d ON d.id = fts.rowid"
        where.append("fts MATCH ?")
        params.append(_trigram_match(long_terms))
        source += "".join(f" JOIN s{n} ON s{n}.doc = d.id" for n in range(len(short_terms)))
    elif short_terms:
        source = "s0 JOIN docs d ON d.id = s0.doc"
        source += "".join(f" JOIN s{n} ON s{n}.doc = d.id" for n in range(1, len(short_terms)))
    else:
        source = "docs d"
    relevance = " + ".join(f"s{n}.n" for n in range(len(short_terms)))
    relevance = f"-({relevance})" if relevance else "0"
    title_hits = " + ".join("(instr(d.ftitle, ?) > 0)" for _ in query.terms) or "0"
    for name in query.categories:
        where.append("instr(d.catkey, ?) > 0")
        params.append(SEP + name + SEP)
    for name in query.tags:
        where.append("instr(d.tagkey, ?) > 0")
        params.append(SEP + name + SEP)
    for name in query.authors:
        where.append("instr(d.author, ?) > 0")
        params.append(name)
    if query.after is not None:
        where.append("d.date >= ?")
        params.append(_day_start(query.after))
    if query.before is not None:
        where.append("d.date < ?")
        params.append(_day_start(query.before))
    if query.unread:
        where.append("d.path NOT IN temp.sel_read")
    if query.bookmarked:
        where.append("d.path IN temp.sel_marked")
    ctes.append(
        f"m AS (SELECT d.id AS id, {title_hits} AS t, {relevance} AS r, d.date AS date"
        f" FROM {source} WHERE {' AND '.join(where) or '1'})"
    )
    # Parameters in the order of the text: term CTEs, select list, WHERE.
    return f"WITH {', '.join(ctes)}", [*cte_params, *query.terms, *params]


_RESULT_ORDER = " ORDER BY t DESC, r, date DESC NULLS LAST, id"
_ORDER = _RESULT_ORDER + " LIMIT ?"
_RANKED = " SELECT id FROM m" + _ORDER
_COUNT = " SELECT count(*) FROM m"
_RANKED_COUNTED = " SELECT id, count(*) OVER () FROM m" + _ORDER


def ranked_page(
    connection: sqlite3.Connection,
    sql: str,
    params: Sequence[object],
    terms: Sequence[str],
    limit: int,
    known_total: int | None,
) -> tuple[list[int], int]:
    """The ids of the first `limit` posts matching `matches`, in result order, and how many
    match, when no candidate needs a check; `known_total` saves the count when given."""
    limit = max(0, limit)
    if known_total is None and any(len(term) == 2 for term in terms):
        # The range over the trigram terms costs most: one pass, counting over the sort.
        rows = connection.execute(sql + _RANKED_COUNTED, (*params, limit)).fetchall()
        return [int(row[0]) for row in rows], int(rows[0][1]) if rows else 0
    # Else apart: a count over the sort sorts every row, where the page keeps `limit` of them
    # ('e' at 10k: 19 ms, apart 12; 的 at 100k: 85 ms, apart 80, or 51 with `known_total`).
    ids = [int(row[0]) for row in connection.execute(sql + _RANKED, (*params, limit))]
    if len(ids) < limit:
        return ids, len(ids)
    if known_total is not None:
        return ids, known_total
    return ids, int(connection.execute(sql + _COUNT, params).fetchone()[0])


CANDIDATES = " SELECT id, t, r, date FROM m" + _RESULT_ORDER
"""Appended to `matches`: the candidates' (id, title hits, relevance, date) in result order as
far as SQLite knows it (the occurrences in the text, when counted, come on top)."""
_TEXTS = (
    "SELECT d.id, d.ftitle, b.body FROM docs d JOIN bodies b ON b.id = d.id"
    " WHERE d.id IN (SELECT value FROM json_each(?))"
)


@dataclass(frozen=True, slots=True)
class CheckedPage:
    ids: list[int]
    """At most `limit` ids of the posts holding every checked term, in result order."""
    total: int
    exact: bool
    """False: candidates were left unchecked and `total` is estimated from those checked."""


def checked_page(
    connection: sqlite3.Connection,
    candidates: Sequence[Row],
    terms: Sequence[str],
    limit: int,
) -> CheckedPage:
    """The first `limit` of the `CANDIDATES` rows whose title or text holds every checked term
    (see `COUNT_BYTES`): every candidate is checked when they are few and short or `limit` is
    not reached before the end, else only as many as the page takes."""
    if len(candidates) <= COUNT_LIMIT and (texts := _texts(connection, candidates, COUNT_BYTES)):
        rows = [(*row, *texts[int(str(row[0]))]) for row in candidates]
        ranked = rank_checked(rows, terms)
        return CheckedPage(ranked[:limit], len(ranked), exact=True)
    checked = checked_terms(terms)
    raw = all(caseless(term) for term in checked)
    kept: list[int] = []
    done = 0
    step = limit + limit // 4 + 16  # few candidates fail: most pages fill in one read
    while done < len(candidates) and len(kept) < limit:
        chunk = candidates[done : done + step]
        done += len(chunk)
        texts = _texts(connection, chunk)
        for row in chunk:
            doc = int(str(row[0]))
            title, packed = texts[doc]
            held = (
                _raw_check(packed, title, checked, ()) is not None
                if raw
                else holds_all(packed, title, checked)
            )
            if held:
                kept.append(doc)
        step *= 2
    if done >= len(candidates):
        return CheckedPage(kept[:limit], len(kept), exact=True)
    estimate = round(len(candidates) * len(kept) / done) if done else len(candidates)
    return CheckedPage(kept[:limit], max(estimate, len(kept)), exact=False)


def _texts(
    connection: sqlite3.Connection, rows: Sequence[Row], most: int | None = None
) -> dict[int, tuple[str, bytes]]:
    """The folded title and packed text of the posts of `rows`, by id; none once their packed
    texts exceed `most` bytes (reading stops there)."""
    texts: dict[int, tuple[str, bytes]] = {}
    size = 0
    for doc, title, body in connection.execute(_TEXTS, (json.dumps([row[0] for row in rows]),)):
        texts[int(doc)] = (title, body)
        size += len(body)
        if most is not None and size > most:
            return {}
    return texts


def _raw_check(
    packed: bytes, title: str, checked: Sequence[str], counted: Sequence[str]
) -> int | None:
    """For caseless terms: None when a checked term is missing, else the occurrences."""
    raw = zlib.decompress(packed)
    if not all(term in title or term.encode("utf-8") in raw for term in checked):
        return None
    return sum(raw.count(term.encode("utf-8")) + title.count(term) for term in counted)


def holds_all(packed: bytes, title: str, terms: Sequence[str]) -> bool:
    """True when the (folded) title or the zlib-packed text holds each of `terms`, unpacking
    and folding only as much of the text as it takes."""
    missing = [term for term in terms if term not in title]
    if not missing:
        return True
    overlap = max(len(term) for term in missing) - 1
    unpacker = zlib.decompressobj()
    decoder = codecs.getincrementaldecoder("utf-8")()
    seen = ""
    tail = ""
    step = _STEP
    while True:
        chunk = unpacker.decompress(packed, step)
        packed = unpacker.unconsumed_tail
        finished = unpacker.eof or (not chunk and not packed)
        piece = decoder.decode(chunk + (unpacker.flush() if finished else b""), final=finished)
        seen += piece
        if _CONTEXT_FOLD in piece:
            while not finished:
                rest = unpacker.decompress(packed)
                packed = unpacker.unconsumed_tail
                finished = unpacker.eof or (not rest and not packed)
                seen += decoder.decode(rest, final=finished)
            text = fold(seen)
            return all(term in text for term in missing)
        window = tail + fold(piece)
        missing = [term for term in missing if term not in window]
        if not missing or finished:
            return not missing
        tail = window[-overlap:] if overlap else ""
        step *= 2


def rank_checked(rows: Sequence[Row], terms: Sequence[str]) -> list[int]:
    """Ids of the `CANDIDATES` rows whose title or text holds every term of four or more
    characters, in result order. Up to `COUNT_LIMIT` candidates, the occurrences of terms of
    three or more characters add to the relevance."""
    checked = checked_terms(terms)
    counted = [term for term in terms if len(term) >= 3] if len(rows) <= COUNT_LIMIT else []
    kept: list[tuple[int, float, bool, float, int]] = []
    raw = all(caseless(term) for term in [*checked, *counted])
    for doc, title_hits, relevance, stamp, title, packed in rows:
        assert isinstance(title, str) and isinstance(packed, bytes)
        if raw:
            occurrences = _raw_check(packed, title, checked, counted)
            if occurrences is None:
                continue
            found = occurrences
        elif counted:
            text = fold(zlib.decompress(packed).decode("utf-8"))
            if not all(term in title or term in text for term in checked):
                continue
            found = sum(text.count(term) + title.count(term) for term in counted)
        elif holds_all(packed, title, checked):
            found = 0
        else:
            continue
        day = float(stamp) if isinstance(stamp, (int, float)) else 0.0
        rank = float(relevance) if isinstance(relevance, (int, float)) else 0.0
        hits = int(title_hits) if isinstance(title_hits, int) else 0
        kept.append((-hits, rank - found, stamp is None, -day, int(str(doc))))
    kept.sort()
    return [item[4] for item in kept]
