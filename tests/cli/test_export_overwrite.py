"""An export never replaces an existing file unasked (CLI: --force), and a temporary file left
by a killed export is cleaned up by the next one. Real files, real processes."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from reader.core.export import ExportExists, write_atomically
from reader.core.library import Library
from reader.core.paths import StorePaths
from tests.conftest import reader_here
from tests.ui_helpers import make_site


def test_an_existing_file_is_kept_unless_replacing_was_asked(tmp_path: Path) -> None:
    target = tmp_path / "bookmarks.md"
    target.write_text("mine\n", encoding="utf-8")
    with pytest.raises(ExportExists):
        write_atomically(target, "export\n")
    assert target.read_text(encoding="utf-8") == "mine\n"
    write_atomically(target, "export\n", overwrite=True)
    assert target.read_text(encoding="utf-8") == "export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bookmarks.md"]


@pytest.mark.slow
def test_cli_refuses_an_existing_file_without_force(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    data = tmp_path / "data"
    library = Library.open(site, paths=StorePaths.default(data))
    for _ in library.sync():
        pass
    library.add_bookmark("alpha.md")
    library.close()
    target = tmp_path / "out.md"
    target.write_text("precious\n", encoding="utf-8")
    args = ["--data-dir", str(data), "export-bookmarks", "--library", str(site), "-o", str(target)]
    refused = reader_here(*args)
    assert refused.returncode == 1
    assert str(target) in refused.stderr and "--force" in refused.stderr
    assert target.read_text(encoding="utf-8") == "precious\n"
    forced = reader_here(*args, "--force")
    assert forced.returncode == 0, forced.stderr
    assert "Alpha post" in target.read_text(encoding="utf-8")
    fresh = reader_here(*args[:-1], str(tmp_path / "new.md"))
    assert fresh.returncode == 0, fresh.stderr


# Stops between writing its temporary file and renaming it, so the kill lands there.
_STUCK_WRITER = """
import os, sys, time
from reader.core.export import write_atomically
def stuck(*args):
    print("written", flush=True)
    time.sleep(600)
os.replace = stuck
write_atomically(sys.argv[1], "half\\n", overwrite=True)
"""


@pytest.mark.slow
def test_a_killed_exports_temporary_file_is_cleaned_up_by_the_next(tmp_path: Path) -> None:
    target = tmp_path / "bookmarks.md"
    writer = subprocess.Popen(
        [sys.executable, "-c", _STUCK_WRITER, str(target)], stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout is not None and writer.stdout.readline() == "written\n"
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    (left,) = [p for p in tmp_path.iterdir() if p.name != "bookmarks.md"]
    assert left.name.startswith(".bookmarks.md.") and left.name.endswith(".tmp")
    assert "reader-export" in left.name  # recognisable as ours
    other = tmp_path / ".bookmarks.md.someone-else.tmp"  # not ours: left alone
    other.write_text("x", encoding="utf-8")
    write_atomically(target, "whole\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == [other.name, "bookmarks.md"]
    assert target.read_text(encoding="utf-8") == "whole\n"
