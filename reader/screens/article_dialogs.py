"""Opens the dialogs the article view asks for (see reader.widgets.article_messages.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reader.widgets.article_messages import (
    CopyLinkRequested,
    DialogRequested,
    FindRequested,
    LinksRequested,
    NoteRequested,
    OutlineRequested,
)

if TYPE_CHECKING:
    from textual.app import App


def open_dialog(app: App[Any], request: DialogRequested) -> None:
    """Push the dialog `request` names; its answer goes to the request's `done`."""
    # Imported here: each dialog is only needed once the reader asks for it.
    if isinstance(request, FindRequested):
        from reader.screens.find_bar import FindBar

        app.push_screen(FindBar(request.on_change, request.query), request.done)
    elif isinstance(request, OutlineRequested):
        from reader.screens.outline import OutlineScreen

        app.push_screen(OutlineScreen(request.headings, current=request.current), request.done)
    elif isinstance(request, LinksRequested):
        from reader.screens.links import LinksScreen

        app.push_screen(LinksScreen(request.links, request.targets), request.done)
    elif isinstance(request, NoteRequested):
        from reader.screens.note_dialog import NoteDialog

        dialog = NoteDialog(
            request.title, request.heading, note=request.note, exists=request.exists
        )
        app.push_screen(dialog, request.done)
    elif isinstance(request, CopyLinkRequested):
        from reader.screens.copy_link import CopyLinkScreen

        if request.why is None:
            app.push_screen(CopyLinkScreen(request.url))
        else:
            app.push_screen(CopyLinkScreen(request.url, request.why))
