"""The one model every post dialect is read into."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

BodyFormat = Literal["html", "markdown"]
DateSource = Literal["front-matter", "filename", "mtime"]
CategoryPath = tuple[str, ...]

CATEGORY_SEPARATOR = " › "
"""Between the levels of a category path, wherever one is shown (`Tech › Python`)."""
CATEGORIES_SEPARATOR = "; "
"""Between two category paths of one post."""


def category_label(path: Sequence[str], clean: Callable[[str], str] = str) -> str:
    """One category path as shown everywhere: its levels (each passed through `clean`)."""
    return CATEGORY_SEPARATOR.join(clean(part) for part in path)


@dataclass(frozen=True, slots=True)
class Post:
    """Metadata of one post file. The body is not kept: it is read and converted on demand."""

    path: str
    """POSIX path relative to the posts root; undecodable bytes kept as surrogate escapes."""
    title: str
    date: datetime | None
    """Timezone-aware, in UTC."""
    date_source: DateSource
    categories: tuple[CategoryPath, ...] = ()
    tags: tuple[str, ...] = ()
    author: str | None = None
    url: str | None = None
    cover: str | None = None
    updated: datetime | None = None
    draft: bool = False
    format: BodyFormat = "markdown"
    error: str | None = None
    """Why the file could not be read fully; the post stays listed either way."""
    identity: tuple[str, ...] = field(default=())
    """Front-matter `id`/`permalink`/`link`/`url` values, used to relink a renamed file."""
