"""The live library in a real terminal (reader.core.watch): from a post file written into the
library to its row on the screen; and the CPU the idle app uses over a minute (12 s a repeat)
with its folders watched, beside the same app with `watch = false`.

The app runs on the idle store of the key-latency measure (synced and indexed) at 80x24, its
list on All, newest first: each probe is a new post dated after every other, so its row comes
at the top of the list, where the cursor is. The probes are removed once the app has quit.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from reader.devtools.bench_keys import _ANSI, PtyApp, _ready_store, pty_app

if TYPE_CHECKING:
    from reader.devtools.bench import Result, Settings

IDLE_SECONDS_A_REPEAT = 12.0
"""Seconds the idle app is watched per repeat of the run (60 s by default)."""
PROBE_DIR = "live-probes"
ROW_WAIT = 10.0
"""Seconds a probe's row may take to show before the measure gives up on it."""


def measure_live(site: Path, size: int, settings: Settings) -> Iterator[Result]:
    from reader.core.scan import detect_site
    from reader.devtools.bench import (
        _ms,
        _percentile,
        _reader_command,
        info_result,
        limit_result,
    )

    idle_dir = settings.library_dir / f"keys-{size}"
    _ready_store(site, idle_dir)
    probes = detect_site(site).posts_root / PROBE_DIR
    command = _reader_command(site, idle_dir)
    try:
        with pty_app(command) as app:
            app.wait_for("Help", timeout=120)
            app.rest(1.0)
            seconds = [_write_to_row(app, probes, n) for n in range(settings.repeats * 4)]
    finally:
        shutil.rmtree(probes, ignore_errors=True)
    yield limit_result(
        f"live: file written to its row p95 {size}", _ms(_percentile(seconds, 0.95)), 1000
    )
    if size != max(settings.sizes):
        return  # the watcher's idle cost: once a run, on its biggest library
    idle = IDLE_SECONDS_A_REPEAT * settings.repeats
    watched = _idle_cpu(command, settings.work_dir / "live-watch-on", idle, watch=True)
    unwatched = _idle_cpu(command, settings.work_dir / "live-watch-off", idle, watch=False)
    yield info_result(f"idle CPU over {idle:.0f} s, watch = false {size}", unwatched, "s")
    yield limit_result(
        f"idle CPU over {idle:.0f} s, watching {size}",
        watched,
        unwatched + 0.1,
        unit="s",
        baseline=unwatched,
    )


def _write_to_row(app: PtyApp, probes: Path, number: int) -> float:
    """Seconds from writing probe `number` to the first output that shows its title."""
    title = f"liveprobe{number:03d}z"
    date = f"2099-01-01 00:{number // 60:02d}:{number % 60:02d}"
    text = f"---\ntitle: {title}\ndate: {date}\n---\n\nA probe.\n"
    app.rest()
    with app._lock:
        seen = len(app.chunks)
    probes.mkdir(exist_ok=True)
    temporary = probes / f".{title}.tmp"
    temporary.write_text(text, encoding="utf-8")
    written = time.perf_counter()
    os.replace(temporary, probes / f"{title}.md")  # whole at once, as a feed job writes
    while time.perf_counter() - written < ROW_WAIT:
        with app._lock:
            chunks = app.chunks[seen:]
        if title in b"".join(data for _, data in chunks).decode("utf-8", "replace"):
            return chunks[-1][0] - written
        time.sleep(0.005)
    screen = _ANSI.sub(b"", b"".join(data for _, data in chunks)).decode("utf-8", "replace")
    print(
        f"{title} not shown within {ROW_WAIT:g} s; the screen since:\n{screen[-1500:]}",
        file=sys.stderr,
    )
    return ROW_WAIT


def _idle_cpu(command: list[str], config_home: Path, seconds: float, *, watch: bool) -> float:
    """CPU seconds the app uses over `seconds` once started and synced, with nothing changing
    on disk."""
    folder = config_home / "reader"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.toml").write_text(f"watch = {'true' if watch else 'false'}\n")
    with pty_app(command, env={"XDG_CONFIG_HOME": str(config_home)}) as app:
        app.wait_for("Help", timeout=120)
        app.rest(1.0, timeout=60)
        time.sleep(5.0)  # the start-up resync and its news are over
        before = _cpu_seconds(app.process.pid)
        time.sleep(seconds)
        return round(_cpu_seconds(app.process.pid) - before, 3)


def _cpu_seconds(pid: int) -> float:
    """User and system CPU of process `pid` so far, its threads included (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")
