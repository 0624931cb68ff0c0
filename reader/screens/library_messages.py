"""Messages the library screen's workers post to it from their threads."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from reader.core.library import FolderNode
    from reader.core.search import IndexProgress
    from reader.core.sync import SyncProgress


@dataclass
class SyncUpdate(Message):
    """A progress report from the sync worker (posted from its thread); `live`: the end of a
    sync of what the watcher saw change, which changed something."""

    progress: SyncProgress
    live: bool = False
    paths: Sequence[str] = ()
    """Of a live sync: the paths it synced (files or folders), if it knows them."""


@dataclass
class FoldersCounted(Message):
    """Folder counts from the counting worker; `generation` tells an older count, which
    must not replace a newer one already shown."""

    generation: int
    folders: list[FolderNode]


@dataclass
class SearchIndexUpdate(Message):
    """Progress of the background search indexing that follows a sync (from its thread)."""

    progress: IndexProgress
