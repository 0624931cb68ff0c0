"""Split a post into its front matter and body, and load the front matter safely.

Dialects: YAML between `---` lines (also after leading blank lines), TOML between `+++` lines
(trailing spaces and CRLF tolerated; the block ends at the first closing fence), a JSON object
at the top (Hugo), or none.

Why not `frontmatter.loads` from python-frontmatter: its handlers split with a regular
expression anchored at the very start (RSSHUB-PAGE files open with an empty line), load YAML
with the pure-Python SafeLoader (several times slower than the C loader), need the `toml`
package, and have no size, node-count or depth limits. We keep its fence conventions (the
`START_DELIMITER`s of its YAML and TOML handlers) and do the rest here:
- the split looks only at the lines around the fences, never at the whole body;
- YAML is composed with `yaml.CSafeLoader`, the node graph is checked against node-count
  (aliases expanded) and depth caps, and only then constructed;
- front matter over 64 KiB is refused. Caps, not timers: the result is the same on any machine.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from typing import Any, Literal

import yaml
from frontmatter.default_handlers import YAMLHandler

from reader.core.sanitize import sanitize

FrontMatterKind = Literal["yaml", "toml", "json", "none"]

MAX_FRONT_MATTER = 64 * 1024
"""Bytes (well, characters) of front matter we accept."""
MAX_NODES = 20_000
"""YAML nodes, counting every use of an alias, before we call it an alias bomb."""
MAX_DEPTH = 64
"""Nesting depth of YAML, TOML or JSON front matter."""

_YAML_FENCE: str = YAMLHandler.START_DELIMITER  # "---"
_TOML_FENCE = "+++"
_BLANK = " \t\r\n"
_JSON_START = re.compile(r'\{\s*["}]')

try:
    _BaseLoader: type[Any] = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML without libyaml
    _BaseLoader = yaml.SafeLoader


class _Loader(_BaseLoader):  # type: ignore[misc]
    """The C safe loader, with timestamps kept as text: `dates` reads every form alike."""


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _BaseLoader.construct_yaml_str)


# What YAML does not allow in a stream: C0 but tab/LF/CR, DEL, C1 but NEL.
_YAML_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")
_MERGE_TAG = "tag:yaml.org,2002:merge"


class FrontMatterError(ValueError):
    """A human reason why the front matter could not be used."""


@dataclass(frozen=True, slots=True)
class FrontMatter:
    kind: FrontMatterKind
    data: dict[str, Any]
    body: str
    error: str | None = None


def parse_front_matter(text: str, *, keys: frozenset[str] | None = None) -> FrontMatter:
    """Split and load; never raises. On error the whole text is the body and `data` is empty.

    `keys` (lower case) limits which top-level YAML values are constructed: a post's header
    often carries excerpts, descriptions and theme settings nobody reads, and constructing
    Python objects is most of YAML's cost. Keys are matched without case.
    """
    start = _first_content_line(text)
    if text.startswith(_YAML_FENCE, start) and _is_fence(text, start, _YAML_FENCE):
        return _fenced(text, start, "yaml", keys)
    if text.startswith(_TOML_FENCE, start) and _is_fence(text, start, _TOML_FENCE):
        return _fenced(text, start, "toml", keys)
    if text.startswith("{", start):
        return _json(text, start)
    return FrontMatter("none", {}, text)


def _first_content_line(text: str) -> int:
    """Offset of the first line that is not blank (0 when the text starts with content)."""
    if not text or text[0] not in _BLANK:
        return 0
    stripped = len(text) - len(text.lstrip(_BLANK))
    line_start = text.rfind("\n", 0, stripped) + 1
    return line_start


def _is_fence(text: str, start: int, fence: str) -> bool:
    """The line at `start` is the fence, then only spaces (a `----` ruler or `---x` is not)."""
    end = text.find("\n", start)
    line = text[start : len(text) if end < 0 else end]
    return line.rstrip() == fence


def _fenced(
    text: str, start: int, kind: FrontMatterKind, keys: frozenset[str] | None
) -> FrontMatter:
    fence = _YAML_FENCE if kind == "yaml" else _TOML_FENCE
    header_start = text.find("\n", start) + 1
    if header_start == 0:
        return FrontMatter(kind, {}, "", "front matter is not closed")
    close = _closing_fence(text, header_start, fence, also_dots=kind == "yaml")
    if close is None:
        return FrontMatter(kind, {}, text, "front matter is not closed")
    close_start, body_start = close
    if close_start - header_start > MAX_FRONT_MATTER:
        return FrontMatter(kind, {}, text, "front matter is larger than 64 KiB")
    header = text[header_start:close_start]
    if kind == "yaml" and _YAML_UNPRINTABLE.search(header):
        # libyaml refuses control characters outright; a hostile title must not cost the
        # whole front matter, so escape sequences and controls go before parsing.
        header = sanitize(header)
    body = text[body_start:]
    first_line = text.count("\n", 0, header_start)
    try:
        data = _load_yaml(header, first_line, keys) if kind == "yaml" else _load_toml(header)
    except FrontMatterError as error:
        return FrontMatter(kind, {}, body, str(error))
    return FrontMatter(kind, data, body)


def _closing_fence(text: str, pos: int, fence: str, *, also_dots: bool) -> tuple[int, int] | None:
    """(start of the closing fence line, start of the body), or None when there is none.

    Only lines that start with the fence are looked at, with `str.find`, never a regex.
    """
    fences = (fence, "...") if also_dots else (fence,)
    needles = tuple("\n" + f for f in fences)
    line_start = pos
    while True:
        if text.startswith(fences, line_start):
            end = text.find("\n", line_start)
            line = text[line_start : len(text) if end < 0 else end]
            if line.rstrip() in fences:
                return line_start, len(text) if end < 0 else end + 1
        hit = text.find(needles[0], line_start)
        if len(needles) > 1:  # `...` only counts before the first `---` (no body scan)
            dots = text.find(needles[1], line_start, len(text) if hit < 0 else hit)
            if dots >= 0:
                hit = dots
        if hit < 0:
            return None
        line_start = hit + 1


def _json(text: str, start: int) -> FrontMatter:
    if not _JSON_START.match(text, start):  # e.g. a Hexo `{% tag %}` opening the body
        return FrontMatter("none", {}, text)
    decoder = json.JSONDecoder()
    window = text[start : start + MAX_FRONT_MATTER + 1]
    try:
        data, end = decoder.raw_decode(window)
    except RecursionError:
        return FrontMatter("json", {}, text, "front matter is nested too deeply")
    except json.JSONDecodeError as error:
        if len(window) > MAX_FRONT_MATTER and _json_object_ends_after(text, start):
            return FrontMatter("json", {}, text, "front matter is larger than 64 KiB")
        line = text.count("\n", 0, start + error.pos) + 1
        return FrontMatter("json", {}, text, f"JSON error at line {line}: {error.msg}")
    if not isinstance(data, dict):
        return FrontMatter("none", {}, text)
    try:
        _check_depth(data)
    except FrontMatterError as error:
        return FrontMatter("json", {}, text, str(error))
    body = text[start + end :]
    newline = body.find("\n")
    if newline >= 0 and not body[:newline].strip():
        body = body[newline + 1 :]
    return FrontMatter("json", data, body)


def _json_object_ends_after(text: str, start: int) -> bool:
    """Whether the object cut at the cap was valid JSON, only too large (error path only)."""
    try:
        json.JSONDecoder().raw_decode(text, start)
    except (json.JSONDecodeError, RecursionError):
        return False
    return True


def _load_toml(header: str) -> dict[str, Any]:
    try:
        data = tomllib.loads(header)
    except tomllib.TOMLDecodeError as error:
        raise FrontMatterError(f"TOML error: {error}") from None
    except RecursionError:
        raise FrontMatterError("front matter is nested too deeply") from None
    _check_depth(data)
    return data


def _check_depth(value: object) -> None:
    """Depth cap for TOML and JSON values (their parsers have no alias expansion)."""
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise FrontMatterError("front matter is nested too deeply")
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)


def _load_yaml(header: str, first_line: int, keys: frozenset[str] | None = None) -> dict[str, Any]:
    if _possible_depth(header) > MAX_DEPTH:
        _check_yaml_events(header, first_line)
    loader = _Loader(header)
    try:
        try:
            node = loader.get_single_node()
            if node is None:
                return {}
            if "*" in header:  # without aliases, nodes are bounded by the header's size
                _check_yaml_nodes(node)
            if keys is not None and _plain_mapping(node):
                data = _construct_keys(loader, node, keys)
            else:
                data = loader.construct_document(node)
        finally:
            loader.dispose()
    except FrontMatterError:
        raise
    except yaml.MarkedYAMLError as error:
        raise FrontMatterError(_yaml_message(error, first_line)) from None
    except yaml.YAMLError as error:
        raise FrontMatterError(f"YAML error: {error}") from None
    except (ValueError, TypeError, RecursionError) as error:  # bad values in constructors
        raise FrontMatterError(f"YAML error: {error}") from None
    if not isinstance(data, dict):
        raise FrontMatterError("front matter is not a mapping of keys to values")
    return data


def _plain_mapping(node: yaml.Node) -> bool:
    """A mapping whose keys are plain scalars (no `<<` merge, no complex keys)."""
    if not isinstance(node, yaml.MappingNode):
        return False
    for key, _value in node.value:
        if not isinstance(key, yaml.ScalarNode) or key.tag == _MERGE_TAG:
            return False
    return True


def _construct_keys(loader: Any, node: yaml.MappingNode, keys: frozenset[str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in node.value:
        if key.value.lower() in keys:
            data[key.value] = loader.construct_object(value, deep=True)
    return data


def _possible_depth(header: str) -> int:
    """An upper bound of the nesting depth: every level needs one of `[ { - ? :`."""
    return (
        header.count("[")
        + header.count("{")
        + header.count("-")
        + header.count("?")
        + header.count(":")
    )


def _check_yaml_events(header: str, first_line: int) -> None:
    """Exact depth check on the event stream (libyaml's parser is not recursive, the composer
    is, and a deep enough document overflows the C stack).

    Newer libyaml builds refuse deep nesting themselves, in their own words and while scanning
    ahead, before our count sees it. Their error is then checked again with the pure-Python
    parser (no such limit, not recursive; this path only), so a deep header always gets our
    message whatever PyYAML says, and a broken one still gets its line."""
    try:
        _count_yaml_depth(header, _BaseLoader)
    except yaml.YAMLError as error:
        if _BaseLoader is yaml.SafeLoader:  # pragma: no cover - PyYAML without libyaml
            raise FrontMatterError(_yaml_error(error, first_line)) from None
        try:
            _count_yaml_depth(header, yaml.SafeLoader)
        except yaml.YAMLError as python_error:
            raise FrontMatterError(_yaml_error(python_error, first_line)) from None
        raise FrontMatterError(_yaml_error(error, first_line)) from None


def _count_yaml_depth(header: str, loader: type[Any]) -> None:
    depth = 0
    for event in yaml.parse(header, Loader=loader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise FrontMatterError("front matter is nested too deeply")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _yaml_error(error: yaml.YAMLError, first_line: int) -> str:
    if isinstance(error, yaml.MarkedYAMLError):
        return _yaml_message(error, first_line)
    return f"YAML error: {error}"


def _check_yaml_nodes(root: yaml.Node) -> None:
    """Count nodes with every alias expanded, and depth, before anything is constructed."""
    count = 0
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise FrontMatterError("front matter has too many values (an alias bomb?)")
        if depth > MAX_DEPTH:
            raise FrontMatterError("front matter is nested too deeply")
        if isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.append((key, depth + 1))
                stack.append((value, depth + 1))


def _yaml_message(error: yaml.MarkedYAMLError, first_line: int) -> str:
    mark = error.problem_mark or error.context_mark
    problem = error.problem or error.context or "not valid YAML"
    if mark is None:
        return f"YAML error: {problem}"
    return f"YAML error at line {first_line + mark.line + 1}: {problem}"


_HEADING = re.compile(r"^#[ \t]+(.+?)[ \t#]*$")


def first_heading(body: str, *, limit: int = 65536) -> str | None:
    """The first `# heading` of a Markdown body, outside fenced code."""
    fence: str | None = None
    for line in body[:limit].splitlines():
        stripped = line.lstrip()
        if stripped.startswith(("```", "~~~")):
            marker = stripped[:3]
            if fence is None:
                fence = marker
            elif marker == fence:
                fence = None
            continue
        if fence is None and line.startswith("#"):
            match = _HEADING.match(line)
            if match:
                return match[1]
    return None
