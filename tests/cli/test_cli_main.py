"""The `reader` command's dispatch: subcommands by name, anything else opens the app."""

from __future__ import annotations

import argparse
import subprocess
from importlib import import_module
from pathlib import Path

import pytest

from reader import cli
from tests.conftest import run_reader


def test_each_subcommand_is_registered_by_its_module_under_its_name() -> None:
    for name, module in cli.SUBCOMMANDS.items():
        parser = argparse.ArgumentParser()
        subparsers = parser.add_subparsers()
        import_module(f"reader.cli.{module}").register(subparsers)
        assert set(subparsers.choices) == {name}, module


@pytest.mark.parametrize(
    ("args", "app"),
    [
        ([], True),
        (["~/blog"], True),
        (["post.md"], True),
        (["-"], True),  # a post on standard input
        (["--data-dir", "list", "~/blog"], True),  # "list" is the option's value here
        (["list"], False),
        (["--data-dir", "d", "export-bookmarks"], False),
        (["--version"], False),
        (["~/blog", "--help"], False),
    ],
)
def test_what_opens_the_app(args: list[str], app: bool) -> None:
    assert cli._wants_app(args) is app


def test_help_shows_the_path_form_first() -> None:
    result = run_reader("--help")
    assert result.returncode == 0
    usage = result.stdout.splitlines()[0]
    assert usage == "usage: reader [--data-dir DIR] [PATH]"
    assert "FILE.md" in result.stdout and "standard input" in result.stdout


def test_dash_without_a_pipe_says_what_to_do(tmp_path: Path) -> None:
    result = run_reader("--data-dir", str(tmp_path), "-", stdin=subprocess.DEVNULL)
    assert result.returncode == 2
    assert result.stderr.startswith("reader: nothing came on standard input")


@pytest.mark.parametrize("name", sorted(cli.SUBCOMMANDS))
def test_every_subcommand_help_has_its_usage_and_a_description(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        cli.main([name, "--help"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"usage: reader {name} ")
    blank = lines.index("")
    description = lines[blank + 1] if blank + 1 < len(lines) else ""
    assert description and not description.startswith(("options:", "positional arguments:"))
