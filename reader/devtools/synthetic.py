"""Synthetic libraries for measuring: Hexo sites of N posts, built once and cached.

Posts are assembled from the bundled sample library and, when present, a corpus folder of real
posts (../shared/corpus beside a checkout): varied titles (CJK and Latin), realistic body sizes,
HTML and Markdown bodies, folder = category path (48 categories, up to 3 deep), and a few 1 MB
posts. The same (count, seed) always gives the same files.
"""

from __future__ import annotations

import os
import random
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

POST_SUFFIXES = (".md", ".markdown", ".html", ".htm")
HUGE_POSTS = 3
HUGE_POST_BYTES = 1 << 20
LONGEST_POST_NUMBER = HUGE_POSTS
"""The post that carries the longest real body, unrepeated (`longest_post`)."""
LAYOUT_VERSION = 2
"""Bumped whenever the generator changes, so cached libraries are rebuilt."""
_FRONT = re.compile(r"\A\s*(?:---|\+\+\+)\s*\n.*?\n(?:---|\+\+\+)\s*\n", re.DOTALL)
_CATEGORY_TREE = {
    "技术": {"Python": ["异步", "打包", "测试"], "Rust": ["所有权", "宏"], "前端": ["CSS", "Vue"]},
    "新媒体": {"36kr": ["快讯", "深度"], "9To5": ["Apple", "Google"]},
    "二次元": {"Bangumi": ["新番", "旧番"], "AcFun": ["番剧"]},
    "Engineering": {"Databases": ["SQLite", "Postgres"], "Networking": ["DNS", "HTTP"]},
    "Reading": {"Essays": [], "Reviews": ["Fiction", "Non-fiction"]},
    "日記": {"休校日記": [], "旅行": ["京都"]},
    "Releases": {},
    "Announcements": {},
}
_TITLE_TEXT = (
    "SQLite 性能 调优 笔记 Rust async 的 所有权 入门 指南 新番 速报 京都 旅行 記録 "
    "terminal reader release notes deep dive 融资 上市 猫 DNS caching HTTP/3 benchmark "
    "Vue 组件 设计 半岛 报道 休校 日記 Python 打包 testing 快讯 Apple Google 评测"
)
_TITLE_WORDS = _TITLE_TEXT.split()


@dataclass(frozen=True, slots=True)
class SourceBody:
    text: str
    is_html: bool


def category_paths() -> list[tuple[str, ...]]:
    """Every node of the category tree: 1, 2 and 3 levels deep."""
    paths: list[tuple[str, ...]] = []
    for top, subs in _CATEGORY_TREE.items():
        paths.append((top,))
        for sub, leaves in subs.items():
            paths.append((top, sub))
            paths.extend((top, sub, leaf) for leaf in leaves)
    return paths


def source_bodies(corpus: Path | None) -> list[SourceBody]:
    """Bodies to draw from: the sample library's posts, plus the corpus when it is there."""
    import reader

    roots = [Path(reader.__file__).parent / "sample"]
    if corpus is not None and corpus.is_dir():
        roots.append(corpus)
    bodies = []
    for root in roots:
        for file in sorted(root.rglob("*")):
            if file.suffix.lower() not in POST_SUFFIXES or file.name == "README.md":
                continue
            if not file.is_file():
                continue
            text = file.read_text("utf-8", errors="replace")
            front = _FRONT.match(text)
            body = text[front.end() :] if front else text
            bodies.append(SourceBody(body, body.lstrip().startswith("<")))
    if not bodies:
        bodies.append(SourceBody("A paragraph of text.\n\n## A heading\n\nMore text.\n", False))
    return bodies


def _yaml_quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _post_text(
    title: str, date: datetime, path: tuple[str, ...], body: str, tags: list[str]
) -> str:
    categories = "".join(f"\n  - {_yaml_quote(part)}" for part in path)
    tag_lines = "".join(f"\n  - {_yaml_quote(tag)}" for tag in tags)
    return (
        f"---\ntitle: {_yaml_quote(title)}\ndate: {date:%Y-%m-%d %H:%M:%S}\n"
        f"categories:{categories}\ntags:{tag_lines}\nauthor: bench\n---\n{body}"
    )


def build_library(dest: Path, count: int, corpus: Path | None = None, seed: int = 1) -> Path:
    """Write a Hexo site of `count` posts at `dest` (reused when already complete)."""
    marker = dest / ".complete"
    stamp = f"{count} {seed} v{LAYOUT_VERSION}\n"
    if marker.is_file() and marker.read_text() == stamp:
        return dest
    if dest.exists():
        shutil.rmtree(dest)
    rng = random.Random(seed)
    bodies = source_bodies(corpus)
    longest = max(bodies, key=lambda source: len(source.text.encode()))
    categories = category_paths()
    posts_root = dest / "source" / "_posts"
    start = datetime(2012, 1, 1, tzinfo=UTC)
    made_dirs: set[Path] = set()
    for number in range(count):
        path = categories[number % len(categories)]
        words = rng.sample(_TITLE_WORDS, rng.randint(2, 6))
        title = f"{' '.join(words)} #{number}"
        source = rng.choice(bodies)
        if number == LONGEST_POST_NUMBER:
            source = longest
        body = source.text
        if number < HUGE_POSTS:
            body = (body + "\n\n") * (HUGE_POST_BYTES // max(len(body.encode()), 1) + 1)
        date = start + timedelta(minutes=rng.randrange(14 * 365 * 24 * 60))
        folder = posts_root.joinpath(*path)
        if folder not in made_dirs:
            folder.mkdir(parents=True, exist_ok=True)
            made_dirs.add(folder)
        text = _post_text(title, date, path, body, words[:2])
        (folder / f"post-{number:06d}.md").write_text(text, "utf-8")
    marker.write_text(stamp)
    return dest


def post_files(site: Path) -> list[Path]:
    """Every post file of a synthetic site, in a stable order."""
    files: list[Path] = []
    for folder, _dirs, names in os.walk(site / "source" / "_posts"):
        files.extend(Path(folder) / name for name in names if name.endswith(".md"))
    return sorted(files)


def longest_post(site: Path) -> Path | None:
    """The post carrying the longest real body (not one of the 1 MB ones), if the site has it."""
    for file in post_files(site):
        if file.name == f"post-{LONGEST_POST_NUMBER:06d}.md":
            return file
    return None
