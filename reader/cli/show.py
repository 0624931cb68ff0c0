"""`reader show FILE [--library PATH] [--body-only]`: one post as sanitized Markdown on stdout.

The post is read the way its library reads it: the library is PATH when given, else the
deepest known library holding FILE, else the Hexo/Jekyll/Hugo site found above FILE
(`source/_posts`, `_posts`, `_drafts`, `content`), else FILE's own folder. So the category
path, the timezone of naive dates and the site's dialect come out as in `reader list`.

stdout is Markdown only: a `# Title` line and a short metadata list, a rule, then the
converted body (`--body-only` prints the body alone). Notices (a body cut for size, a file
error) go to stderr. Exit codes: 0 shown, 1 nothing to show (e.g. not text), 2 bad usage or a
missing/unreadable FILE or PATH.
"""

from __future__ import annotations

import argparse
import os
import stat
import sys
from pathlib import Path

from reader.cli import UsageError
from reader.core.convert import to_markdown
from reader.core.errors import LibraryError
from reader.core.model import CATEGORIES_SEPARATOR, Post, category_label
from reader.core.names import library_label
from reader.core.parse import ParsedPost, read_post
from reader.core.paths import StorePaths
from reader.core.sanitize import sanitize_line
from reader.core.scan import DRAFTS_PREFIX, FileRef, Site, SiteError, detect_site, display_name

_UNREADABLE = ("permission denied", "cannot read")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "show",
        help="print one post as Markdown",
        description="Print a post file as sanitized Markdown (HTML bodies converted).",
    )
    parser.add_argument("file", metavar="FILE", help="the post file")
    parser.add_argument(
        "--library",
        metavar="PATH",
        help="the library (site) FILE belongs to; found automatically when omitted",
    )
    parser.add_argument(
        "--body-only", action="store_true", help="print the body without the title and metadata"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    file = Path(os.fspath(args.file)).expanduser()
    info = _stat_file(file)
    site, relpath, draft = _locate(file, args.library, args.data_dir)
    parsed = read_post(site, FileRef(relpath, info.st_size, info.st_mtime_ns, draft))
    post = parsed.post
    if post.error is not None and post.error.startswith(_UNREADABLE):
        raise UsageError(f"{post.error}: {_shown(file)}")
    if post.error is not None:
        print(f"reader: {_shown(file)}: {post.error}", file=sys.stderr)
    converted = to_markdown(parsed.body, post.format)
    if converted.notice is not None:
        print(f"reader: {_shown(file)}: {converted.notice}", file=sys.stderr)
    if not parsed.body and post.error is not None:
        return 1
    text = converted.markdown if args.body_only else render(parsed, converted.markdown)
    _write(text)
    return 0


def render(parsed: ParsedPost, body: str) -> str:
    """Title line, metadata list and body, as one Markdown document."""
    post = parsed.post
    lines = [f"# {post.title}", ""]
    lines.extend(f"- {label}: {value}" for label, value in metadata(post))
    head = "\n".join(lines).rstrip("\n") + "\n"
    return head + ("\n---\n\n" + body if body.strip() else "")


def metadata(post: Post) -> list[tuple[str, str]]:
    """(label, value) pairs worth showing above a post; values are sanitized one-liners."""
    items: list[tuple[str, str]] = []
    if post.date is not None:
        when = post.date.strftime("%Y-%m-%d %H:%M UTC")
        items.append(("Date", when if post.date_source != "mtime" else f"{when} (file time)"))
    if post.author:
        items.append(("Author", sanitize_line(post.author)))
    if post.categories:
        paths = (category_label(path, sanitize_line) for path in post.categories)
        items.append(("Categories", CATEGORIES_SEPARATOR.join(p for p in paths if p)))
    if post.tags:
        items.append(("Tags", ", ".join(sanitize_line(t) for t in post.tags)))
    if post.url:
        url = sanitize_line(post.url).replace(" ", "%20")
        items.append(("Source", f"<{url}>" if "<" not in url and ">" not in url else url))
    if post.draft:
        items.append(("Draft", "yes"))
    return [(label, value) for label, value in items if value]


def _shown(path: Path | str) -> str:
    return sanitize_line(display_name(str(path)))


def _stat_file(file: Path) -> os.stat_result:
    try:
        info = os.stat(file)
    except FileNotFoundError:
        raise UsageError(f"no such file: {_shown(file)}") from None
    except PermissionError:
        raise UsageError(f"permission denied: {_shown(file)}") from None
    except OSError as error:
        raise UsageError(f"cannot read {_shown(file)}: {error.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise UsageError(f"not a file (a folder): {_shown(file)}")
    if not stat.S_ISREG(info.st_mode):
        raise UsageError(f"not a regular file: {_shown(file)}")
    return info


def _locate(file: Path, library: str | None, data_dir: str | None) -> tuple[Site, str, bool]:
    """The site FILE is read in, its relpath there, and whether it is a draft."""
    real = Path(os.path.realpath(file))
    if library is not None:
        try:
            site = detect_site(library, drafts=True)
        except SiteError as error:
            raise UsageError(str(error)) from None
        found = _relative(site, real)
        if found is None:
            raise UsageError(f"{_shown(file)} is not inside the library {library_label(library)}")
        return site, *found
    known = _known_library(real, data_dir)
    if known is not None:
        return known
    above = _site_above(real)
    if above is not None:
        found = _relative(above, real)
        if found is not None:
            return above, *found
    try:
        site = detect_site(real.parent)
    except SiteError as error:
        raise UsageError(str(error)) from None
    if site.posts_root != real.parent:  # the folder is a site root: read FILE on its own
        site = Site("folder", real.parent, None, None)
    return site, real.name, False


def _relative(site: Site, real: Path) -> tuple[str, bool] | None:
    for root, prefix, draft in (
        (site.posts_root, "", False),
        (site.drafts_root, DRAFTS_PREFIX, True),
    ):
        if root is None:
            continue
        try:
            return prefix + real.relative_to(root).as_posix(), draft
        except ValueError:
            continue
    return None


def _known_library(real: Path, data_dir: str | None) -> tuple[Site, str, bool] | None:
    try:
        from reader.core.library import library_for_file

        found = library_for_file(real, StorePaths.default(data_dir))
        if found is None:
            return None
        site = detect_site(found[0])
    except LibraryError:  # a broken state file must not stop `show`
        return None
    located = _relative(site, real)
    return (site, *located) if located is not None else None


def _site_above(real: Path) -> Site | None:
    """The Hexo/Jekyll/Hugo site whose posts (or drafts) folder holds `real`."""
    for folder in real.parents:
        name, parent = folder.name, folder.parent
        site_root = None
        if name in ("_posts", "_drafts"):
            site_root = parent.parent if parent.name == "source" else parent
        elif name == "content" and parent != folder:
            site_root = parent
        if site_root is not None:
            try:
                site = detect_site(site_root, drafts=True)
            except SiteError:
                continue
            if site.kind != "folder":
                return site
    return None


def _write(text: str) -> None:
    data = text.encode("utf-8", "replace")
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(data.decode("utf-8"))
    else:
        sys.stdout.flush()
        buffer.write(data)
        buffer.flush()
