"""How a library is named to people: by its site folder (`blog`), not its posts root
(`/home/me/blog/source/_posts`, the key the stores use). The full path of the site folder goes
with the name where the place matters (choosing among libraries, stats, error messages)."""

from __future__ import annotations

import os
from pathlib import Path

from reader.core.sanitize import sanitize_line
from reader.core.scan import display_name

# Posts folders under a site folder (Hexo, Jekyll, Hugo), as the scanner finds them.
_POSTS_FOLDERS = (("source", "_posts"), ("_posts",), ("content",))


def site_folder(root: str | os.PathLike[str]) -> Path:
    """The site folder of a library root (a plain folder of posts, or a lone post, is its own)."""
    path = Path(os.fspath(root))
    for tail in _POSTS_FOLDERS:
        if path.parts[-len(tail) :] == tail and len(path.parts) > len(tail) + 1:
            return path.parents[len(tail) - 1]
    return path


def library_name(root: str | os.PathLike[str]) -> str:
    """The site folder's name, safe to show."""
    folder = site_folder(root)
    return sanitize_line(display_name(folder.name or str(folder)))


def library_label(root: str | os.PathLike[str]) -> str:
    """`name (/full/path/of/the/site)`, safe to show."""
    folder = site_folder(root)
    return f"{library_name(root)} ({sanitize_line(display_name(str(folder)))})"
