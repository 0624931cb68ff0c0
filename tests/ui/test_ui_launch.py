"""Starting the app: library choice, config errors, odd terminals and crashes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reader import launch
from reader.core.paths import StorePaths
from tests.conftest import run_reader
from tests.ui_helpers import async_test, make_site, running_app


def test_bad_config_is_one_line_naming_the_line(tmp_path: Path) -> None:
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "reader" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('theme = "dark"\n\nmeasure = "wide"\n', encoding="utf-8")
    result = run_reader("--data-dir", str(tmp_path / "data"), env={**os.environ, "TERM": "xterm"})
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "line 3" in result.stderr and "measure" in result.stderr and str(config) in result.stderr


@pytest.mark.slow  # a process of its own (see the marker)
def test_unknown_binding_id_in_config(tmp_path: Path) -> None:
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "reader" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[keys]\n"reader.fly" = "f"\n', encoding="utf-8")
    result = run_reader("--data-dir", str(tmp_path / "data"))
    assert result.returncode == 2
    assert "line 2" in result.stderr and "reader.fly" in result.stderr


@pytest.mark.slow  # a process of its own (see the marker)
def test_missing_path_exits_2(tmp_path: Path) -> None:
    result = run_reader(str(tmp_path / "nope"))
    assert result.returncode == 2
    assert "no such library" in result.stderr


@pytest.mark.slow  # a process of its own (see the marker)
@pytest.mark.parametrize("term", ["dumb", ""])
def test_dumb_terminal_gets_a_clear_message(term: str, tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    env = {**os.environ, "TERM": term}
    result = run_reader("--data-dir", str(tmp_path / "data"), str(site), env=env)
    assert result.returncode == 2
    assert "cannot show the app" in result.stderr
    assert "reader list" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow  # a process of its own (see the marker)
def test_not_a_terminal_gets_a_clear_message(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    result = run_reader(str(site), env={**os.environ, "TERM": "xterm-256color"})
    assert result.returncode == 2
    assert "needs a terminal" in result.stderr


def test_library_choice_path_then_last_used_then_sample(tmp_path: Path) -> None:
    paths = StorePaths.default(tmp_path / "data")
    assert launch.resolve_library(None, paths) == launch.sample_library()
    assert (launch.sample_library() / "_config.yml").is_file()
    site = make_site(tmp_path / "site")
    assert launch.resolve_library(str(site), paths) == site
    from reader.core.library import Library

    Library.open(site, paths=paths).close()
    assert launch.resolve_library(None, paths).resolve() == (site / "source" / "_posts").resolve()


@async_test
async def test_crash_writes_log_and_one_line(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    log = tmp_path / "logs" / "crash.log"

    def boom() -> None:
        raise RuntimeError("[bold]boom[/bold]\x1b[2J")

    with pytest.raises(RuntimeError):
        async with running_app(site, tmp_path / "data") as (app, pilot):
            app.crash_log = log
            app.call_later(boom)
            await pilot.pause()
    assert app.crashed is not None
    assert app.crashed.startswith("RuntimeError: [bold]boom[/bold]")
    assert "\x1b" not in app.crashed
    assert "Traceback" in log.read_text(encoding="utf-8")
