"""Where the article's links lead, and following one: a post, a section, or outside reader."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.app import SuspendNotSupported

from reader import linkopen
from reader.browser import in_browser
from reader.core.errors import LibraryError
from reader.core.sanitize import sanitize_line
from reader.linkopen import LinkTarget, classify
from reader.widgets.article_messages import CopyLinkRequested

if TYPE_CHECKING:
    from textual.widget import Widget

    from reader.core.library import Library
    from reader.widgets.article_blocks import RenderedLink


def link_targets(
    library: Library, links: list[RenderedLink], post_path: str, warn: Callable[[str], None]
) -> list[LinkTarget]:
    """What following each link would do; `post:` links (Hexo's post_link) are looked up
    among the library's posts by slug. A failed look-up is `warn`ed about, not raised."""
    from reader.core.convert import post_link_slug  # not needed before a link list

    slugs = {link.href: post_link_slug(link.href) for link in links}
    found = _posts_for_slugs(library, {slug for slug in slugs.values() if slug is not None}, warn)
    targets = []
    for link in links:
        slug = slugs[link.href]
        own = _site_link(library, link.href, warn) if slug is None else None
        if own is not None:  # the site's own permalink: the post, inside reader
            targets.append(LinkTarget("post", own[0], anchor=own[1]))
        elif slug is None:
            targets.append(classify(link.href, root=library.root, post_path=post_path))
        elif found.get(slug) is not None:
            targets.append(LinkTarget("post", found[slug] or ""))
        else:
            shown = sanitize_line(slug)
            targets.append(LinkTarget("refused", shown, f"no post {shown!r} in this library"))
    return targets


def _site_link(
    library: Library, href: str, warn: Callable[[str], None]
) -> tuple[str, str | None] | None:
    try:
        return library.post_for_link(href)
    except LibraryError as error:  # a broken index must not stop the link list
        warn(f"Could not look up a site link: {error}")
        return None


def _posts_for_slugs(
    library: Library, slugs: set[str], warn: Callable[[str], None]
) -> dict[str, str | None]:
    """The post path each post_link slug names (None when no post matches)."""
    found: dict[str, str | None] = dict.fromkeys(slugs)
    try:
        for slug in slugs:
            found[slug] = library.post_for_slug(slug)
    except LibraryError as error:  # a broken index must not stop the link list
        warn(f"Could not look up post links: {error}")
    return found


def open_outside(widget: Widget, url: str) -> None:
    """A background opener, a terminal browser in the app's place, or an offer to copy; in a
    web page, a new tab of the reader's browser (never an opener on the serving machine)."""
    if in_browser():
        if linkopen.refused(url):
            widget.notify(linkopen.open_external(url), markup=False)  # says it is refused
            return
        widget.app.open_url(url, new_tab=True)
        widget.notify(f"Opened in a new tab: {sanitize_line(url)}", markup=False)
        return
    opener = None if linkopen.refused(url) else linkopen.opener_for(url)
    if opener is None or not opener.foreground:
        if opener is None and not linkopen.refused(url):
            widget.post_message(CopyLinkRequested(url))
            return
        widget.notify(linkopen.open_external(url), markup=False)
        return
    try:
        with widget.app.suspend():
            code = linkopen.run_foreground(opener.command)
    except SuspendNotSupported:
        widget.notify(f"Cannot hand over the terminal here; the link is {url}", markup=False)
        return
    if code:  # it could not show the page (a desktop browser over SSH): copying still can
        name = sanitize_line(os.path.basename(opener.command[0]))
        widget.post_message(CopyLinkRequested(url, f"{name} ended with status {code}"))
