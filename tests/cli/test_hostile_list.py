"""`reader list` over the hostile library: every file listed or reported with its reason, safely.

Runs unprivileged (chmod 000 must mean something when CI runs as root). The time and peak RSS
are printed (`pytest -s`) for the issue note; they are not asserted (speed is `reader bench`'s),
except the memory goal, which is a property of the design (capped reads), not of the machine.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reader.devtools import hostile
from reader.devtools.ttyscan import scan_stream
from tests.conftest import unprivileged

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> hostile.Manifest:
    return hostile.build(tmp_path_factory.mktemp("hostile") / "site")


def _run_list(*args: str) -> tuple[subprocess.CompletedProcess[bytes], float, int]:
    """Run `reader list` unprivileged in a fresh process; (result, seconds, child peak RSS KiB)."""
    command = unprivileged([sys.executable, "-m", "reader", "list", *args])
    code = (
        "import resource, subprocess, sys\n"
        "r = subprocess.run(sys.argv[1:])\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "sys.stderr.write(f'\\nPEAK-RSS-KIB {peak}\\n')\n"
        "sys.exit(r.returncode)\n"
    )
    start = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", code, *command], capture_output=True, timeout=600, check=False
    )
    seconds = time.monotonic() - start
    lines = result.stderr.decode(errors="replace").splitlines()
    peak = next(int(line.split()[1]) for line in lines if line.startswith("PEAK-RSS-KIB"))
    return result, seconds, peak


def test_list_json_reports_every_file(library: hostile.Manifest) -> None:
    result, seconds, peak_kib = _run_list("--json", library.site_root)
    print(f"\nreader list --json: {seconds:.1f} s, peak RSS {peak_kib // 1024} MiB")
    assert result.returncode == 0, result.stderr[-2000:]
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    by_path = {row["path"]: row for row in rows}
    prefix = os.path.relpath(library.posts_root, library.site_root) + "/"
    missing = []
    for entry in library.entries:
        row = by_path.get(prefix + entry.path)
        if row is None:
            # a post inside an unreadable folder: the folder itself is reported instead
            parents = [p for p in by_path if (prefix + entry.path).startswith(p + "/")]
            if entry.expect == "any" and any(by_path[p]["error"] for p in parents):
                continue
            missing.append(entry.kind)
            continue
        if entry.expect == "error" or entry.kind.startswith(("symlink", "FIFO", "socket")):
            assert row["error"], entry.kind
    assert missing == []
    errors = [row for row in rows if row["error"]]
    assert all(isinstance(row["error"], str) and row["error"].strip() for row in errors)
    assert peak_kib < 1024 * 1024  # the 1 GB goal: reads are capped, the sparse 4 GiB file too
    assert not Path(library.exec_canary).exists()  # no YAML tag ran a command


def test_list_reasons_name_the_problem(library: hostile.Manifest) -> None:
    result, _seconds, _peak = _run_list("--json", library.site_root)
    rows = {
        row["path"].rsplit("/", 1)[-1]: row for row in map(json.loads, result.stdout.splitlines())
    }

    def error_of(kind: str) -> str:
        entry = next(e for e in library.entries if e.kind == kind)
        reason: str = rows[entry.path.rsplit("/", 1)[-1]]["error"]
        return reason.lower()

    assert "permission" in error_of("chmod 000 file")
    assert "regular" in error_of("FIFO named .md")
    assert "leaves" in error_of("symlink to /etc/passwd")
    assert "loop" in error_of("folder loop")
    assert "empty" in error_of("empty file")
    assert "large" in error_of("10 MB Markdown post")
    assert "alias" in error_of("billion laughs in title")


def test_list_output_is_safe_for_a_terminal(library: hostile.Manifest) -> None:
    """The table a person reads: no control sequences, valid UTF-8, one line per post."""
    result, seconds, peak_kib = _run_list(library.site_root)
    print(f"\nreader list: {seconds:.1f} s, peak RSS {peak_kib // 1024} MiB")
    assert result.returncode == 0, result.stderr[-2000:]
    result.stdout.decode("utf-8")  # raises if a raw undecodable name byte got through
    found = scan_stream(result.stdout)
    assert found.leaks == []
    assert b"\x1b" not in result.stdout
    text = result.stdout.decode()
    assert all(not ("\x80" <= ch <= "\x9f") for ch in text)
    assert not any(ch in text for ch in "\u202e\u202d\u2066\u2067\u2068")
    # markup-looking titles printed as written
    for entry in library.by_group("markup"):
        if entry.literal:
            assert entry.literal[:40] in text, entry.kind
    lines = text.splitlines()
    assert len(lines) >= len(library.entries)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss > 0
