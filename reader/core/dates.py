"""Every date form found in real posts, to a timezone-aware datetime in UTC.

Accepted: RFC 822 (`Fri, 25 Mar 2022 00:00:00 GMT`), ISO 8601 with or without offset, `T`,
seconds or fraction (`2021-09-13 08:08:37`, `2019-01-11 22:13`, `2018-07-11T11:13:29+01:00`),
slashes (`2019/05/14`), a bare date, epoch seconds (or milliseconds), YAML and TOML date and
datetime values. A value without a zone is read in `tz` (the site's zone), else as UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime

_ISO = re.compile(
    r"""
    (?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})
    (?:[T\s]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<f>\d+))?)?)?
    \s*(?P<z>Z|[+-]\d{2}(?::?\d{2})?|UTC|GMT)?
    \s*$
    """,
    re.VERBOSE | re.IGNORECASE,
)
_EPOCH = re.compile(r"-?\d{9,13}(?:\.\d+)?$")
_FILENAME = re.compile(r"(\d{4})-(\d{2})-(\d{2})-")

# Epoch values are accepted between 1970 and 2200 (seconds), larger ones are milliseconds.
_EPOCH_MS_FROM = 10_000_000_000


def parse_date(value: object, tz: tzinfo | None = None) -> datetime | None:
    """Return `value` as an aware UTC datetime, or None when it is not a date we understand."""
    try:
        return _parse(value, tz)
    except (ValueError, OverflowError, OSError, TypeError):
        return None


def _parse(value: object, tz: tzinfo | None) -> datetime | None:
    if isinstance(value, datetime):
        return _to_utc(value, tz)
    if isinstance(value, date):
        return _to_utc(datetime.combine(value, time()), tz)
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return _from_epoch(float(value))
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text:
        return None
    match = _ISO.match(text)
    if match:
        return _from_iso(match, tz)
    if _EPOCH.match(text):
        return _from_epoch(float(text))
    parsed = parsedate_to_datetime(text)  # raises ValueError when it is not RFC 822
    return _to_utc(parsed, tz)


def _from_iso(match: re.Match[str], tz: tzinfo | None) -> datetime:
    fraction = (match["f"] or "0")[:6].ljust(6, "0")
    naive = datetime(
        int(match["y"]),
        int(match["m"]),
        int(match["d"]),
        int(match["H"] or 0),
        int(match["M"] or 0),
        int(match["S"] or 0),
        int(fraction),
    )
    zone = match["z"]
    if zone is None:
        return _to_utc(naive, tz)
    if zone.upper() in ("Z", "UTC", "GMT"):
        return naive.replace(tzinfo=UTC)
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
    return naive.replace(tzinfo=timezone(sign * offset)).astimezone(UTC)


def _from_epoch(seconds: float) -> datetime:
    if abs(seconds) >= _EPOCH_MS_FROM:
        seconds /= 1000
    return datetime.fromtimestamp(seconds, UTC)


def _to_utc(value: datetime, tz: tzinfo | None) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        value = value.replace(tzinfo=tz or UTC)
    return value.astimezone(UTC)


def date_from_filename(name: str, tz: tzinfo | None = None) -> datetime | None:
    """The `YYYY-MM-DD-` prefix of a Jekyll (or Hexo) post file name, at midnight in `tz`."""
    match = _FILENAME.match(name)
    if not match:
        return None
    try:
        day = datetime(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
    return _to_utc(day, tz)


def from_mtime_ns(mtime_ns: int) -> datetime:
    """A file's modification time as an aware UTC datetime (the last-resort post date)."""
    return datetime.fromtimestamp(mtime_ns / 1_000_000_000, UTC)
