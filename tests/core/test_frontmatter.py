"""Front matter: YAML, TOML, JSON, none; fences found without scanning bodies; caps hold."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml

import reader.core.frontmatter as frontmatter_module
from reader.core.frontmatter import (
    MAX_FRONT_MATTER,
    first_heading,
    parse_front_matter,
)


def test_yaml_after_leading_blank_lines() -> None:
    front = parse_front_matter("\n\n---\ntitle: A\n---\nbody\n")
    assert (front.kind, front.data, front.body, front.error) == (
        "yaml",
        {"title": "A"},
        "body\n",
        None,
    )


def test_yaml_with_crlf_and_blank_lines_inside() -> None:
    front = parse_front_matter("---\r\n\r\n\r\ntitle: A\r\ntags:\r\n- x\r\n---\r\nbody\r\n")
    assert front.data == {"title": "A", "tags": ["x"]}
    assert front.body == "body\r\n"


def test_yaml_closing_fence_with_trailing_spaces_and_dots() -> None:
    assert parse_front_matter("---\ntitle: A\n---   \nbody").body == "body"
    assert parse_front_matter("---\ntitle: A\n...\nbody").data == {"title": "A"}


def test_yaml_fence_lookalikes_inside_front_matter_are_not_the_end() -> None:
    front = parse_front_matter("---\ntitle: A\nnote: |\n  ----\n  ---x\n---\nbody")
    assert front.data["note"] == "----\n---x\n"
    assert front.body == "body"


def test_empty_front_matter_and_timestamps_as_text() -> None:
    assert parse_front_matter("---\n---\nbody").data == {}
    front = parse_front_matter("---\ndate: 2019-01-11 22:13:00\n---\n")
    assert front.data == {"date": "2019-01-11 22:13:00"}  # dates.parse_date reads all forms


def test_toml_trailing_space_crlf_and_first_closing_fence() -> None:
    text = '+++ \r\ntitle = "T"\r\ntags = ["a", "b"]\r\n+++\r\nbody\n\n+++\nquoted = 1\n+++\n'
    front = parse_front_matter(text)
    assert front.kind == "toml"
    assert front.data == {"title": "T", "tags": ["a", "b"]}
    assert front.body == "body\n\n+++\nquoted = 1\n+++\n"


def test_toml_error() -> None:
    front = parse_front_matter('+++\ntitle = "unclosed\n+++\nbody')
    assert front.error is not None and front.error.startswith("TOML error")
    assert front.data == {}


def test_json_front_matter() -> None:
    front = parse_front_matter('{\n  "title": "J",\n  "tags": ["x"]\n}\n\nbody {not json}\n')
    assert front.kind == "json"
    assert front.data == {"title": "J", "tags": ["x"]}
    assert front.body == "\nbody {not json}\n"


@pytest.mark.parametrize(
    "text", ["{% note info %}\nhi\n{% endnote %}\n", "{{< shortcode >}}\n", "{ plain braces }"]
)
def test_braces_that_are_not_json_front_matter(text: str) -> None:
    front = parse_front_matter(text)
    assert (front.kind, front.body, front.error) == ("none", text, None)


def test_no_front_matter_and_rulers() -> None:
    for text in ["# Just markdown\n", "----\nnot a fence\n", "---x\n", ""]:
        front = parse_front_matter(text)
        assert (front.kind, front.data, front.body) == ("none", {}, text)


def test_not_closed() -> None:
    front = parse_front_matter("---\ntitle: A\nbody without end\n")
    assert front.error == "front matter is not closed"
    assert front.body == "---\ntitle: A\nbody without end\n"


def test_yaml_error_names_the_file_line() -> None:
    front = parse_front_matter("\n---\ntitle: A\ntags: [a, b\nx: 1\n---\nbody")
    assert front.error is not None
    assert front.error.startswith("YAML error at line 5:"), front.error
    assert front.body == "body"


def test_not_a_mapping() -> None:
    assert parse_front_matter("---\n- a\n- b\n---\n").error == (
        "front matter is not a mapping of keys to values"
    )


def test_unsafe_tags_refused() -> None:
    front = parse_front_matter("---\ntitle: !!python/object/apply:os.system ['true']\n---\n")
    assert front.error is not None and front.error.startswith("YAML error")


def test_too_large() -> None:
    big = "---\n" + "k: " + "x" * MAX_FRONT_MATTER + "\n---\nbody"
    assert parse_front_matter(big).error == "front matter is larger than 64 KiB"
    big_json = '{"k": "' + "x" * MAX_FRONT_MATTER + '"}\nbody'
    assert parse_front_matter(big_json).error == "front matter is larger than 64 KiB"


def test_alias_bomb_is_stopped() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        lines.append(f"{name}: &{name} [{','.join(['*' + prev] * 9)}]")
    front = parse_front_matter("---\n" + "\n".join(lines) + "\ntitle: T\n---\nbody")
    assert front.error == "front matter has too many values (an alias bomb?)"
    # Even when only the title is wanted, the bomb is refused before construction.
    front = parse_front_matter(
        "---\n" + "\n".join(lines) + "\ntitle: T\n---\n", keys=frozenset({"title"})
    )
    assert front.error is not None


def test_recursive_alias_does_not_hang() -> None:
    front = parse_front_matter("---\na: &a [*a, *a]\ntitle: T\n---\n")
    assert front.error is not None or front.data["title"] == "T"


def _in_subprocess(text: str) -> str:
    """Deep nesting overflows libyaml's recursive composer (a segfault, not an exception),
    so these run in a child: a crash fails the test instead of killing pytest."""
    code = (
        "import sys\nfrom reader.core.frontmatter import parse_front_matter\n"
        "print(parse_front_matter(sys.stdin.read()).error)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], input=text, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-500:]
    return result.stdout.strip()


@pytest.mark.parametrize(
    "nested",
    [
        "k: " + "[" * 30000 + "]" * 30000,
        "k: " + "{a: " * 10000 + "1" + "}" * 10000,
        "".join("  " * i + "- \n" for i in range(3000)),
        "- " * 30000 + "x",
    ],
    ids=["flow-seq", "flow-map", "block-seq", "compact-seq"],
)
def test_deep_nesting_is_an_error_not_a_crash(nested: str) -> None:
    header = nested[: MAX_FRONT_MATTER - 10]
    assert _in_subprocess("---\n" + header + "\n---\nbody") == "front matter is nested too deeply"


class _RefusingLoader(frontmatter_module._BaseLoader):  # type: ignore[misc]
    """A YAML parser that gives up on deep nesting in words of its own (as libyaml >= 0.2.5
    builds of PyYAML 6.0.4 do, before our depth count sees the events)."""

    def check_event(self, *choices: object) -> bool:
        raise yaml.YAMLError("some library's own words")


def test_deep_nesting_gets_our_message_whatever_the_yaml_library_says(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(frontmatter_module, "_BaseLoader", _RefusingLoader)
    deep = "---\nk: " + "[" * 100 + "]" * 100 + "\n---\nbody"
    assert parse_front_matter(deep).error == "front matter is nested too deeply"
    # A broken header that is not too deep keeps the line of its mistake.
    broken = "---\nk: " + "[" * 40 + "]" * 39 + "\n" + "- :" * 30 + "\n---\nbody"
    error = parse_front_matter(broken).error
    assert error is not None and error.startswith("YAML error at line ")


def test_deep_json_and_toml() -> None:
    deep_json = '{"k": ' + "[" * 5000 + "]" * 5000 + "}\nbody"
    assert parse_front_matter(deep_json).error == "front matter is nested too deeply"
    deep_toml = "+++\nk = " + "[" * 100 + "]" * 100 + "\n+++\n"
    assert parse_front_matter(deep_toml).error == "front matter is nested too deeply"


def test_selected_keys_only_and_merge_keys() -> None:
    text = "---\nTitle: T\nexcerpt: long\nbase: &b {tags: [x]}\n<<: *b\n---\n"
    assert parse_front_matter(text, keys=frozenset({"title"})).data["tags"] == ["x"]
    text = "---\nTitle: T\nexcerpt: long\n---\n"
    assert parse_front_matter(text, keys=frozenset({"title"})).data == {"Title": "T"}


def test_control_characters_do_not_cost_the_front_matter() -> None:
    front = parse_front_matter("---\ntitle: a \x1b[31mred\x1b[0m \x9b1m b\ndate: 2020-01-01\n---\n")
    assert front.data == {"title": "a red  b", "date": "2020-01-01"}


def test_first_heading_skips_fenced_code() -> None:
    body = "intro\n```sh\n# not a heading\n```\n~~~\n# nor this\n~~~\n## two\n# Real one #\n"
    assert first_heading(body) == "Real one"
    assert first_heading("no heading\n#hashtag\n") is None
