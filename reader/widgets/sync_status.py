"""One line under the panes: sync progress (a count while the files are being found, then
files/total and a bar), then a short summary, then the progress of indexing new posts for
search."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar

from reader.after_keys import once_keys_pause
from reader.core.words import counted

if TYPE_CHECKING:
    from textual.timer import Timer

    from reader.core.search import IndexProgress
    from reader.core.sync import SyncProgress


class SyncStatus(Horizontal):
    """Shows `SyncProgress` while a sync runs; hidden (class `-idle`) otherwise."""

    DEFAULT_CSS = """
    SyncStatus { height: 1; }
    SyncStatus.-idle { display: none; }
    SyncStatus #sync-label { width: auto; padding: 0 1; }
    SyncStatus ProgressBar { width: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="-idle")
        self.last: SyncProgress | None = None
        self._hide_timer: Timer | None = None
        self._reports = 0
        """Counts the calls of `hide_later`: a hide asked before the latest one is dropped."""

    def compose(self) -> ComposeResult:
        yield Label("", id="sync-label", markup=False)
        yield ProgressBar(show_eta=False, show_percentage=False, id="sync-bar")

    def update_progress(self, progress: SyncProgress, *, live: bool = False) -> None:
        """Show one progress report (called on the UI thread); `live`: of changes the watcher
        saw, told as what changed."""
        self.last = progress
        bar = self.query_one("#sync-bar", ProgressBar)
        if progress.done:
            self._say(_changes(progress) if live else _summary(progress))
            bar.display = False
            return
        self.remove_class("-idle")
        bar.display = True
        if progress.total is None:  # still walking: a count and a bar that knows no end
            self._say(f"Reading the library… {counted(progress.seen, 'file')} found")
            bar.update(total=None)
            return
        self._say(f"Syncing {progress.handled:,}/{progress.total:,}")
        bar.update(total=max(progress.total, 1), progress=progress.handled)

    def _say(self, text: str) -> None:
        """Show `text` in the label. The screen is laid out again only when the label's width
        changes: a layout of the whole screen for every report (a few a second while a big
        library syncs) took the UI thread from the keys."""
        label = self.query_one("#sync-label", Label)
        label.update(text, layout=cell_len(text) != cell_len(str(label.content)))

    def update_indexing(self, progress: IndexProgress) -> None:
        """Show search indexing progress (called on the UI thread)."""
        bar = self.query_one("#sync-bar", ProgressBar)
        if progress.finished:
            self._say(f"Search index up to date ({counted(progress.done, 'post')} indexed)")
            bar.display = False
            return
        self.remove_class("-idle")
        bar.display = True
        self._say(f"Indexing for search {progress.done:,}/{progress.total:,}")
        bar.update(total=max(progress.total, 1), progress=progress.done)

    def hide(self) -> None:
        self.add_class("-idle")

    def hide_later(self, seconds: float | None) -> None:
        """Hide the line `seconds` from now, once the keys pause; None keeps it (a newer
        report came in)."""
        self._reports += 1
        if self._hide_timer is not None:
            self._hide_timer.stop()
            self._hide_timer = None
        if seconds is not None:
            report = self._reports
            self._hide_timer = self.set_timer(
                seconds, lambda: once_keys_pause(self, lambda: self._hide_unless_newer(report))
            )

    def _hide_unless_newer(self, report: int) -> None:
        if report == self._reports:
            self.hide()


def _changes(progress: SyncProgress) -> str:
    """What a sync of changes the watcher saw did: "2 new posts, 1 changed"."""
    parts = [counted(progress.new, "new post")] if progress.new else []
    if progress.changed:
        parts.append(f"{progress.changed:,} changed")
    text = ", ".join(parts + _losses(progress))
    return text[:1].upper() + text[1:] if text else "The library changed"


def _summary(progress: SyncProgress) -> str:
    parts = [f"Synced {counted(progress.seen, 'file')}"]
    if progress.parsed:
        parts.append(f"{progress.parsed:,} new or changed")
    return ", ".join(parts + _losses(progress))


def _losses(progress: SyncProgress) -> list[str]:
    """The posts a sync removed, and those it could not read."""
    parts = [f"{progress.removed:,} removed"] if progress.removed else []
    if progress.errors:
        parts.append(f"{progress.errors:,} with errors (see Errors)")
    return parts
