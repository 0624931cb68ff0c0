"""`reader export-bookmarks -o FILE` over an existing file: killed at any step, FILE is whole.

The real command runs in a subprocess. An audit hook (sys.addaudithook) in that process stops it
at a chosen step of the write: the temporary file just created, the rename about to happen, the
rename done but the folder not yet synced. There the test sends SIGKILL and reads FILE: it must
be the old export or the new one, whole, never a mix or a truncated file. No sleeps: the child
says where it stopped and waits on its stdin until it is killed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from reader.core.bookmarks_import import parse_export
from reader.core.library import Library
from reader.core.paths import StorePaths
from tests.conftest import run_reader
from tests.factories import make_posts

OLD = "# My own notes\n\nan older export the user keeps\n" * 50
COUNT = 40

# Runs `reader` in-process with an audit hook that stops at STAGE (argv[1]).
CHILD = r"""
import os, sys
stage = sys.argv[1]
target = os.path.abspath(sys.argv[-1])
folder = os.path.dirname(target)
state = {"renamed": False, "stopped": False}

def stop(where):
    if state["stopped"]:
        return
    state["stopped"] = True
    if stage == "fsize":
        import resource
        import signal

        signal.signal(signal.SIGXFSZ, signal.SIG_DFL)  # Python ignores it by default
        resource.setrlimit(resource.RLIMIT_FSIZE, (1500, 1500))  # SIGXFSZ kills mid-write
        os.write(1, (where + "\n").encode())
        return
    os.write(1, (where + "\n").encode())
    os.read(0, 1)  # wait here until SIGKILL

def hook(event, args):
    if state["stopped"] or not args:
        return
    name = args[0]
    if event == "open" and isinstance(name, (str, bytes, os.PathLike)):
        path = os.fsdecode(name)
        if stage in ("temp", "fsize") and path.endswith(".tmp") and os.path.dirname(
            os.path.abspath(path)
        ) == folder:
            stop(stage)
        elif stage == "synced-dir" and state["renamed"] and os.path.abspath(path) == folder:
            stop(stage)
    elif event == "os.rename" and os.path.abspath(os.fsdecode(args[1])) == target:
        if stage == "rename":
            stop(stage)
        state["renamed"] = True

sys.addaudithook(hook)
from reader.cli import main
code = main(sys.argv[2:])
os.write(1, b"exit %d\n" % code)
sys.exit(code)
"""


@pytest.fixture
def exported_library(tmp_path: Path) -> tuple[Path, Path]:
    """(data dir, library root) with COUNT bookmarks that have notes."""
    root = tmp_path / "blog"
    make_posts(
        root,
        COUNT,
        rel=lambda n: f"topic {n % 4}/post ({n}) 中文.md",
        title=lambda n: f"Post {n} [x] *y* `z`",
        date=lambda n: f"2025-03-{n % 28 + 1:02d} 10:00:00",
        categories=lambda n: [f"Cat {n % 3}"],
        body=lambda n: "## Part one\n\ntext\n",
    )
    data = tmp_path / "data"
    library = Library.open(root, paths=StorePaths.default(data))
    try:
        for _progress in library.sync():
            pass
        assert library.bookmarks() == []
        for index, path in enumerate(sorted(p.relative_to(root) for p in root.rglob("*.md"))):
            library.add_bookmark(path.as_posix(), note=f"note {index}\nsecond line <b>")
    finally:
        library.close()
    return data, root


def is_whole_export(text: str) -> bool:
    items, problems = parse_export(text)
    return (
        text.startswith("# Bookmarks\n")
        and text.endswith(" -->\n")
        and not problems
        and len(items) == COUNT
        and f": {COUNT} bookmarks." in text
    )


def run_until(stage: str, data: Path, target: Path) -> tuple[subprocess.Popen[bytes], str]:
    command = [sys.executable, "-c", CHILD, stage, "--data-dir", str(data)]
    command += ["export-bookmarks", "--force", "-o", str(target)]
    process = subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None
    said = process.stdout.readline().decode().strip()
    return process, said


def export(data: Path, target: Path) -> subprocess.CompletedProcess[str]:
    return run_reader("--data-dir", str(data), "export-bookmarks", "--force", "-o", str(target))


def leftovers(folder: Path, target: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != target.name)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("stage", "expect_new"),
    [("temp", False), ("rename", False), ("synced-dir", True)],
)
def test_sigkill_at_each_step_leaves_the_old_or_the_new_file(
    exported_library: tuple[Path, Path], tmp_path: Path, stage: str, expect_new: bool
) -> None:
    data, _root = exported_library
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "bookmarks.md"
    target.write_text(OLD, encoding="utf-8")
    target.chmod(0o640)

    process, said = run_until(stage, data, target)
    try:
        assert said == stage, process.stderr.read().decode() if process.stderr else ""
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.communicate()
    assert process.returncode == -signal.SIGKILL

    text = target.read_text(encoding="utf-8")
    if expect_new:
        assert is_whole_export(text)
    else:
        assert text == OLD
    assert (target.stat().st_mode & 0o777) == 0o640  # the new file keeps the old one's mode
    # a killed export may leave its own temporary file beside the target, nothing else
    assert all(
        n.startswith(".bookmarks.md.") and n.endswith(".tmp") for n in leftovers(folder, target)
    )

    # and the next export, undisturbed, replaces the file whole
    finished = export(data, target)
    assert finished.returncode == 0, finished.stderr
    assert is_whole_export(target.read_text(encoding="utf-8"))


@pytest.mark.slow
def test_dying_halfway_through_the_write_leaves_the_old_file(
    exported_library: tuple[Path, Path], tmp_path: Path
) -> None:
    """The file-size limit kills the writer (SIGXFSZ) with the temporary file half written."""
    data, _root = exported_library
    target = tmp_path / "bookmarks.md"
    target.write_text(OLD, encoding="utf-8")
    process, said = run_until("fsize", data, target)
    process.communicate()
    assert said == "fsize"
    assert process.returncode == -signal.SIGXFSZ
    partial = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert len(partial) == 1 and 0 < partial[0].stat().st_size < len(OLD.encode())
    assert target.read_text(encoding="utf-8") == OLD


@pytest.mark.slow  # a process of its own (see the marker)
def test_never_through_a_symlink_or_onto_a_special_file(
    exported_library: tuple[Path, Path], tmp_path: Path
) -> None:
    data, _root = exported_library
    victim = tmp_path / "victim.md"
    victim.write_text("precious\n", encoding="utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(victim)
    fifo = tmp_path / "fifo.md"
    os.mkfifo(fifo)
    folder = tmp_path / "a folder.md"
    folder.mkdir()
    for target, reason in [
        (link, "symlink"),
        (fifo, "not a regular file"),  # must not block on the FIFO either
        (folder, "not a regular file"),
        (Path("/dev/null"), "not a regular file"),
    ]:
        result = export(data, target)
        assert result.returncode == 1, (target, result.stdout, result.stderr)
        assert reason in result.stderr and "Wrote" not in result.stdout
    assert victim.read_text(encoding="utf-8") == "precious\n" and link.is_symlink()
    assert fifo.is_fifo() and folder.is_dir() and list(folder.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")) == []
