"""The user's TOML config: key remaps by binding id, theme, reading measure, when to mark read.

```toml
theme = "light"            # "dark", "light" or any Textual theme name
measure = 100              # maximum width of the reading column, in cells (40..400)
mark_read_on = "open"      # "open" or "end" (scrolled to the end)
search_index = "background"  # or "on_search": build the search index only when searching
watch = true               # follow the library's folders as files change (false: on `r` only)

[keys]
"reader.next_unread" = "n"         # binding id (the "reader." prefix is optional) = key(s)
"reader.down" = ["j", "down"]      # a list, or a comma-separated string
```

A bad file raises `ConfigError`, whose message names the file and the line. No Textual here.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, cast

MarkReadOn = Literal["open", "end"]
SearchIndexing = Literal["background", "on_search"]
MEASURE_RANGE = (40, 400)
_KNOWN_TOP_LEVEL = {"theme", "measure", "mark_read_on", "search_index", "watch", "keys"}
# A Textual key name: letters, digits, +, _ and the printable punctuation that stands for itself.
_KEY = re.compile(r"^[\x21-\x7e]+$")
_TOML_LINE = re.compile(r"at line (\d+)")


class ConfigError(Exception):
    """A config file that cannot be used; `str()` is one line naming the file and line."""

    def __init__(self, path: Path | None, line: int | None, message: str) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = str(path) if path is not None else "config"
        if line is not None:
            where += f", line {line}"
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True, slots=True)
class Config:
    """Settings for the app; the defaults are what a missing file means."""

    keys: Mapping[str, str] = field(default_factory=dict)
    """Binding id (always with the `reader.` prefix) -> comma-separated Textual key names."""
    theme: str | None = None
    """"dark", "light", a Textual theme name, or None for the default."""
    measure: int = 100
    mark_read_on: MarkReadOn = "open"
    search_index: SearchIndexing = "background"
    """"background": index for search after every sync; "on_search": only when searching."""
    watch: bool = True
    """Follow the library's folders while the app runs (reader.core.watch)."""
    path: Path | None = None
    """The file this came from, if any."""
    key_lines: Mapping[str, int] = field(default_factory=dict)
    """Binding id -> line of the file that set it (for messages about unknown ids)."""

    def check_key_ids(self, known: set[str]) -> None:
        """Raise ConfigError for a `[keys]` entry whose binding id does not exist."""
        for binding_id in self.keys:
            if binding_id not in known:
                raise ConfigError(
                    self.path,
                    self.key_lines.get(binding_id),
                    f"unknown binding id {binding_id!r} in [keys]",
                )


def load_config(path: Path) -> Config:
    """Read the config at `path`; a missing file gives the defaults."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return Config()
    except OSError as error:
        raise ConfigError(path, None, f"cannot read: {error.strerror or error}") from None
    return parse_config(data, path)


def parse_config(data: bytes, path: Path | None = None) -> Config:
    """Parse config bytes; errors name the line."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ConfigError(path, line, "not valid UTF-8") from None
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        match = _TOML_LINE.search(message)
        reason = _TOML_LINE.split(message)[0].rstrip(" (")
        raise ConfigError(
            path, int(match.group(1)) if match else None, f"invalid TOML: {reason}"
        ) from None
    lines = text.splitlines()

    def fail(key: str, message: str, section: str | None = None) -> ConfigError:
        return ConfigError(path, _line_of(lines, key, section), message)

    for key in table:
        if key not in _KNOWN_TOP_LEVEL:
            raise fail(
                key, f"unknown setting {key!r} (known: {', '.join(sorted(_KNOWN_TOP_LEVEL))})"
            )

    theme = table.get("theme")
    if theme is not None and (not isinstance(theme, str) or not theme.strip()):
        raise fail("theme", 'theme must be a non-empty string such as "dark" or "light"')

    measure = table.get("measure", 100)
    low, high = MEASURE_RANGE
    if isinstance(measure, bool) or not isinstance(measure, int) or not low <= measure <= high:
        raise fail("measure", f"measure must be a whole number of columns from {low} to {high}")

    mark_read_on = table.get("mark_read_on", "open")
    if mark_read_on not in ("open", "end"):
        raise fail("mark_read_on", 'mark_read_on must be "open" or "end"')

    search_index = table.get("search_index", "background")
    if search_index not in ("background", "on_search"):
        raise fail("search_index", 'search_index must be "background" or "on_search"')

    watch = table.get("watch", True)
    if not isinstance(watch, bool):
        raise fail("watch", "watch must be true or false")

    keys_table = table.get("keys", {})
    if not isinstance(keys_table, dict):
        raise fail("keys", "[keys] must be a table of binding id = key or list of keys")
    keys: dict[str, str] = {}
    key_lines: dict[str, int] = {}
    for raw_id, value in keys_table.items():
        key_line = _line_of(lines, raw_id, "keys")
        binding_id = raw_id if raw_id.startswith("reader.") else f"reader.{raw_id}"
        names = _key_names(value)
        if names is None:
            raise ConfigError(
                path, key_line, f"keys for {raw_id!r} must be a key name or a list of key names"
            )
        keys[binding_id] = ",".join(names)
        if key_line is not None:
            key_lines[binding_id] = key_line
    return Config(
        keys=keys,
        theme=theme.strip() if isinstance(theme, str) else None,
        measure=measure,
        mark_read_on=cast(MarkReadOn, mark_read_on),
        search_index=cast(SearchIndexing, search_index),
        watch=watch,
        path=path,
        key_lines=key_lines,
    )


def _key_names(value: object) -> list[str] | None:
    """`"j"`, `"j,down"` or `["j", "down"]` -> ["j", "down"]; None when malformed."""
    if isinstance(value, str):
        items: list[object] = list(value.split(","))
    elif isinstance(value, list):
        items = list(value)
    else:
        return None
    names = [item.strip() for item in items if isinstance(item, str)]
    if len(names) != len(items) or not names:
        return None
    if not all(_KEY.match(name) for name in names):
        return None
    return names


def _line_of(lines: list[str], key: str, section: str | None = None) -> int | None:
    """1-based line where `key` is assigned (inside `[section]` when given), if it can be found."""
    current: str | None = None
    pattern = re.compile(r'^\s*(?:"' + re.escape(key) + r'"|' + re.escape(key) + r")\s*[=.\]]")
    header = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]")
    for number, line in enumerate(lines, start=1):
        found = header.match(line)
        if found:
            current = found.group(1).strip('"')
            if section is None and current == key:
                return number
            continue
        if current == section and pattern.match(line):
            return number
    return None
