"""A virtual folder is one registry entry: adding one puts it in the tree with its counts,
and its list and filter follow its WHERE clause."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.library import Folder, Library, Sort
from reader.core.library.context import LibraryContext
from reader.core.store import folder_queries
from reader.core.store.folder_queries import VirtualFolder
from tests.factories import open_synced, write_post

UNTAGGED = VirtualFolder("untagged", "Untagged", "p.tags = '[]'")


@pytest.fixture
def with_untagged(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        folder_queries, "VIRTUAL_FOLDERS", (*folder_queries.VIRTUAL_FOLDERS, UNTAGGED)
    )


def make_site(root: Path) -> Path:
    (root / "_config.yml").parent.mkdir(parents=True)
    (root / "_config.yml").write_text("title: t\n")
    posts = root / "source" / "_posts"
    write_post(posts, "a.md", "Alpha one", date="2024-01-01", tags=("x",))
    write_post(posts, "b.md", "Bravo one", date="2024-01-02")
    write_post(posts, "c.md", "Charlie two", date="2024-01-03")
    write_post(posts, "d.md", "Delta two", date="2024-01-04", tags=("y",))
    return root


@pytest.mark.usefixtures("with_untagged")
def test_one_registry_entry_makes_a_folder_with_counts_list_and_filter(tmp_path: Path) -> None:
    library = open_synced(make_site(tmp_path / "site"), tmp_path / "data")
    nodes = {n.label: n for n in library.folders()}
    assert (nodes["Untagged"].total, nodes["Untagged"].unread) == (2, 2)
    labels = [n.label for n in library.folders()]
    assert labels.index("Untagged") < labels.index("Tags")  # with the virtual folders
    untagged = Folder("untagged")
    assert [r.path for r in library.posts(untagged).rows(0, 10)] == ["c.md", "b.md"]
    assert [r.title for r in library.posts(untagged, sort="title").rows(0, 10)] == [
        "Bravo one",
        "Charlie two",
    ]
    assert [r.path for r in library.posts(untagged, filter_text="two").rows(0, 10)] == ["c.md"]
    library.mark_read("b.md")
    nodes = {n.label: n for n in library.folders()}
    assert (nodes["Untagged"].total, nodes["Untagged"].unread) == (2, 1)
    assert library.mark_folder_read(untagged).changed == 1
    assert {n.label: n.unread for n in library.folders()}["Untagged"] == 0
    library.close()


def test_without_the_entry_there_is_no_such_folder(tmp_path: Path) -> None:
    library = open_synced(make_site(tmp_path / "site"), tmp_path / "data")
    assert "Untagged" not in [n.label for n in library.folders()]
    with pytest.raises(KeyError):
        library.posts(Folder("untagged"))
    library.close()


def test_a_folder_is_ready_to_list_once_its_posts_are_kept(tmp_path: Path) -> None:
    library = open_synced(make_site(tmp_path / "site"), tmp_path / "data")
    unread, errors, tech = Folder("unread"), Folder("errors"), Folder("category", ("x",))
    assert library.posts_ready(Folder("all")) and library.posts_ready(Folder("bookmarked"))
    assert library.posts_ready(unread)  # counted quickly: read by position from the index
    assert not library.posts_ready(unread, sort="title")
    assert not library.posts_ready(errors) and not library.posts_ready(Folder("all"), sort="title")
    assert len(library.posts(errors)) == 0
    assert library.posts_ready(errors)
    assert not library.posts_ready(tech)


def _paths(library: Library, folder: Folder, sort: Sort = "date") -> list[str]:
    posts = library.posts(folder, sort=sort)
    return [row.path for row in posts.rows(0, len(posts))]


def test_a_post_read_here_leaves_the_kept_lists_as_a_fresh_read_would(tmp_path: Path) -> None:
    site, data = make_site(tmp_path / "site"), tmp_path / "data"
    library = open_synced(site, data)
    unread = Folder("unread")
    assert _paths(library, unread, "title") == ["a.md", "b.md", "c.md", "d.md"]
    library.mark_read("c.md")
    assert library.posts_ready(unread, sort="title")  # kept, less the post read
    assert _paths(library, unread, "title") == ["a.md", "b.md", "d.md"]
    assert _paths(open_synced(site, data), unread, "title") == ["a.md", "b.md", "d.md"]
    assert _paths(library, unread) == ["d.md", "b.md", "a.md"]  # newest first, by position
    library.mark_read("c.md", read=False)  # a post joining a list: read again when asked
    assert not library.posts_ready(unread, sort="title")
    assert _paths(library, unread, "title") == ["a.md", "b.md", "c.md", "d.md"]
    assert _paths(library, unread) == ["d.md", "c.md", "b.md", "a.md"]


def test_a_mark_by_another_session_meanwhile_is_never_missed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site, data = make_site(tmp_path / "site"), tmp_path / "data"
    library, other = open_synced(site, data), open_synced(site, data)
    unread = Folder("unread")
    assert len(_paths(library, unread, "title")) == 4  # kept
    real = LibraryContext.after_own_state_write

    def other_session_marks_too(self: LibraryContext, *args: object) -> object:
        other.mark_read("a.md")  # committed between this session's mark and its lists
        return real(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(LibraryContext, "after_own_state_write", other_session_marks_too)
    library.mark_read("c.md")
    assert _paths(library, unread, "title") == ["b.md", "d.md"]
