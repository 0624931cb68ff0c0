"""Acceptance 2: the real archives in ../shared/corpus, each given by its site root.

Every post is listed with no error, its categories equal its front matter as the dialect
reads it, and its date equals the front-matter date in UTC (Jekyll and front-matter-less
Hexo posts: the file-name date). Expected values are computed here independently and
simply (yaml.safe_load / tomllib of the header), not with the parser under test.
"""

from __future__ import annotations

import json
import re
import tomllib
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import CORPUS, reader_here

SUFFIXES = {".md", ".markdown", ".mdown", ".mkd", ".html", ".htm"}
HEXO_SITES = [
    "rsshub-page",
    "hexojs+site",
    "liuyunzhuge+hexo-blog",
    "titangene+hexo-blog",
    "wqdygkd+hexo-blog",
    "xzMhehe+hexo-blog",
    "yukiyalien+blog",
]
SITES = [
    *((name, "hexo", "source/_posts") for name in HEXO_SITES),
    ("elixir-lang+elixir-lang.github.com", "jekyll", "_posts"),
    ("coredns+coredns.io", "hugo", "content"),
]


def front_matter(text: str) -> dict[str, Any]:
    text = text.lstrip("\r\n").replace("\r\n", "\n")
    for fence, load in (("---", yaml.safe_load), ("+++", tomllib.loads)):
        if text.startswith(fence):
            header = text.split("\n", 1)[1].split("\n" + fence, 1)[0]
            if header.startswith(fence):  # empty front matter
                return {}
            loaded: dict[str, Any] = load(header) or {}
            return loaded
    return {}


def expected_categories(kind: str, meta: dict[str, Any], rel: Path) -> list[list[str]]:
    value = meta.get("categories")
    if value in (None, [], "") and kind == "jekyll":
        value = meta.get("category")
    folder = [list(rel.parent.parts)] if rel.parent.parts else []
    if value in (None, [], ""):
        return folder
    if isinstance(value, str):
        return [value.split()] if kind == "jekyll" and "categories" in meta else [[value]]
    if kind == "hugo":
        return [[str(item)] for item in value]
    if any(isinstance(item, list) for item in value):
        return [[str(x) for x in item] if isinstance(item, list) else [str(item)] for item in value]
    return [[str(item) for item in value]]


def expected_date(meta: dict[str, Any], name: str) -> tuple[datetime, str]:
    value = meta.get("date")
    if value is None:
        match = re.match(r"(\d{4})-(\d{2})-(\d{2})-", name)
        assert match, f"{name}: no date anywhere"
        year, month, day = map(int, match.groups())
        return datetime(year, month, day, tzinfo=UTC), "filename"
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day)
    elif re.match(r"\d{4}[-/]", value):
        parsed = datetime.fromisoformat(value.replace("/", "-"))
    else:
        parsed = parsedate_to_datetime(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)  # the corpus site roots have no _config.yml
    return parsed.astimezone(UTC), "front-matter"


@pytest.mark.parametrize(("name", "kind", "posts_dir"), SITES, ids=[s[0] for s in SITES])
def test_site_lists_every_post_with_front_matter_categories_and_dates(
    corpus: Path, name: str, kind: str, posts_dir: str
) -> None:
    site = corpus / name
    result = reader_here("list", str(site), "--json")
    assert result.returncode == 0, result.stderr
    listed = {record["path"]: record for record in map(json.loads, result.stdout.splitlines())}
    files = sorted(
        p
        for p in (site / posts_dir).rglob("*")
        if p.is_file() and p.name.lower().endswith(tuple(SUFFIXES))
    )
    expected_paths = {p.relative_to(site).as_posix() for p in files}
    if name == "rsshub-page":
        assert len(expected_paths) == 95  # hidden `.md` included
    assert set(listed) == expected_paths
    assert list(listed) == sorted(listed)
    for path in files:
        record = listed[path.relative_to(site).as_posix()]
        meta = front_matter(path.read_text(encoding="utf-8"))
        rel = path.relative_to(site / posts_dir)
        assert record["error"] is None, (path, record["error"])
        assert record["title"], path
        assert record["categories"] == expected_categories(kind, meta, rel), path
        when, source = expected_date(meta, path.name)
        assert record["date"] == when.isoformat(), path
        assert record["date_source"] == source, path
    if name == "rsshub-page":
        assert {record["format"] for record in listed.values()} == {"html"}
    elif CORPUS.is_dir():
        assert {record["format"] for record in listed.values()} == {"markdown"}
