"""Where the stores live (XDG dirs, --data-dir) and which library a file on the command line
belongs to (the deepest known one; none: a message suggesting --library)."""

from __future__ import annotations

import os
from pathlib import Path

from reader.core.library import Library, library_for_file
from reader.core.paths import StorePaths
from tests.conftest import reader_here
from tests.factories import write_post


def opened(root: Path, paths: StorePaths | None = None) -> str:
    library = Library.open(root, paths=paths)
    list(library.sync())
    found = library.root
    library.close()
    return found


def test_stores_follow_the_xdg_variables(isolated_dirs: Path, tmp_path: Path) -> None:
    paths = StorePaths.default()
    assert paths.state_db == isolated_dirs / "xdg_data_home" / "reader" / "state.db"
    assert paths.cache_dir == isolated_dirs / "xdg_cache_home" / "reader"
    assert paths.config_file == isolated_dirs / "xdg_config_home" / "reader" / "config.toml"
    root = opened(write_post(tmp_path / "lib", "a.md", "A").parent)
    assert paths.state_db.is_file()
    index = paths.index_db(root)
    assert index.is_file() and index.is_relative_to(isolated_dirs / "xdg_cache_home")


def test_data_dir_puts_both_stores_under_it(isolated_dirs: Path, tmp_path: Path) -> None:
    blog = write_post(tmp_path / "lib", "a.md", "A").parent
    data = tmp_path / "elsewhere"
    result = reader_here("--data-dir", str(data), "sync", str(blog))
    assert result.returncode == 0, result.stderr
    assert (data / "state.db").is_file()
    assert [p.name for p in (data / "cache").rglob("*.db")] == ["index.db"]
    assert not list(isolated_dirs.rglob("*.db"))  # nothing went to the XDG dirs
    stats = reader_here("--data-dir", str(data), "stats", str(blog))
    fields = dict(line.split(None, 1) for line in stats.stdout.splitlines())
    assert fields["state"].startswith(str(data / "state.db"))
    assert fields["index"].startswith(str(data / "cache"))


def test_a_symlinked_root_is_the_same_library(tmp_path: Path) -> None:
    real = write_post(tmp_path / "real", "a.md", "A").parent
    link = tmp_path / "link"
    link.symlink_to(real)
    assert opened(link) == opened(real) == str(real.resolve())
    paths = StorePaths.default()
    assert len(list(paths.cache_dir.rglob("index.db"))) == 1
    assert library_for_file(link / "a.md", paths) == (str(real.resolve()), "a.md")


def test_file_belongs_to_the_deepest_known_library(tmp_path: Path) -> None:
    outer = tmp_path / "notes"
    write_post(outer, "top.md", "Top")
    inner_post = write_post(outer, "journal/2024/day.md", "Day")
    sibling = write_post(tmp_path / "notes-old", "x.md", "X")  # shares a name prefix only
    paths = StorePaths.default()
    outer_root = opened(outer)
    inner_root = opened(outer / "journal")
    opened(outer)  # the outer one opened last: depth wins, not recency
    assert library_for_file(inner_post, paths) == (inner_root, "2024/day.md")
    assert library_for_file(outer / "top.md", paths) == (outer_root, "top.md")
    assert library_for_file(sibling, paths) is None
    relative = os.path.relpath(inner_post)
    assert library_for_file(relative, paths) == (inner_root, "2024/day.md")


def test_command_line_file_outside_every_library_suggests_library_option(tmp_path: Path) -> None:
    known = write_post(tmp_path / "known", "a.md", "A").parent
    opened(known)
    stray = write_post(tmp_path / "stray", "s.md", "S")
    result = reader_here("bookmarks", "add", str(stray))
    assert result.returncode == 2
    assert "--library" in result.stderr and "not in a library" in result.stderr
    inside = reader_here("bookmarks", "add", str(known / "a.md"))
    assert inside.returncode == 0, inside.stderr
