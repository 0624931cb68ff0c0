"""`reader bench`'s "convert per post": converting a post body to Markdown, alone (no reading,
parsing or rendering), median over every post of a corpus of real posts."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from reader.core.convert import Converted, to_markdown
from reader.core.model import BodyFormat

Converter = Callable[[str, BodyFormat], Converted]


def corpus_bodies(corpus: Path) -> Iterator[tuple[str, BodyFormat]]:
    """(body, format) of every post of every site folder in `corpus`."""
    from reader.core.parse import read_post
    from reader.core.scan import SiteError, scan, site_at

    for folder in sorted(path for path in corpus.iterdir() if path.is_dir()):
        try:
            site = site_at(folder)
        except SiteError:
            continue  # not a site: nothing to convert
        for ref in scan(site):
            parsed = read_post(site, ref)
            yield parsed.body, parsed.post.format


def convert_seconds(
    bodies: list[tuple[str, BodyFormat]], repeats: int, convert: Converter = to_markdown
) -> float:
    """The median over posts of each post's fastest conversion of `repeats` (noise is slower,
    never faster)."""
    per_post = []
    for body, fmt in bodies:
        fastest = float("inf")
        for _ in range(max(1, repeats)):
            started = time.perf_counter()
            convert(body, fmt)
            fastest = min(fastest, time.perf_counter() - started)
        per_post.append(fastest)
    return statistics.median(per_post) if per_post else 0.0
