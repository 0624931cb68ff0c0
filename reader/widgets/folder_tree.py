"""The folder tree: virtual folders, then categories (never one node per post), then Tags."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from reader import safe
from reader.core.library import Folder, FolderNode
from reader.keys import bindings
from reader.widgets.component_style import solid_style
from reader.widgets.focus_styles import FocusStyleCache

ALL = Folder("all")


class FolderTree(Tree[Folder], FocusStyleCache):
    """Library folders with unread/total counts; highlighting one shows its posts."""

    BINDINGS: ClassVar = bindings("tree")
    COMPONENT_CLASSES: ClassVar[set[str]] = {"folder-tree--count", "folder-tree--unread"}

    @dataclass
    class FolderChanged(Message):
        """The highlighted folder changed."""

        folder: Folder

    @dataclass
    class FolderOpened(Message):
        """Enter on a folder: move to its posts."""

        folder: Folder

    @dataclass
    class FilterRequested(Message):
        """`/` pressed in the tree."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(Text("Library"), id=id, classes=classes)
        self.show_root = False
        self.guide_depth = 2
        self.auto_expand = False
        self._folder_nodes: dict[Folder, TreeNode[Folder]] = {}
        self._shape: list[tuple[Folder, int]] = []
        self._folders: list[FolderNode] = []
        self._count_styles: dict[str, Style] = {}
        """Resolved count styles, made once per `set_folders` (thousands of folders)."""

    def on_mount(self) -> None:
        self.watch(self.app, "theme", self._restyle, init=False)

    # Tree lays itself out again on every restyle (each focus change) and every resize (shown
    # again when a post closes at 80 columns); its lines do not wrap, so their number and
    # width depend on neither. A restyle needs a repaint; a resize not even that (the layout
    # paints a resized widget, and the painted lines are cached by width).

    def notify_style_update(self) -> None:
        super(Tree, self).notify_style_update()
        self._line_cache.clear()  # painted lines; the tree's lines (and widths) stay as built
        self.refresh()

    def _on_resize(self, event: events.Resize) -> None:
        event.prevent_default()  # not Tree's own
        self._line_cache.grow(event.size.height)

    def _restyle(self) -> None:
        """Labels carry resolved styles: rebuild them for a new theme."""
        folders, self._folders, self._shape = self._folders, [], []
        self.set_folders(folders)

    @property
    def folder(self) -> Folder:
        """The folder under the cursor (All when nothing is)."""
        node = self.cursor_node
        return node.data if node is not None and node.data is not None else ALL

    def set_folders(self, folders: list[FolderNode]) -> None:
        """Show `folders`; keep expansion and the cursor when the shape did not change, and
        relabel only the folders whose counts did (each relabel redraws the tree)."""
        if folders == self._folders:  # a recount that changed nothing (each start's first)
            return
        shown = {node.folder: _counts(node) for node, _depth in _walk_nodes(self._folders)}
        self._folders = folders
        self._count_styles.clear()
        shape = list(_walk(folders))
        if shape == self._shape:
            for node, _depth in _walk_nodes(folders):
                tree_node = self._folder_nodes.get(node.folder)
                if tree_node is not None and shown.get(node.folder) != _counts(node):
                    tree_node.set_label(self._label(node))
            if not self.region:  # hidden: set_label repaints only lines on screen, so
                self.refresh()  # the lines painted before it was hidden would come back
            return
        current = self.folder
        expanded = {folder for folder, node in self._folder_nodes.items() if node.is_expanded}
        self.clear()
        self._folder_nodes.clear()
        self._shape = shape
        self._add(self.root, folders, expanded, top=True)
        target = self._folder_nodes.get(current) or self._folder_nodes.get(ALL)
        if target is not None:
            self.move_cursor(target)

    def _add(
        self,
        parent: TreeNode[Folder],
        folders: Iterable[FolderNode],
        expanded: set[Folder],
        *,
        top: bool = False,
    ) -> None:
        for node in folders:
            if node.children:
                child = parent.add(
                    self._label(node),
                    data=node.folder,
                    expand=top or node.folder in expanded,
                )
                self._add(child, node.children, expanded)
            else:
                child = parent.add_leaf(self._label(node), data=node.folder)
            self._folder_nodes.setdefault(node.folder, child)

    def _label(self, node: FolderNode) -> Text:
        label = safe.text(node.label)
        name = "folder-tree--unread" if node.unread else "folder-tree--count"
        count_style = self._count_styles.get(name)
        if count_style is None:
            count_style = self._count_styles[name] = solid_style(self, name)
        if node.unread:
            label.append(f"  {node.unread}/{node.total}", count_style)
        else:
            label.append(f"  {node.total}", count_style)
        return label

    def select_folder(self, folder: Folder) -> None:
        node = self._folder_nodes.get(folder)
        if node is not None:
            self.move_cursor(node)

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[Folder]) -> None:
        event.stop()
        if event.node.data is not None:
            self.post_message(self.FolderChanged(event.node.data))

    def on_tree_node_selected(self, event: Tree.NodeSelected[Folder]) -> None:
        event.stop()

    def action_down(self) -> None:
        self.action_cursor_down()

    def action_up(self) -> None:
        self.action_cursor_up()

    def action_top(self) -> None:
        self.cursor_line = 0
        self.scroll_to_line(self.cursor_line, animate=False)  # like the list and the article

    def action_bottom(self) -> None:
        self.cursor_line = self.last_line
        self.scroll_to_line(self.cursor_line, animate=False)

    def action_half_down(self) -> None:
        for _ in range(max(1, self.scrollable_content_region.height // 2)):
            self.action_cursor_down()

    def action_half_up(self) -> None:
        for _ in range(max(1, self.scrollable_content_region.height // 2)):
            self.action_cursor_up()

    def action_open(self) -> None:
        """Enter expands a collapsed category; on anything else it moves to the posts."""
        node = self.cursor_node
        if node is not None and node.allow_expand and not node.is_expanded:
            node.expand()
            return
        self.post_message(self.FolderOpened(self.folder))

    def action_filter(self) -> None:
        self.post_message(self.FilterRequested())


def _walk(folders: Iterable[FolderNode], depth: int = 0) -> Iterable[tuple[Folder, int]]:
    for node, node_depth in _walk_nodes(folders, depth):
        yield node.folder, node_depth


def _walk_nodes(folders: Iterable[FolderNode], depth: int = 0) -> Iterable[tuple[FolderNode, int]]:
    for node in folders:
        yield node, depth
        yield from _walk_nodes(node.children, depth + 1)


def _counts(node: FolderNode) -> tuple[str, int, int]:
    """What a folder's label shows."""
    return node.label, node.total, node.unread
