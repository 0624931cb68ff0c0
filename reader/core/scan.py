"""Find a library's post files: site detection by folders, then a careful walk.

Detection looks at folders only (mirrors often lack their config files): `source/_posts` is
Hexo, `_posts` Jekyll, `content` Hugo, anything else is its own posts root. Opening a site or
its posts root gives the same library (the realpath of the posts root). A single post file is
a library of its own, keyed by its realpath.

The walk uses `os.scandir` and never opens a file: non-regular files (a FIFO would hang a
read), links that leave the root, link loops and unreadable folders come out as `FileRef`s
with an `error`, so nothing vanishes silently. Directory links are never followed: a target
inside the root is walked at its real place anyway, one outside the root must not be.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path
from stat import S_ISREG
from typing import Literal, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from reader.core.errors import LibraryError

SiteKind = Literal["hexo", "jekyll", "hugo", "folder", "file"]

POST_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd", ".html", ".htm"})
SKIPPED_FOLDERS = frozenset({"node_modules", "public", "themes", "scaffolds"})
DRAFTS_PREFIX = "_drafts/"

ERROR_NOT_REGULAR = "not a regular file"
ERROR_LINK_LEAVES = "link leaves the library"
ERROR_LINK_LOOP = "symlink loop"
ERROR_LINK_BROKEN = "broken link"
ERROR_PERMISSION = "permission denied"

_HUGO_MARKERS = (
    "hugo.toml",
    "hugo.yaml",
    "hugo.json",
    "config.toml",
    "config.yaml",
    "archetypes",
)
_CONFIG_LIMIT = 1024 * 1024


class SiteError(LibraryError):
    """The library path is missing, not a folder or unreadable (CLI exit code 2)."""


@dataclass(frozen=True, slots=True)
class Site:
    kind: SiteKind
    posts_root: Path
    """Realpath of the posts root: the library identity."""
    drafts_root: Path | None
    """Only when drafts were asked for and the folder exists."""
    timezone: tzinfo | None
    """From Hexo `_config.yml` `timezone`; None means naive times are UTC."""
    url: str | None = None
    """Hexo `_config.yml` `url`: where the site is published."""
    permalink: str | None = None
    """Hexo `_config.yml` `permalink` (None: not set, Hexo's default applies)."""
    only: str | None = None
    """A lone post read on its own (`reader FILE.md`): its file name in `posts_root`, the one
    post of the library."""

    @property
    def identity(self) -> Path:
        """What the stores key the library by: the posts root, or the lone post's real path."""
        return self.posts_root / self.only if self.only is not None else self.posts_root


class FileRef(NamedTuple):
    """One file the walk found (a tuple: a sync makes one per file, 100k for a big library)."""

    relpath: str
    """POSIX, relative to posts_root; surrogate escapes for undecodable bytes; drafts as
    `_drafts/<rel>`."""
    size: int
    mtime_ns: int
    draft: bool = False
    error: str | None = None
    """Unreadable, not a regular file, link leaving the root... (still listed)."""


def detect_site(path: str | os.PathLike[str], *, drafts: bool = False) -> Site:
    """Work out the site kind and posts root of `path`; raise `SiteError` when unusable."""
    given = Path(os.fspath(path)).expanduser()
    _check_folder(given)
    site_root, kind = _classify(given.resolve())
    if kind == "hexo":
        posts, draft_dir = site_root / "source" / "_posts", site_root / "source" / "_drafts"
    elif kind == "jekyll":
        posts, draft_dir = site_root / "_posts", site_root / "_drafts"
    elif kind == "hugo":
        posts, draft_dir = site_root / "content", None
    else:
        posts, draft_dir = site_root, None
    posts_root = posts.resolve()
    _check_folder(posts_root)
    drafts_root = None
    if drafts and draft_dir is not None and draft_dir.is_dir():
        drafts_root = draft_dir.resolve()
    if kind != "hexo":
        return Site(kind, posts_root, drafts_root, None)
    config = _read_config(site_root / "_config.yml")
    return Site(
        kind,
        posts_root,
        drafts_root,
        _hexo_timezone(config),
        _config_scalar(config, "url"),
        _config_scalar(config, "permalink"),
    )


def lone_post_site(path: str | os.PathLike[str]) -> Site:
    """A post file read on its own, outside any library; raise `SiteError` when unusable."""
    given = Path(os.fspath(path)).expanduser()
    if given.is_dir():
        raise SiteError(f"not a file (a folder): {_shown(given)}")
    if not given.exists():
        raise SiteError(f"no such file: {_shown(given)}")
    real = given.resolve()
    if not is_post_name(real.name):
        suffixes = ", ".join(sorted(POST_SUFFIXES))
        raise SiteError(f"not a post file ({suffixes}): {_shown(given)}")
    return Site("file", real.parent, None, None, only=real.name)


def site_at(path: str | os.PathLike[str], *, drafts: bool = False) -> Site:
    """The library at `path`: a site or folder of posts, or one post file on its own."""
    if Path(os.fspath(path)).expanduser().is_file():
        return lone_post_site(path)
    return detect_site(path, drafts=drafts)


def _check_folder(path: Path) -> None:
    try:
        if not path.is_dir():
            if path.exists():
                raise SiteError(f"not a folder: {_shown(path)}")
            raise SiteError(f"no such folder: {_shown(path)}")
        with os.scandir(path):
            pass
    except PermissionError:
        raise SiteError(f"permission denied: {_shown(path)}") from None
    except OSError as error:
        raise SiteError(f"cannot read {_shown(path)}: {error.strerror}") from None


def _shown(path: Path) -> str:
    from reader.core.sanitize import sanitize_line

    return sanitize_line(display_name(str(path)))


def _classify(path: Path) -> tuple[Path, SiteKind]:
    """(site root, kind) for a site root or for a posts root given directly."""
    if (path / "source" / "_posts").is_dir():
        return path, "hexo"
    if path.name == "source" and (path / "_posts").is_dir() and _looks_hexo(path.parent):
        return path.parent, "hexo"
    if (path / "_posts").is_dir():
        return path, "jekyll"
    if (path / "content").is_dir():
        return path, "hugo"
    parent = path.parent
    if path.name == "_posts":
        if parent.name == "source":
            return parent.parent, "hexo"
        return parent, "jekyll"
    if path.name == "content" and any((parent / m).exists() for m in _HUGO_MARKERS):
        return parent, "hugo"
    return path, "folder"


def _looks_hexo(site_root: Path) -> bool:
    return any((site_root / m).exists() for m in ("_config.yml", "scaffolds", "package.json"))


def _read_config(config: Path) -> str:
    """The start of a Hexo `_config.yml` (the file may be huge or hostile; only a few top-level
    scalars are wanted, read by line matches)."""
    try:
        with config.open("rb") as handle:
            return handle.read(_CONFIG_LIMIT).decode("utf-8", errors="replace")
    except OSError:
        return ""


def _config_scalar(text: str, key: str) -> str | None:
    """A top-level scalar of the config, unquoted; None when absent or empty."""
    match = re.search(rf"^{re.escape(key)}:[ \t]*(.*?)[ \t]*(?:#.*)?$", text, re.MULTILINE)
    if not match:
        return None
    value = match[1].strip().strip("'\"").strip()
    return value or None


def _hexo_timezone(text: str) -> tzinfo | None:
    """The config's `timezone`; empty or unknown zones give None (UTC)."""
    name = _config_scalar(text, "timezone")
    if name is None:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def is_post_name(name: str) -> bool:
    """A post file name: one of the post suffixes (a hidden `.md` file counts too)."""
    dot = name.rfind(".")
    return dot >= 0 and name[dot:].lower() in POST_SUFFIXES


def display_name(text: str) -> str:
    """Surrogate escapes (bytes that were not UTF-8) shown as replacement characters."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return text


def scan(site: Site) -> Iterator[FileRef]:
    """Every post file of the site (posts root, then drafts), errors included, unsorted."""
    if site.only is not None:
        yield _lone(site.posts_root, site.only)
        return
    yield from _walk(site.posts_root, "", draft=False)
    if site.drafts_root is not None:
        yield from _walk(site.drafts_root, DRAFTS_PREFIX, draft=True)


def refs_at(site: Site, relpaths: Iterable[str]) -> Iterator[FileRef]:
    """The post files at `relpaths` (as `FileRef.relpath` names them) as the walk finds them
    now: a folder with its files; a path that is gone, not a post or where the walk does not
    go (a hidden or skipped folder) gives nothing. Each file once, though a folder and a
    file in it were both given."""
    given = set(relpaths)
    for relpath in sorted(given):
        if any(folder in given for folder in _folders_of(relpath)):
            continue  # the walk of its folder finds it
        if site.only is not None:
            if relpath == site.only:
                yield _lone(site.posts_root, site.only)
            continue
        draft = relpath.startswith(DRAFTS_PREFIX) and site.drafts_root is not None
        root = site.drafts_root if draft and site.drafts_root is not None else site.posts_root
        inner = relpath[len(DRAFTS_PREFIX) :] if draft else relpath
        *folders, name = inner.split("/")
        if any(skipped_folder(folder) for folder in folders):
            continue
        path = root.joinpath(inner)
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            continue
        except OSError as error:
            yield _unreadable(relpath, draft, error)
            continue
        root_str = os.fspath(root)
        if stat.S_ISLNK(info.st_mode):
            entry = _Entry(os.fspath(path), name)
            ref = _link(entry, relpath, root_str, root_str.rstrip(os.sep) + os.sep, draft)
            if ref is not None:
                yield ref
        elif stat.S_ISDIR(info.st_mode):
            if not skipped_folder(name):
                yield from _walk(path, relpath + "/", draft=draft)
        elif is_post_name(name):
            yield _ref(relpath, info, draft)


def _folders_of(relpath: str) -> Iterator[str]:
    """`a/b/c.md` -> `a`, `a/b`."""
    parts = relpath.split("/")
    for end in range(1, len(parts)):
        yield "/".join(parts[:end])


def skipped_folder(folder: str) -> bool:
    """A folder the walk does not enter (hidden, or a site's build and theme folders)."""
    return not folder or folder[0] == "." or folder in SKIPPED_FOLDERS


class _Entry(NamedTuple):
    """What `_link` reads of a directory entry, for a path found without a walk."""

    path: str
    name: str


def _walk(root: Path, prefix: str, *, draft: bool) -> Iterator[FileRef]:
    root_str = os.fspath(root)
    root_with_sep = root_str.rstrip(os.sep) + os.sep
    stack: list[tuple[str, str]] = [(root_str, prefix)]
    while stack:
        folder, rel = stack.pop()
        try:
            with os.scandir(folder) as entries:
                items = list(entries)
        except PermissionError:
            yield FileRef(rel.rstrip("/") or ".", 0, 0, draft, ERROR_PERMISSION)
            continue
        except OSError as error:
            yield FileRef(rel.rstrip("/") or ".", 0, 0, draft, f"cannot read folder: {error}")
            continue
        # Once per file of the library: is_post_name and _ref are inlined for regular files.
        for entry in items:
            name = entry.name
            relpath = rel + name
            try:
                if entry.is_symlink():
                    ref = _link(entry, relpath, root_str, root_with_sep, draft)
                    if ref is not None:
                        yield ref
                    continue
                if entry.is_dir(follow_symlinks=False):
                    if name[0] != "." and name not in SKIPPED_FOLDERS:
                        stack.append((entry.path, relpath + "/"))
                    continue
                dot = name.rfind(".")
                if dot < 0 or name[dot:].lower() not in POST_SUFFIXES:
                    continue
                info = entry.stat(follow_symlinks=False)
            except OSError as error:
                yield _unreadable(relpath, draft, error)
                continue
            if S_ISREG(info.st_mode):
                yield FileRef(relpath, info.st_size, info.st_mtime_ns, draft)
            else:
                yield _ref(relpath, info, draft)


def _unreadable(relpath: str, draft: bool, error: OSError) -> FileRef:
    """A file listed with why it cannot be read."""
    if isinstance(error, PermissionError):
        return FileRef(relpath, 0, 0, draft, ERROR_PERMISSION)
    return FileRef(relpath, 0, 0, draft, f"cannot read: {error.strerror}")


def _lone(folder: Path, name: str) -> FileRef:
    try:
        info = os.stat(folder / name)
    except OSError as error:
        return _unreadable(name, False, error)
    return _ref(name, info, False)


def _ref(relpath: str, info: os.stat_result, draft: bool) -> FileRef:
    if stat.S_ISREG(info.st_mode):
        return FileRef(relpath, info.st_size, info.st_mtime_ns, draft)
    return FileRef(relpath, 0, info.st_mtime_ns, draft, ERROR_NOT_REGULAR)


def _link(
    entry: os.DirEntry[str] | _Entry, relpath: str, root: str, root_with_sep: str, draft: bool
) -> FileRef | None:
    """A symbolic link: a post when it points at a regular file inside the root."""
    target = os.path.realpath(entry.path)
    inside = target == root or target.startswith(root_with_sep)
    try:
        info = os.stat(entry.path)
    except OSError as error:
        if error.errno == errno.ELOOP:
            return FileRef(relpath, 0, 0, draft, ERROR_LINK_LOOP)
        if is_post_name(entry.name):
            return FileRef(relpath, 0, 0, draft, ERROR_LINK_BROKEN)
        return None
    if stat.S_ISDIR(info.st_mode):
        if skipped_folder(entry.name):
            return None
        if not inside:
            return FileRef(relpath, 0, 0, draft, ERROR_LINK_LEAVES)
        folder = entry.path.rsplit(os.sep, 1)[0]
        if folder == target or folder.startswith(target + os.sep):
            return FileRef(relpath, 0, 0, draft, ERROR_LINK_LOOP)
        return None  # walked at its real place
    if not is_post_name(entry.name):
        return None
    if not inside:
        return FileRef(relpath, 0, 0, draft, ERROR_LINK_LEAVES)
    return _ref(relpath, info, draft)


def post_file_path(site: Site, relpath: str) -> Path:
    """Absolute path of a post's relpath (drafts live under the drafts root)."""
    if relpath.startswith(DRAFTS_PREFIX) and site.drafts_root is not None:
        return site.drafts_root / relpath[len(DRAFTS_PREFIX) :]
    return site.posts_root / relpath
