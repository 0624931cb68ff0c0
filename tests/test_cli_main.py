"""The `reader` command's dispatch: subcommands by name, anything else opens the app."""

from __future__ import annotations

import argparse
from importlib import import_module

import pytest

from reader import cli


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
        (["--data-dir", "list", "~/blog"], True),  # "list" is the option's value here
        (["list"], False),
        (["--data-dir", "d", "export-bookmarks"], False),
        (["--version"], False),
        (["~/blog", "--help"], False),
    ],
)
def test_what_opens_the_app(args: list[str], app: bool) -> None:
    assert cli._wants_app(args) is app
