"""The search screen: results update as you type; Enter opens the chosen post at its first hit.

The screen only talks to the library service (`search`, `update_search`); queries run in a
thread worker and come back as messages, newest query wins. On opening, the screen brings the
index up to date with the library in another worker (posts added, changed or removed since it
was built; a quick comparison when nothing changed), shows progress while there is work, and
searches again when it indexed anything.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Protocol

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from reader import safe
from reader.core.errors import LibraryError
from reader.core.model import category_label
from reader.core.search import IndexProgress, QueryError, SearchHit, SearchResults, fold
from reader.core.words import counted
from reader.keys import bindings
from reader.widgets.component_style import solid_style

LIMIT = 100
DEBOUNCE = 0.08
"""Seconds of quiet typing before a query runs (each query takes milliseconds)."""
PLACEHOLDER = 'Search: words, "a phrase", cat:NAME tag:NAME author:NAME is:unread after:2024-01-31'


def _css_path() -> Path:
    """styles/search.tcss: inside the package when installed, beside it in a checkout."""
    packaged = Path(__file__).resolve().parent.parent / "styles"
    base = packaged if packaged.is_dir() else packaged.parent.parent / "styles"
    return base / "search.tcss"


class Searchable(Protocol):
    """What the screen needs from the library service."""

    def search(self, query: str, *, limit: int = 50) -> SearchResults: ...

    def update_search(self, cancel: threading.Event | None = None) -> Iterator[IndexProgress]: ...


@dataclass(frozen=True, slots=True)
class SearchResult:
    """The screen's answer: the post to open and the text to find in it ('' for none)."""

    path: str
    find: str


