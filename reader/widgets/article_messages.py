"""What the article view tells its screen: what happened, and which dialog it asks for.

Widgets do not open screens (nor import them): the view posts a `DialogRequested` carrying what
to do with the answer, and the screen showing it (reader/screens/article_dialogs.py) pushes the
dialog. Every message here is handled as `on_article_view_…`, like one nested in the view.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from reader.core.outline import Heading
    from reader.linkopen import LinkTarget
    from reader.widgets.article_blocks import RenderedLink
    from reader.widgets.article_document import Chunk, Document


@dataclass(frozen=True, slots=True)
class NoteResult:
    """The note dialog's answer: the note to keep (None for none), or remove the bookmark."""

    note: str | None
    remove: bool = False


class Opened(Message, namespace="article_view"):
    """A post was loaded and its first screen shown."""

    def __init__(self, path: str) -> None:
        self.path = path
        super().__init__()


class Closed(Message, namespace="article_view"):
    """Esc or q inside the article: go back to the list."""


class OpenPost(Message, namespace="article_view"):
    """A link to another post was followed; the view already shows it."""

    def __init__(self, path: str) -> None:
        self.path = path
        super().__init__()


class MarkedRead(Message, namespace="article_view"):
    """The post shown was marked read (on open, or at its end per config)."""

    def __init__(self, path: str) -> None:
        self.path = path
        super().__init__()


class BookmarksChanged(Message, namespace="article_view"):
    """A bookmark of `path` was added, edited or removed here."""

    def __init__(self, path: str) -> None:
        self.path = path
        super().__init__()


class Loaded(Message, namespace="article_view"):
    """From the load worker: the post to render (None, with `error`, if it could not load)."""

    def __init__(self, generation: int, document: Document | None, error: str | None) -> None:
        self.generation = generation
        self.document = document
        self.error = error
        super().__init__()


class Rendered(Message, namespace="article_view"):
    """From the render worker: the next chunk of lines (`done` with the last)."""

    def __init__(self, generation: int, chunk: Chunk, done: bool, error: str | None = None) -> None:
        self.generation = generation
        self.chunk = chunk
        self.done = done
        self.error = error
        """Why the rest of the post could not be rendered (with `done`)."""
        super().__init__()


class DialogRequested(Message, namespace="article_view"):
    """Base of every dialog request; a screen handles them all with one handler."""


class FindRequested(DialogRequested, namespace="article_view"):
    """f: the find bar, finding as the reader types; `done(keep)` when it closes."""

    def __init__(
        self, query: str, on_change: Callable[[str], int], done: Callable[[bool | None], None]
    ) -> None:
        self.query = query
        self.on_change = on_change
        self.done = done
        super().__init__()


class OutlineRequested(DialogRequested, namespace="article_view"):
    """o: the outline; `done(anchor)` with the heading chosen (None when closed)."""

    def __init__(
        self,
        headings: Sequence[Heading],
        current: str | None,
        done: Callable[[str | None], None],
    ) -> None:
        self.headings = headings
        self.current = current
        self.done = done
        super().__init__()


class LinksRequested(DialogRequested, namespace="article_view"):
    """l (or a click on a link): the link list; `done(target)` with the one chosen."""

    def __init__(
        self,
        links: Sequence[RenderedLink],
        targets: Sequence[LinkTarget],
        done: Callable[[LinkTarget | None], None],
    ) -> None:
        self.links = links
        self.targets = targets
        self.done = done
        super().__init__()


class NoteRequested(DialogRequested, namespace="article_view"):
    """b / e: the bookmark note dialog; `done(result)` when it closes."""

    def __init__(
        self,
        title: str,
        heading: str | None,
        note: str | None,
        exists: bool,
        done: Callable[[NoteResult | None], None],
    ) -> None:
        self.title = title
        self.heading = heading
        self.note = note
        self.exists = exists
        self.done = done
        super().__init__()


class CopyLinkRequested(DialogRequested, namespace="article_view"):
    """No way to open `url` here: offer to copy it, saying `why`."""

    def __init__(self, url: str, why: str | None = None) -> None:
        self.url = url
        self.why = why
        super().__init__()
