"""Find the post a site permalink names, with indexed queries of the library's index.

A pattern with a date narrows the posts to that day, month or year through the date index;
one without a date looks the file up by path (the unique index) from `:title`, or by title
(the title index) from `:post_title`. The few candidates are then checked token by token.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime, timedelta, tzinfo

from reader.core.permalink import post_tokens
from reader.core.scan import POST_SUFFIXES
from reader.core.store.db import marks, path_from_db, path_to_db
from reader.core.store.index import from_iso

_DATE_PREFIX = re.compile(r"^(?:.*/)?\d{4}-\d{1,2}-\d{1,2}-")  # `new_post_name` dated files
_SLACK = timedelta(days=1)  # naive dates and time zones: look a day either side, then check
_CHECKED = ("year", "month", "day", "i_month", "i_day", "name", "post_title")
_Row = tuple[str, str, str | None, str]


def find_post(
    conn: sqlite3.Connection, values: dict[str, str], timezone: tzinfo | None
) -> str | None:
    """The relpath of the post whose permalink has these token values, or None."""
    if "title" in values or "name" in values:  # the file named by the link, if it is there
        found = _first_match(_by_path(conn, values), values, timezone)
        if found is not None:
            return found
    return _first_match(_candidates(conn, values, timezone), values, timezone)


def _first_match(rows: list[_Row], values: dict[str, str], timezone: tzinfo | None) -> str | None:
    wanted = values.get("title")
    for path, title, date_iso, _categories in sorted(rows):
        if wanted is not None and wanted not in _titles(path.rsplit(".", 1)[0]):
            continue  # (cheap: before the date is parsed)
        tokens = post_tokens(path, title, from_iso(date_iso), (), timezone)
        if any(tokens.get(key) != values[key] for key in _CHECKED if key in values):
            continue
        return path
    return None


def _titles(stem: str) -> set[str]:
    """What `:title` may be for a file: its path without suffix, without a date prefix."""
    undated = _DATE_PREFIX.sub(lambda m: m[0][: m[0].rfind("/") + 1], stem)
    return {stem, undated}


def _candidates(
    conn: sqlite3.Connection, values: dict[str, str], timezone: tzinfo | None
) -> list[_Row]:
    columns = "SELECT path, title, date, categories FROM posts"
    span = _date_span(values, timezone)
    if span is not None:
        start, end = span
        query = f"{columns} WHERE date_key >= ? AND date_key < ?"
        rows = conn.execute(query, (start.timestamp(), end.timestamp())).fetchall()
    elif "title" in values or "name" in values:
        return []  # looked up by path already
    elif "post_title" in values:
        query = f"{columns} WHERE title_fold = ?"
        rows = conn.execute(query, (values["post_title"].casefold(),)).fetchall()
    else:
        return []  # :id, :hash: reader does not keep them
    return [(path_from_db(p), t, d, c) for p, t, d, c in rows]


def _by_path(conn: sqlite3.Connection, values: dict[str, str]) -> list[_Row]:
    """Posts at the path `:title` (or `:name`) spells, under any post suffix."""
    stem = values.get("title") or values["name"]
    suffixes = sorted(POST_SUFFIXES)
    paths = [stem + suffix for suffix in suffixes] + [f"{stem}/index{s}" for s in suffixes]
    query = f"SELECT path, title, date, categories FROM posts WHERE path IN ({marks(len(paths))})"
    rows = conn.execute(query, [path_to_db(p) for p in paths]).fetchall()
    return [(path_from_db(p), t, d, c) for p, t, d, c in rows]


def _date_span(values: dict[str, str], timezone: tzinfo | None) -> tuple[datetime, datetime] | None:
    """The instants the URL's date covers, a day wider on each side."""
    if "year" not in values:
        return None
    year = int(values["year"])
    month = values.get("month") or values.get("i_month")
    day = values.get("day") or values.get("i_day")
    zone = timezone or UTC
    try:
        if month is None:
            start, end = datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)
        elif day is None:
            start = datetime(year, int(month), 1, tzinfo=zone)
            end = (start + timedelta(days=32)).replace(day=1)
        else:
            start = datetime(year, int(month), int(day), tzinfo=zone)
            end = start + timedelta(days=1)
    except ValueError:
        return None
    return start - _SLACK, end + _SLACK


def find_post_link(conn: sqlite3.Connection, slug: str) -> str | None:
    """The post a `{% post_link slug %}` names (`convert.slug_matches`): its path through the
    unique path index when the slug spells it, else among the paths that hold the slug's file
    name (a scan of that index inside SQLite, not of the posts); the newest post wins."""
    from reader.core.convert import slug_matches  # html2text is not needed before a link list

    slug = slug.strip().strip("/")
    if not slug:
        return None
    suffixes = sorted(POST_SUFFIXES)
    exact = [path_to_db(slug + suffix) for suffix in suffixes]
    query = f"SELECT path FROM posts WHERE path IN ({marks(len(exact))})"
    paths = [path_from_db(p) for (p,) in conn.execute(query, exact)]
    if not paths:
        name = slug.rsplit("/", 1)[-1]
        pattern = "%" + name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + ".%"
        query = "SELECT path FROM posts WHERE path LIKE ? ESCAPE '\\'"
        found = [path_from_db(p) for (p,) in conn.execute(query, (pattern,))]
        paths = [p for p in found if slug_matches(slug, p)]
    if len(paths) > 1:
        query = f"SELECT path FROM posts WHERE path IN ({marks(len(paths))})"
        order = " ORDER BY date_key DESC, id DESC"
        paths = [
            path_from_db(p) for (p,) in conn.execute(query + order, [path_to_db(p) for p in paths])
        ]
    return paths[0] if paths else None
