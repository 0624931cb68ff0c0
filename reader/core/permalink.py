"""Hexo permalinks: recognise a link to the site's own post, and build a post's URL.

A Hexo site publishes each post at `url` + `permalink` from `_config.yml` (default
`:year/:month/:day/:title/`). Posts link to each other by those URLs (`/2023/01/02/slug/` or
`https://site/2023/...`); reader maps such a link back to the pattern's tokens, and the
library looks the post up by them. Patterns with tokens Hexo does not define are not guessed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import PurePosixPath
from urllib.parse import quote, unquote, urlsplit

DEFAULT_PERMALINK = ":year/:month/:day/:title/"

# Hexo's tokens and what each matches inside a URL path.
_TOKENS = {
    "year": r"\d{4}",
    "month": r"\d{2}",
    "i_month": r"\d{1,2}",
    "day": r"\d{2}",
    "i_day": r"\d{1,2}",
    "title": r".+?",  # the file's path under _posts: may hold folders
    "name": r"[^/]+?",
    "post_title": r"[^/]+?",
    "id": r"[^/]+?",
    "category": r".+?",
    "hash": r"[0-9a-fA-F]+",
}
_TOKEN = re.compile(r":([a-z_]+)")


@dataclass(frozen=True, slots=True)
class Permalink:
    """A parsed `permalink` pattern."""

    pattern: str
    regex: re.Pattern[str]

    @classmethod
    def parse(cls, pattern: str) -> Permalink | None:
        """The pattern, or None when it is empty or uses a token Hexo does not define."""
        pattern = pattern.strip().lstrip("/")
        if not pattern:
            return None
        parts: list[str] = []
        seen: set[str] = set()
        position = 0
        # A token name runs to the first character outside [a-z_] (`:title.html`, `:year-`).
        for match in _TOKEN.finditer(pattern):
            name = match[1]
            if name not in _TOKENS:
                return None
            parts.append(re.escape(pattern[position : match.start()]))
            group = name if name not in seen else None
            seen.add(name)
            body = _TOKENS[name]
            parts.append(f"(?P<{group}>{body})" if group else f"(?:{body})")
            position = match.end()
        tail = pattern[position:]
        if tail.endswith("/"):  # `…/` is also served as `…` and as `…/index.html`
            parts.append(re.escape(tail[:-1]) + r"(?:/|/index\.html)?")
        else:
            parts.append(re.escape(tail))
        return cls(pattern, re.compile("".join(parts) + r"\Z"))

    @property
    def tokens(self) -> set[str]:
        return set(self.regex.groupindex)

    def match(self, path: str) -> dict[str, str] | None:
        """The token values of a URL path relative to the site root (percent-decoded)."""
        found = self.regex.match(unquote(path.lstrip("/")))
        return None if found is None else {k: v for k, v in found.groupdict().items() if v}

    def build(self, values: dict[str, str]) -> str | None:
        """The path for token values; None when one of the pattern's tokens has no value."""
        missing = False

        def value(match: re.Match[str]) -> str:
            nonlocal missing
            text = values.get(match[1])
            if text is None:
                missing = True
                return ""
            return quote(text, safe="/")

        path = _TOKEN.sub(value, self.pattern)
        return None if missing else path


@dataclass(frozen=True, slots=True)
class SiteLink:
    """A link to one of the site's own posts: the pattern's token values and the `#anchor`."""

    values: dict[str, str]
    anchor: str | None


@dataclass(frozen=True, slots=True)
class SiteLinks:
    """The site's `url` (scheme, host, root path) and `permalink`."""

    permalink: Permalink
    host: str | None
    root: str
    timezone: tzinfo | None = None
    scheme: str = "https"

    @classmethod
    def make(
        cls, url: str | None, permalink: str | None, timezone: tzinfo | None = None
    ) -> SiteLinks | None:
        """From `_config.yml` values (None: Hexo's defaults); None for an unknown pattern."""
        parsed = Permalink.parse(permalink if permalink is not None else DEFAULT_PERMALINK)
        if parsed is None:
            return None
        host, root, scheme = None, "/", "https"
        if url:
            parts = urlsplit(url.strip())
            if parts.scheme in ("http", "https") and parts.netloc:
                host, scheme = parts.netloc.lower(), parts.scheme
                root = parts.path.rstrip("/") + "/"
        return cls(parsed, host, root, timezone, scheme)

    def match(self, href: str) -> SiteLink | None:
        """The post a link names by its permalink, or None for any other link."""
        try:
            parts = urlsplit(href.strip())
        except ValueError:
            return None
        if parts.scheme or parts.netloc:
            if parts.scheme not in ("http", "https") or parts.netloc.lower() != self.host:
                return None
        elif not parts.path.startswith("/"):
            return None  # relative links name files, not permalinks
        path = parts.path
        if not path.startswith(self.root) and path + "/" != self.root:
            return None
        values = self.permalink.match(path[len(self.root) :])
        if values is None:
            return None
        return SiteLink(values, unquote(parts.fragment) or None)

    def post_url(
        self,
        relpath: str,
        title: str,
        date: datetime | None,
        categories: Sequence[Sequence[str]],
    ) -> str | None:
        """The published URL of a post, or None when `url` is unknown or a token cannot be
        filled (no date, or `:id`/`:hash`, which reader does not keep)."""
        if self.host is None:
            return None
        values = post_tokens(relpath, title, date, categories, self.timezone)
        path = self.permalink.build(values)
        if path is None:
            return None
        return f"{self.scheme}://{self.host}{self.root}{path}"


def post_tokens(
    relpath: str,
    title: str,
    date: datetime | None,
    categories: Sequence[Sequence[str]],
    timezone: tzinfo | None = None,
) -> dict[str, str]:
    """The token values Hexo would give a post (those reader can know)."""
    stem = str(PurePosixPath(relpath).with_suffix(""))
    values = {"title": stem, "name": PurePosixPath(stem).name, "post_title": title}
    if categories:
        values["category"] = "/".join(categories[0])
    if date is not None:
        local = date.astimezone(timezone or UTC) if date.tzinfo is not None else date
        values.update(
            year=f"{local.year:04d}",
            month=f"{local.month:02d}",
            day=f"{local.day:02d}",
            i_month=str(local.month),
            i_day=str(local.day),
        )
    return values