class SearchScreen(Screen[SearchResult | None]):
    """Full-text search over the library."""

    CSS_PATH: ClassVar = [_css_path()]
    BINDINGS: ClassVar[list[BindingType]] = bindings("search")

    class _Answer(Message):
        def __init__(self, generation: int, results: SearchResults | None, error: str) -> None:
            super().__init__()
            self.generation = generation
            self.results = results
            self.error = error

    class _Indexing(Message):
        def __init__(self, progress: IndexProgress | None, error: str = "") -> None:
            super().__init__()
            self.progress = progress
            self.error = error

    def __init__(self, library: Searchable, query: str = "") -> None:
        super().__init__()
        self.library = library
        self.initial_query = query
        self.results: SearchResults | None = None
        self.hits: list[SearchHit] = []
        self.error = ""
        self.indexing: IndexProgress | None = None
        self._generation = 0
        self._answered = 0
        self._timer: Timer | None = None
        self._cancel = threading.Event()
        self._index_started = False

    def compose(self) -> ComposeResult:
        yield Input(self.initial_query, placeholder=PLACEHOLDER, id="search-input")
        yield Static("", id="search-status")
        yield OptionList(id="search-results")

    def on_mount(self) -> None:
        self.query_one(OptionList).can_focus = False
        self.query_one(Input).focus()
        self._run_query()
        self._index_started = True
        self._update_index()

    def on_unmount(self) -> None:
        self._cancel.set()

    # -- querying ---------------------------------------------------------------------------
    @property
    def query_text(self) -> str:
        return self.query_one(Input).value

    @property
    def pending(self) -> bool:
        """True while the shown results are not those of the current text (for tests)."""
        return self._answered != self._generation

    @on(Input.Changed, "#search-input")
    def _typed(self) -> None:
        self._generation += 1
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE, self._run_query)

    def _run_query(self) -> None:
        self._timer = None
        self._search(self.query_text, self._generation)

    @work(thread=True, exclusive=True, group="search")
    def _search(self, query: str, generation: int) -> None:
        try:
            results = self.library.search(query, limit=LIMIT)
        except QueryError as error:
            self.post_message(self._Answer(generation, None, str(error)))
            return
        except LibraryError as error:  # a broken index must not take the app down
            self.post_message(self._Answer(generation, None, f"search failed: {error}"))
            return
        self.post_message(self._Answer(generation, results, ""))

    def on_search_screen__answer(self, message: _Answer) -> None:
        if message.generation != self._generation:
            return  # an older query answered late
        self._answered = message.generation
        self.error = message.error
        if message.results is not None:
            self.results = message.results
            self.hits = message.results.hits
        elif not self.query_text.strip():
            self.results, self.hits = None, []
        self._show_results()
        if message.results is not None and not message.results.complete and not self._index_started:
            self._index_started = True
            self._update_index()

    # -- indexing ---------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="search-index")
    def _update_index(self) -> None:
        try:
            for progress in self.library.update_search(self._cancel):
                self.post_message(self._Indexing(progress))
        except LibraryError as error:  # the index cannot be written: searching still works
            self.post_message(self._Indexing(None, f"indexing failed: {error}"))

    def on_search_screen__indexing(self, message: _Indexing) -> None:
        progress = message.progress
        self.indexing = progress if progress is not None and _has_work(progress) else None
        if message.error:
            self.error = message.error
        if progress is not None and progress.finished:
            self.indexing = None
            if _has_work(progress) or (self.results is not None and not self.results.complete):
                self._generation += 1
                self._run_query()
        self._show_status()

    # -- showing ----------------------------------------------------------------------------
    def _show_results(self) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(Option(self._prompt(hit)) for hit in self.hits)
        if self.hits:
            options.highlighted = 0
        self._show_status()

    def _show_status(self) -> None:
        status = self.query_one("#search-status", Static)
        parts: list[str] = []  # short: the line must fit at 80 columns
        incomplete = self.results is not None and not self.results.complete
        if self.error:
            parts.append(self.error)
        elif self.results is not None and self.query_text.strip():
            total = self.results.total
            about = "" if self.results.total_exact else "about "
            parts.append(about + counted(total, "result") + " so far" * incomplete)
            if total > len(self.hits):
                parts.append(f"first {len(self.hits):,} shown")
        if self.indexing is not None:
            parts.append(f"indexing {self.indexing.done:,}/{self.indexing.total:,}")
        elif incomplete:
            parts.append("index incomplete: results may be missing")
        status.update(safe.content(" · ".join(parts)))
        status.set_class(bool(self.error), "-error")

    def _prompt(self, hit: SearchHit) -> Text:
        def style(name: str) -> Style:
            return solid_style(self, f"search--{name}")

        hit_style = style("hit")
        prompt = Text(no_wrap=True, overflow="ellipsis", end="")
        prompt.append_text(
            _highlighted(hit.title or "(untitled)", hit.title_highlights, hit_style, style("title"))
        )
        meta = []
        if hit.date is not None:
            meta.append(hit.date.strftime("%Y-%m-%d"))
        if hit.categories:
            meta.append(category_label(hit.categories[0]))
        if meta:
            prompt.append("  " + safe.line("  ".join(meta)), style=style("meta"))
        prompt.append("\n")
        prompt.append_text(_highlighted(hit.snippet, hit.highlights, hit_style, style("snippet")))
        return prompt

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "search--hit",
        "search--meta",
        "search--title",
        "search--snippet",
    }

    # -- actions ----------------------------------------------------------------------------
    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if not self.hits:
            return
        current = options.highlighted if options.highlighted is not None else -1
        options.highlighted = max(0, min(len(self.hits) - 1, current + step))

    def action_open(self) -> None:
        if not self.is_active:  # the retry timer of a second Enter, after the first dismissed
            return
        if self.pending:
            # Enter right after typing: answer for the current text first.
            self._search_then_open()
            return
        index = self.query_one(OptionList).highlighted
        if not self.hits or index is None:
            return
        hit = self.hits[index]
        terms = self.results.query.terms if self.results is not None else ()
        self.dismiss(SearchResult(hit.path, _find_text(hit, terms)))

    def _search_then_open(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._run_query()
        self.set_timer(0.05, self.action_open)

    @on(Input.Submitted, "#search-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_open()

    @on(OptionList.OptionSelected, "#search-results")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        self.query_one(OptionList).highlighted = event.option_index
        self.action_open()

    def action_close(self) -> None:
        self.dismiss(None)


def _has_work(progress: IndexProgress) -> bool:
    return progress.total > 0 or progress.removed > 0


def _highlighted(
    value: str, spans: tuple[tuple[int, int], ...], hit_style: Style, style: Style
) -> Text:
    """`value` (sanitized already) in `style`, with the hit spans in `hit_style`."""
    text = Text(safe.line(value), style=style, end="")
    for start, end in spans:
        text.stylize(hit_style, start, end)
    return text


def _find_text(hit: SearchHit, terms: tuple[str, ...]) -> str:
    """What to find in the opened post: the first term seen in the snippet (the text shown)."""
    folded = fold(hit.snippet)
    return next((term for term in terms if term in folded), terms[0] if terms else "")
