"""`reader bench`'s "convert per post": conversion alone, median over every post of a corpus."""

from __future__ import annotations

from pathlib import Path

from reader.core.convert import Converted
from reader.core.model import BodyFormat
from reader.devtools import bench
from reader.devtools.bench_convert import convert_seconds, corpus_bodies


def make_corpus(root: Path) -> Path:
    for name, posts in (("blog-a", 2), ("blog-b", 1)):
        folder = root / name / "source" / "_posts"
        folder.mkdir(parents=True)
        (root / name / "_config.yml").write_text("title: t\n", "utf-8")
        for index in range(posts):
            (folder / f"p{index}.md").write_text(
                f"---\ntitle: p{index}\n---\nText **{index}**.\n", "utf-8"
            )
    (root / "README.md").write_text("# not a site\n", "utf-8")
    return root


def test_corpus_bodies_are_every_post_of_every_site(tmp_path: Path) -> None:
    bodies = list(corpus_bodies(make_corpus(tmp_path)))
    assert sorted(body.strip() for body, _ in bodies) == [
        "Text **0**.",
        "Text **0**.",
        "Text **1**.",
    ]
    assert {fmt for _, fmt in bodies} == {"markdown"}


def test_convert_seconds_times_the_converter_alone(tmp_path: Path) -> None:
    calls: list[str] = []

    def convert(body: str, fmt: BodyFormat) -> Converted:
        calls.append(body)
        return Converted(body, None)

    bodies = list(corpus_bodies(make_corpus(tmp_path)))
    assert convert_seconds(bodies, 3, convert) > 0
    assert len(calls) == 3 * len(bodies)
    assert convert_seconds([], 3, convert) == 0.0


def test_bench_reports_convert_per_post_when_a_corpus_is_given(tmp_path: Path) -> None:
    settings = bench.Settings(
        sizes=(),
        repeats=1,
        corpus=make_corpus(tmp_path / "corpus"),
        work_dir=tmp_path / "work",
        library_dir=tmp_path / "libraries",
    )
    (row,) = bench.measure_convert(settings)
    assert row.measure == "convert per post (3 real posts)"
    assert row.value > 0 and row.unit == "ms" and row.ok is None
    without = bench.Settings((), 1, None, tmp_path / "work", tmp_path / "libraries")
    assert list(bench.measure_convert(without)) == []
