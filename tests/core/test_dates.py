"""Every date form to an aware UTC datetime; naive ones in the site's zone, else UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from reader.core.dates import date_from_filename, from_mtime_ns, parse_date

TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Fri, 25 Mar 2022 00:00:00 GMT", datetime(2022, 3, 25, tzinfo=UTC)),
        ("Mon, 22 Oct 2018 11:26:54 +0800", datetime(2018, 10, 22, 3, 26, 54, tzinfo=UTC)),
        ("2021-09-13 08:08:37", datetime(2021, 9, 13, 8, 8, 37, tzinfo=UTC)),
        ("2019/05/14", datetime(2019, 5, 14, tzinfo=UTC)),
        ("2019/8/1", datetime(2019, 8, 1, tzinfo=UTC)),
        ("2018-08-27", datetime(2018, 8, 27, tzinfo=UTC)),
        ("2019-01-11 22:13", datetime(2019, 1, 11, 22, 13, tzinfo=UTC)),
        ("2018-07-11T11:13:29+01:00", datetime(2018, 7, 11, 10, 13, 29, tzinfo=UTC)),
        ("2017-07-23T21:28:13Z", datetime(2017, 7, 23, 21, 28, 13, tzinfo=UTC)),
        ("2021-05-01T10:00+0800", datetime(2021, 5, 1, 2, 0, tzinfo=UTC)),
        ("2021-05-01T10:00:00.250-05:00", datetime(2021, 5, 1, 15, 0, 0, 250000, tzinfo=UTC)),
        ("2021-05-01 10:00:00 UTC", datetime(2021, 5, 1, 10, tzinfo=UTC)),
        ("1650000000", datetime(2022, 4, 15, 5, 20, tzinfo=UTC)),
        (1650000000, datetime(2022, 4, 15, 5, 20, tzinfo=UTC)),
        (1650000000000, datetime(2022, 4, 15, 5, 20, tzinfo=UTC)),
        (1650000000.5, datetime(2022, 4, 15, 5, 20, 0, 500000, tzinfo=UTC)),
        (date(2020, 2, 29), datetime(2020, 2, 29, tzinfo=UTC)),
        (datetime(2020, 2, 29, 12), datetime(2020, 2, 29, 12, tzinfo=UTC)),
        (
            datetime(2020, 2, 29, 12, tzinfo=timezone(timedelta(hours=2))),
            datetime(2020, 2, 29, 10, tzinfo=UTC),
        ),
    ],
)
def test_forms(value: object, expected: datetime) -> None:
    parsed = parse_date(value)
    assert parsed == expected
    assert parsed is not None and parsed.tzinfo == UTC


@pytest.mark.parametrize(
    "value",
    ["", "  ", "soon", "2019-02-30", "2019-13-01", None, True, [], {}, "99999999999999999999"],
)
def test_not_dates(value: object) -> None:
    assert parse_date(value) is None


def test_naive_values_use_the_site_zone_aware_ones_do_not() -> None:
    assert parse_date("2020-03-30 19:20:00", TOKYO) == datetime(2020, 3, 30, 10, 20, tzinfo=UTC)
    assert parse_date(date(2020, 3, 30), TOKYO) == datetime(2020, 3, 29, 15, tzinfo=UTC)
    assert parse_date("2020-03-30T19:20:00Z", TOKYO) == datetime(2020, 3, 30, 19, 20, tzinfo=UTC)
    assert parse_date("Fri, 25 Mar 2022 00:00:00 GMT", TOKYO) == datetime(2022, 3, 25, tzinfo=UTC)


def test_file_name_prefix() -> None:
    assert date_from_filename("2012-04-24-a-peek.markdown") == datetime(2012, 4, 24, tzinfo=UTC)
    assert date_from_filename("2012-04-24-x.md", TOKYO) == datetime(2012, 4, 23, 15, tzinfo=UTC)
    assert date_from_filename("220907-毕业总结.md") is None
    assert date_from_filename("2012-04-24.md") is None
    assert date_from_filename("2012-02-31-bad.md") is None


def test_mtime() -> None:
    assert from_mtime_ns(1_600_000_000_000_000_000) == datetime(2020, 9, 13, 12, 26, 40, tzinfo=UTC)
