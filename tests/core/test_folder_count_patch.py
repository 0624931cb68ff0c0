"""A read mark moves the kept folder counts by what the marked post adds to each folder, and
leaves them as a fresh count would be: never counting every post again for one mark."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.library import Library
from reader.core.library.context import LibraryContext
from reader.core.library.folders import Folders
from reader.core.library.model import FolderNode
from tests.factories import open_synced, write_post


def make_site(root: Path) -> Path:
    (root / "_config.yml").parent.mkdir(parents=True)
    (root / "_config.yml").write_text("title: t\n")
    posts = root / "source" / "_posts"
    write_post(posts, "a.md", "A", date="2024-01-01", categories=("News", "World"), tags=("x",))
    write_post(posts, "b.md", "B", date="2024-01-02", categories=("News",), tags=("x", "y"))
    write_post(posts, "c.md", "C", date="2024-01-03", categories=("Tech",))
    write_post(posts, "d.md", "D", date="2024-01-04")
    (posts / "broken.md").write_text("---\ntitle: [unclosed\n---\nbody\n", encoding="utf-8")
    return root


def flat(nodes: list[FolderNode]) -> dict[str, tuple[int, int]]:
    found: dict[str, tuple[int, int]] = {}

    def walk(node: FolderNode) -> None:
        found[f"{node.folder.kind}:{'/'.join(node.folder.value)}"] = (node.total, node.unread)
        for child in node.children:
            walk(child)

    for node in nodes:
        walk(node)
    return found


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times every folder was counted."""
    calls: list[int] = []
    real = Folders._count

    def count(self: Folders, conn: object) -> list[FolderNode]:
        calls.append(1)
        return real(self, conn)  # type: ignore[arg-type]

    monkeypatch.setattr(Folders, "_count", count)
    return calls


def fresh_counts(library: Library) -> dict[str, tuple[int, int]]:
    """Every folder counted now, on a connection of its own (another session's count would
    write to the store, which alone makes this one count again)."""
    folders = library._folders
    with folders._c.reader() as conn:
        return flat(folders._count(conn))


def test_marks_move_the_kept_counts_as_a_fresh_count_would(
    tmp_path: Path, counted: list[int]
) -> None:
    site, data = make_site(tmp_path / "site"), tmp_path / "data"
    library: Library = open_synced(site, data)
    library.add_bookmark("b.md")
    library.mark_read("c.md")
    write_post(site / "source" / "_posts", "c.md", "C", date="2024-01-03", body="Changed.\n")
    for _ in library.sync():
        pass  # c.md is now "updated since read"
    library.folders()  # a first count keeps a snapshot for the next start: a write
    assert flat(library.folders())["updated:"] == (1, 1)
    counts_so_far = len(counted)
    for path, read in [
        ("a.md", True),
        ("b.md", True),
        ("c.md", True),  # read again: it leaves Updated since read
        ("b.md", False),
        ("broken.md", True),
        ("d.md", True),
        ("a.md", False),
    ]:
        library.mark_read(path, read)
        assert flat(library.folders()) == fresh_counts(library), (path, read)
    assert len(counted) == counts_so_far + 7  # the checks' counts only
    after = flat(library.folders())
    assert after["updated:"] == (0, 0)
    assert after["category:News"] == (2, 2) and after["category:News/World"] == (1, 1)
    assert after["unread:"] == (2, 2) and after["errors:"] == (1, 0)
    assert after["tag:x"] == (2, 2) and after["bookmarked:"] == (1, 1)
    library.close()


def test_a_mark_by_another_session_meanwhile_means_a_recount(
    tmp_path: Path, counted: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    site, data = make_site(tmp_path / "site"), tmp_path / "data"
    library, other = open_synced(site, data), open_synced(site, data)
    library.folders()
    library.folders()
    real = LibraryContext.after_own_state_write

    def other_session_marks_too(self: LibraryContext, *args: object) -> object:
        other.mark_read("a.md")  # committed between this session's mark and its check
        return real(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(LibraryContext, "after_own_state_write", other_session_marks_too)
    counts_so_far = len(counted)
    library.mark_read("c.md")
    assert flat(library.folders()) == fresh_counts(library)
    assert len(counted) == counts_so_far + 2  # counted again, and the check
    library.close()
    other.close()
