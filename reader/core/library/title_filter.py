"""What the title filter found: posts with their casefolded titles, narrowed in memory as the
filter text grows.

Narrowing runs in C: `map(contains, titles, repeat(word))` tests each title and `compress`
keeps the ids and titles of the ones that hold the word; no Python bytecode runs per post.
Titles read for one filter text stay UTF-8 bytes as SQLite hands them over (decoding them
costs as much as the scan); every title read ahead is str (`in` on str is ~5x faster than on
bytes, which goes through the buffer protocol). Ids are an `array('q')` (8 bytes each; a list
of ints takes ~36).
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import compress, repeat
from operator import contains
from typing import cast


@dataclass(frozen=True, slots=True)
class Titled:
    """Posts with their casefolded titles, in list order: `ids[n]` is titled `titles[n]`
    (UTF-8)."""

    ids: Sequence[int]
    titles: Sequence[str] | Sequence[bytes]

    def having(self, words: Sequence[str]) -> Titled:
        """Those whose titles hold every word (a substring of the casefolded title), in the
        same order."""
        ids, titles = self.ids, self.titles
        for word in words:
            if titles and isinstance(titles[0], bytes):
                utf8 = cast(Sequence[bytes], titles)
                sought = word.encode("utf-8", "surrogatepass")
                keep = list(map(bytes.count, utf8, repeat(sought)))  # a count: >0 if found
            else:
                keep = list(map(contains, titles, repeat(word)))
            ids = array("q", compress(ids, keep))
            titles = list(compress(titles, keep))  # type: ignore[assignment]
        return Titled(ids, titles)


def words_of(filter_text: str) -> list[str]:
    """The words a filter text asks for, casefolded (what titles are matched against)."""
    return filter_text.casefold().split()


def keep_ids(base: Sequence[int], matching: Sequence[int]) -> array[int]:
    """Those of `base` that are in `matching`, in the order of `base`."""
    wanted = set(matching)
    if len(wanted) == len(base) and wanted.issuperset(base):
        return array("q", base)  # all of them (Unread before anything is read)
    return array("q", compress(base, map(wanted.__contains__, base)))
