"""Site detection and the careful walk: every post found, nothing opened, nothing lost."""

from __future__ import annotations

import os
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from reader.core.scan import (
    ERROR_LINK_LEAVES,
    ERROR_LINK_LOOP,
    ERROR_NOT_REGULAR,
    FileRef,
    Site,
    SiteError,
    detect_site,
    post_file_path,
    scan,
)
from tests.factories import write_file


def refs(site: Site) -> dict[str, FileRef]:
    return {ref.relpath: ref for ref in scan(site)}


def test_hexo_site_root_and_posts_root_are_one_library(tmp_path: Path) -> None:
    write_file(tmp_path / "source" / "_posts" / "a.md")
    (tmp_path / "_config.yml").write_text("title: t\ntimezone: 'Asia/Tokyo' # zone\n")
    by_root = detect_site(tmp_path)
    by_posts = detect_site(tmp_path / "source" / "_posts")
    assert by_root == by_posts
    assert by_root.kind == "hexo"
    assert by_root.posts_root == (tmp_path / "source" / "_posts").resolve()
    assert by_root.timezone == ZoneInfo("Asia/Tokyo")
    assert by_root.drafts_root is None


@pytest.mark.parametrize("value", ["''", "", "Not/AZone", '""'])
def test_hexo_empty_or_unknown_timezone_means_utc(tmp_path: Path, value: str) -> None:
    write_file(tmp_path / "source" / "_posts" / "a.md")
    (tmp_path / "_config.yml").write_text(f"timezone: {value}\n")
    assert detect_site(tmp_path).timezone is None


def test_jekyll_hugo_and_folder_detection(tmp_path: Path) -> None:
    write_file(tmp_path / "j" / "_posts" / "2020-01-01-a.markdown")
    write_file(tmp_path / "h" / "content" / "blog" / "a.md")
    write_file(tmp_path / "f" / "notes" / "a.md")
    assert detect_site(tmp_path / "j").kind == "jekyll"
    assert detect_site(tmp_path / "j" / "_posts").kind == "jekyll"
    assert detect_site(tmp_path / "h").kind == "hugo"
    assert detect_site(tmp_path / "h").posts_root.name == "content"
    site = detect_site(tmp_path / "f")
    assert site.kind == "folder"
    assert site.posts_root == (tmp_path / "f").resolve()
    assert set(refs(site)) == {"notes/a.md"}


def test_drafts_only_when_asked(tmp_path: Path) -> None:
    write_file(tmp_path / "source" / "_posts" / "a.md")
    write_file(tmp_path / "source" / "_drafts" / "wip.md")
    assert set(refs(detect_site(tmp_path))) == {"a.md"}
    site = detect_site(tmp_path, drafts=True)
    found = refs(site)
    assert set(found) == {"a.md", "_drafts/wip.md"}
    assert found["_drafts/wip.md"].draft
    assert not found["a.md"].draft
    assert post_file_path(site, "_drafts/wip.md") == site.drafts_root / "wip.md"  # type: ignore[operator]
    assert post_file_path(site, "a.md") == site.posts_root / "a.md"


def test_missing_or_not_a_folder(tmp_path: Path) -> None:
    with pytest.raises(SiteError, match="no such folder"):
        detect_site(tmp_path / "nope")
    write_file(tmp_path / "file.md")
    with pytest.raises(SiteError, match="not a folder"):
        detect_site(tmp_path / "file.md")


def test_post_names_hidden_files_and_skipped_folders(tmp_path: Path) -> None:
    for name in ["a.md", "b.MARKDOWN", "c.mdown", "d.mkd", "e.html", "f.htm", ".md", "g.txt"]:
        write_file(tmp_path / name)
    for folder in [".git", "node_modules", "public", "themes", "scaffolds", ".hidden"]:
        write_file(tmp_path / folder / "x.md")
    write_file(tmp_path / "bundle" / "post" / "index.md")
    found = set(refs(detect_site(tmp_path)))
    assert found == {
        "a.md",
        "b.MARKDOWN",
        "c.mdown",
        "d.mkd",
        "e.html",
        "f.htm",
        ".md",
        "bundle/post/index.md",
    }


def test_size_and_mtime(tmp_path: Path) -> None:
    path = write_file(tmp_path / "a.md", "12345")
    os.utime(path, ns=(1_000_000_000, 2_000_000_000))
    (ref,) = scan(detect_site(tmp_path))
    assert (ref.size, ref.mtime_ns, ref.error) == (5, 2_000_000_000, None)


def test_fifo_links_and_loops_are_reported_not_followed(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    write_file(root / "ok.md")
    os.mkfifo(root / "pipe.md")
    outside = write_file(tmp_path / "outside" / "secret.md")
    (root / "out.md").symlink_to(outside)
    (root / "outdir").symlink_to(outside.parent, target_is_directory=True)
    (root / "loop.md").symlink_to(root / "loop.md")
    (root / "sub").mkdir()
    (root / "sub" / "up").symlink_to(root, target_is_directory=True)
    (root / "inside.md").symlink_to(root / "ok.md")
    (root / "broken.md").symlink_to(root / "nothing.md")
    found = refs(detect_site(root))
    assert found["ok.md"].error is None
    assert found["inside.md"].error is None
    assert found["pipe.md"].error == ERROR_NOT_REGULAR
    assert found["out.md"].error == ERROR_LINK_LEAVES
    assert found["outdir"].error == ERROR_LINK_LEAVES
    assert found["loop.md"].error == ERROR_LINK_LOOP
    assert found["sub/up"].error == ERROR_LINK_LOOP
    assert found["broken.md"].error is not None
    assert "outdir/secret.md" not in found


def test_non_utf8_file_name_round_trips(tmp_path: Path) -> None:
    raw = os.fsencode(tmp_path) + b"/caf\xe9.md"
    with open(raw, "wb") as handle:
        handle.write(b"# hi\n")
    site = detect_site(tmp_path)
    (ref,) = scan(site)
    assert ref.relpath == "caf\udce9.md"
    assert os.fsencode(post_file_path(site, ref.relpath)) == raw
