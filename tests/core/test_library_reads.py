"""Reads at scale: no read waits for another, and what the UI asks for does not grow with N.

No timing: a long count is held in the middle of its work with an Event, and the work a
query does is counted in SQLite VM steps (a progress handler), at two library sizes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from reader.core.library import Folder, Library
from tests.factories import open_synced, write_post

SAFETY = 60  # seconds: only so that a regression fails instead of hanging the run


def make_site(root: Path, count: int) -> Path:
    posts = root / "source" / "_posts"
    (root / "_config.yml").parent.mkdir(parents=True, exist_ok=True)
    (root / "_config.yml").write_text("title: t\n")
    for n in range(count):
        day = 1 + n % 28
        write_post(
            posts,
            f"p{n:05}.md",
            f"Post {n}",
            date=f"2024-{1 + n // 28 % 12:02}-{day:02} 10:00:00",
            categories=("Tech" if n % 2 else "Life",),
            tags=("x",) if n % 3 else (),
        )
    return root


def test_a_read_returns_while_a_long_count_on_another_thread_is_held(tmp_path: Path) -> None:
    library = open_synced(make_site(tmp_path / "site", 120), tmp_path / "data")
    rows = library.posts(Folder("all"))
    counter: threading.Thread | None = None
    counting = threading.Event()
    release = threading.Event()
    statements: dict[int, str] = {}

    def trace(statement: str) -> None:
        statements[threading.get_ident()] = statement

    def hold() -> int:
        # Only the counting thread, only in a count: everyone else runs on.
        if threading.current_thread() is counter and "count(" in statements.get(
            threading.get_ident(), ""
        ):
            counting.set()
            release.wait(SAFETY)
        return 0

    library._readers.set_trace_callback(trace)
    library._readers.set_progress_handler(hold, 50)
    counted: list[object] = []
    counter = threading.Thread(target=lambda: counted.append(library.folders()))
    counter.start()
    answers: list[object] = []
    try:
        assert counting.wait(SAFETY), "the count never started"

        def read() -> None:
            answers.append(rows.rows(0, 10))
            answers.append(library.is_bookmarked("p00001.md"))
            answers.append(library.mark_read("p00002.md"))
            answers.append(library.next_unread(None))
            answers.append(library.posts(Folder("category", ("Tech",))).rows(0, 5))

        reader = threading.Thread(target=read)
        reader.start()
        reader.join(SAFETY)
        assert not reader.is_alive(), "a read waited for the count on another thread"
        assert not release.is_set() and counter.is_alive()  # the count is still held
        assert len(answers) == 5 and answers[2] is True
        assert [r.path for r in answers[0]] == [r.path for r in rows.rows(0, 10)]  # type: ignore[attr-defined]
    finally:
        release.set()
        counter.join(SAFETY)
        library._readers.set_progress_handler(None, 0)
        library._readers.set_trace_callback(None)
    assert counted  # the held count finished once released
    library.close()


def vm_steps(library: Library, action: Callable[[], object]) -> int:
    """SQLite VM steps (in units of 10) that `action` makes its read connections run."""
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0

    library._readers.set_progress_handler(count, 10)
    try:
        action()
    finally:
        library._readers.set_progress_handler(None, 0)
    return steps


def ui_calls(library: Library) -> dict[str, Callable[[], object]]:
    """What UI handlers call on every key press, with the folder lists already made."""
    all_posts = library.posts(Folder("all"))
    middle = all_posts.rows(len(all_posts) // 2, 1)[0].path
    tech = library.posts(Folder("category", ("Tech",)))
    library.mark_read(tech.rows(0, 1)[0].path)
    tech = library.posts(Folder("category", ("Tech",)))
    return {
        "rows": lambda: all_posts.rows(len(all_posts) // 2, 40),
        "mark read": lambda: library.mark_read(middle),
        "mark unread": lambda: library.mark_read(middle, read=False),
        "is_bookmarked": lambda: library.is_bookmarked(middle),
        "bookmark_at": lambda: library.bookmark_at(middle, None),
        "next_unread": lambda: library.next_unread(middle),
        "next unread in a folder": lambda: tech.next_unread(0),
        "has_post": lambda: library.has_post(middle),
        "switch to a folder listed before": lambda: library.posts(Folder("category", ("Tech",))),
        "cached_article": lambda: library.cached_article(middle),
        "first screen of All, nothing cached": lambda: _first_screen(library, Folder("all")),
        "switch to Unread, nothing cached": lambda: _first_screen(library, Folder("unread")),
    }


def _first_screen(library: Library, folder: Folder) -> object:
    """What showing `folder` reads: its length and its first rows, with no list cached."""
    library._context.ids.clear()
    selection = library.posts(folder)
    return len(selection), selection.rows(0, 40)


def test_what_the_ui_calls_does_not_grow_with_the_library(tmp_path: Path) -> None:
    small = open_synced(make_site(tmp_path / "small", 100), tmp_path / "d1")
    large = open_synced(make_site(tmp_path / "large", 1000), tmp_path / "d2")
    grown = {}
    for name, call in ui_calls(small).items():
        vm_steps(small, call)  # the first call may fill a cache; the guard is for every next
        grown[name] = (vm_steps(small, call), None)
    for name, call in ui_calls(large).items():
        vm_steps(large, call)
        grown[name] = (grown[name][0], vm_steps(large, call))
    for name, (few, many) in grown.items():
        assert many is not None
        # 10x the posts: an indexed query costs about the same (log N), a scan 10x more
        assert many <= 2 * few + 20, f"{name}: {few} steps at 100 posts, {many} at 1000"
    small.close()
    large.close()


def test_the_guard_sees_a_scan(tmp_path: Path) -> None:
    """The measure above can fail: counting the folders walks every post."""
    small = open_synced(make_site(tmp_path / "small", 100), tmp_path / "d1")
    large = open_synced(make_site(tmp_path / "large", 1000), tmp_path / "d2")
    few = vm_steps(small, small.folders)
    many = vm_steps(large, large.folders)
    assert many > 2 * few + 20
    small.close()
    large.close()
