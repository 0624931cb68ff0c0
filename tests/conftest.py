"""Shared fixtures: isolated XDG dirs for every test, the shared corpus, unprivileged runs."""

from __future__ import annotations

import contextlib
import gc
import io
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def _share_parsed_css() -> None:
    """Parse each piece of CSS once per test process, not once per app.

    Textual caches parsed rules on each app's stylesheet, so every app a test starts parses
    the same CSS again (about a quarter of starting the reader). Parsing is a function of the
    text and the theme's variables, which are part of the key here; the app's own code runs
    unchanged."""
    from textual.css.stylesheet import Stylesheet

    parse = Stylesheet._parse_rules
    parsed: dict[tuple[object, ...], object] = {}

    def parse_once(
        self: Stylesheet,
        css: str,
        read_from: object,
        is_default_rules: bool = False,
        tie_breaker: int = 0,
        scope: str = "",
    ) -> object:
        variables = sorted(self._variables.items())
        key = (css, read_from, is_default_rules, tie_breaker, scope, *variables)
        if key not in parsed:
            parsed[key] = parse(self, css, read_from, is_default_rules, tie_breaker, scope)  # type: ignore[arg-type]
        return parsed[key]

    Stylesheet._parse_rules = parse_once  # type: ignore[assignment, method-assign]


_share_parsed_css()


def _quick_pilot() -> None:
    from tests.ui_helpers import quicken_pilot

    quicken_pilot()


_quick_pilot()


def _temp_files_in_memory() -> None:
    """Put the tests' files (pytest's temp root) on tmpfs where the machine has one.

    The store fsyncs its commits and atomic writes, some twenty per app start, and each fsync
    waits for the disk (~5 ms here): most of a fast UI test's wall time beside its CPU. On tmpfs
    the same calls return at once; files, SQLite, locks and permissions behave as on disk. An
    explicit PYTEST_DEBUG_TEMPROOT or --basetemp still wins."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK | os.X_OK):
        os.environ.setdefault("PYTEST_DEBUG_TEMPROOT", str(shm))


_temp_files_in_memory()


def _keep_bytecode() -> None:
    """Write bytecode caches in this run and its child processes even where the environment
    says not to (PYTHONDONTWRITEBYTECODE, as on this machine): else each test process
    re-rewrites the asserts of every test module, and each reader subprocess (the command line,
    a search builder) compiles the package from source, ~0.3 s of CPU per process."""
    sys.dont_write_bytecode = False
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


_keep_bytecode()


def pytest_collection_finish(session: pytest.Session) -> None:
    """Freeze what importing and collecting made (the modules, Textual, ~100k objects): the
    collector's full passes during the tests then walk only what the tests make. And collect
    less often: each test's app dies as a heap of cycles, and the default thresholds walked
    it many times over before it was old enough to be freed (4.5 s of each worker's 33 CPU-s
    of UI tests; 1.8 s with these)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)


def sweep(
    cases: Sequence[object],
    *,
    fast: int = 1,
    unpack: bool = False,
    ids: Callable[[object], str] | Sequence[str] | None = None,
) -> list[Any]:
    """The cases of a parametrized sweep: the first `fast` run in the fast tier, the rest are
    marked slow and run in the full suite (CI). `unpack`: each case is a tuple of arguments."""
    params = []
    for index, case in enumerate(cases):
        values = case if unpack and isinstance(case, tuple) else (case,)
        name = ids(case) if callable(ids) else (ids[index] if ids is not None else None)
        marks = () if index < fast else (pytest.mark.slow,)
        params.append(pytest.param(*values, marks=marks, id=name))
    return params


@pytest.fixture(autouse=True)
def isolated_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Every test gets its own XDG data, cache and config dirs: no test touches the real ones."""
    home = tmp_path_factory.mktemp("home")
    for name in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DOCUMENTS_DIR"):
        path = home / name.lower()
        path.mkdir()
        monkeypatch.setenv(name, str(path))
    monkeypatch.setenv("HOME", str(home))
    return home


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A store folder (data dir) of the test's own, not made yet."""
    return tmp_path / "data"


@pytest.fixture
def corpus() -> Path:
    """The shared corpus of real posts; tests that need it skip on a fresh clone without it."""
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS} (it sits beside a checkout in CI)")
    return CORPUS


def unprivileged(command: Sequence[str]) -> list[str]:
    """Prefix a command so file permissions apply to it even when the tests run as root.

    CI runs as root, where chmod 000 stops nothing. Dropping the DAC override capabilities
    from the bounding set keeps uid 0 (so the interpreter under /root stays reachable) while
    the kernel checks permissions as for anyone else.
    """
    if os.geteuid() != 0:
        return list(command)
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("setpriv (util-linux) is needed to drop root's file-permission override")
    return [setpriv, "--bounding-set", "-dac_override,-dac_read_search", *command]


def run_reader(
    *args: str, unprivileged_user: bool = False, timeout: float = 120, **kwargs: object
) -> subprocess.CompletedProcess[str]:
    """Run the real `reader` command line in a subprocess (same interpreter, same env)."""
    command = [sys.executable, "-m", "reader", *args]
    if unprivileged_user:
        command = unprivileged(command)
    return subprocess.run(
        command, capture_output=True, text=True, timeout=timeout, check=False, **kwargs
    )  # type: ignore[call-overload, no-any-return]


def reader_here(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the `reader` command line in this process, its output captured as a subprocess's
    would be: starting an interpreter costs more than most commands. Tests of what only a
    process shows (exit through the interpreter, permissions, signals) use `run_reader`."""
    from reader.cli import main

    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="")
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="")
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exit_:  # argparse's usage errors
            code = exit_.code if isinstance(exit_.code, int) else 1
    texts = []
    for stream in (out, err):
        stream.flush()
        texts.append(stream.buffer.getvalue().decode("utf-8"))  # type: ignore[attr-defined]
    return subprocess.CompletedProcess(["reader", *args], code, texts[0], texts[1])


def installed_reader() -> str | None:
    """The `reader` script installed with this interpreter (not whichever `reader` PATH finds
    first: another install there would run other code)."""
    script = Path(sys.executable).parent / "reader"
    return str(script) if script.is_file() else None
