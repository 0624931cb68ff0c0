"""The bundled sample library: well-formed Hexo posts with the features the guide promises."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import frontmatter
import pytest
from markdown_it import MarkdownIt

import reader

SAMPLE = Path(reader.__file__).parent / "sample"
POSTS = SAMPLE / "source" / "_posts"
POST_FILES = sorted(POSTS.rglob("*.md"))
POST_LINK = re.compile(r"\{%\s*post_link\s+(\S+)\s*%\}")


def test_sample_is_a_hexo_site() -> None:
    assert (SAMPLE / "_config.yml").is_file()
    assert 8 <= len(POST_FILES) <= 12


@pytest.mark.parametrize("path", POST_FILES, ids=lambda p: p.relative_to(POSTS).as_posix())
def test_front_matter_is_complete(path: Path) -> None:
    post = frontmatter.load(path)
    assert post["title"] and post["date"] and post["author"] and post["tags"]
    categories = post["categories"]
    # Hexo nested list: one hierarchical path per inner list.
    assert isinstance(categories, list) and all(isinstance(c, list) for c in categories)


def test_guide_has_the_promised_features() -> None:
    texts = {p: p.read_text(encoding="utf-8") for p in POST_FILES}
    bodies = {p: frontmatter.loads(t).content for p, t in texts.items()}
    everything = "\n".join(texts.values())
    for language in ("python", "toml", "bash"):
        assert f"```{language}\n" in everything
    assert any(b.lstrip().startswith("<div>") for b in bodies.values()), "an HTML body"
    assert any(len(re.findall(r"[\u4e00-\u9fff]", b)) > 300 for b in bodies.values()), "Chinese"
    tokens = [t for b in bodies.values() for t in MarkdownIt("commonmark").enable("table").parse(b)]
    assert any(t.type == "table_open" for t in tokens)
    levels = {t.tag for t in tokens if t.type == "heading_open"}
    assert {"h2", "h3", "h4"} <= levels


def test_links_between_posts_resolve() -> None:
    slugs = {p.stem for p in POST_FILES}
    relative = 0
    for path in POST_FILES:
        body = frontmatter.load(path).content
        for slug in POST_LINK.findall(body):
            assert slug in slugs, f"{path.name}: post_link {slug}"
        for target in re.findall(r"\]\(([^)\s]+\.md)\)", body):
            relative += 1
            assert (path.parent / unquote(target)).resolve().is_file(), f"{path.name}: {target}"
    assert relative >= 3


def test_key_reference_names_every_binding_id_and_no_other() -> None:
    from reader.keys import KEYS

    text = (POSTS / "Reference" / "Keys" / "keys.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`(reader\.[a-z_]+)`", text))
    assert named == {spec.id for spec in KEYS}


def test_the_guide_starts_with_welcome_in_the_default_order(tmp_path: Path) -> None:
    """Issue 12.12: newest first put Welcome last; the guide reads top down in its own order."""
    from reader.core.library import Folder, Library
    from reader.core.paths import StorePaths

    library = Library.open(SAMPLE, paths=StorePaths.default(tmp_path))
    try:
        for _ in library.sync():
            pass
        everything = library.posts(Folder("all"))
        titles = [row.title for row in everything.rows(0, len(everything))]
    finally:
        library.close()
    assert titles[0] == "Welcome to reader"
    guide = ["Welcome to reader", "Navigating the library", "Reading a post", "Finding things"]
    assert [t for t in titles if t in guide] == guide
