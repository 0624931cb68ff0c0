"""The TOML config: defaults, remaps by binding id, and errors that name the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.config import Config, ConfigError, load_config, parse_config


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path / "nope.toml")
    assert config == Config()
    assert config.measure == 100 and config.mark_read_on == "open" and config.theme is None
    assert config.watch


def test_full_config(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        'theme = "light"\nmeasure = 80\nmark_read_on = "end"\nwatch = false\n\n[keys]\n'
        '"reader.next_unread" = "x"\ndown = ["j", "ctrl+n"]\n',
        encoding="utf-8",
    )
    config = load_config(path)
    assert config.theme == "light"
    assert config.measure == 80
    assert config.mark_read_on == "end"
    assert not config.watch
    assert dict(config.keys) == {"reader.next_unread": "x", "reader.down": "j,ctrl+n"}
    assert config.key_lines["reader.down"] == 8


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ('theme = "dark"\nmeasure = = 3\n', 2, "invalid TOML"),
        ('theme = "dark"\n\nmeasure = 5\n', 3, "measure"),
        ('mark_read_on = "later"\n', 1, "mark_read_on"),
        ('\n\ncolour = "red"\n', 3, "unknown setting"),
        ('[keys]\n"reader.down" = 3\n', 2, "reader.down"),
        ('[keys]\nup = ["k k"]\n', 2, "up"),
        ("theme = 7\n", 1, "theme"),
        ("keys = 1\n", 1, "[keys]"),
        ('\nwatch = "yes"\n', 2, "watch"),
    ],
)
def test_bad_config_names_the_line(text: str, line: int, fragment: str, tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.line == line
    assert f"line {line}" in str(caught.value)
    assert str(path) in str(caught.value)
    assert fragment in str(caught.value)
    assert "\n" not in str(caught.value)


def test_invalid_utf8_names_the_line() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(b'theme = "dark"\nmeasure = \xff\n')
    assert caught.value.line == 2


def test_unknown_binding_id_names_the_line() -> None:
    config = parse_config(b'[keys]\nnext_unread = "x"\n\nfly = "f"\n')
    with pytest.raises(ConfigError) as caught:
        config.check_key_ids({"reader.next_unread"})
    assert caught.value.line == 4
    assert "reader.fly" in str(caught.value)
