"""`reader show` on every file of the hostile library: never a traceback, never a control byte.

One interpreter runs `reader.cli.main(["show", FILE])` for each file (a few hundred process
starts would dominate the run); its stdout and stderr are the real file descriptors, framed by
marker lines, and each frame is scanned like terminal output.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from reader.devtools import hostile
from reader.devtools.ttyscan import scan_stream
from tests.conftest import unprivileged

pytestmark = pytest.mark.slow

DRIVER = r"""
import io, json, os, sys, time, traceback
from reader.cli import main
paths = json.loads(sys.stdin.read())
for ident, path in paths:
    for fd in (1, 2):
        os.write(fd, f"\n@@@START {ident}@@@\n".encode())
    start = time.monotonic()
    try:
        code = main(["show", path])
    except BaseException:
        code = "CRASH " + traceback.format_exc().replace("\n", " | ")
    sys.stdout.flush(); sys.stderr.flush()
    took = time.monotonic() - start
    for fd in (1, 2):
        os.write(fd, f"\n@@@END {ident} {json.dumps([code, took])}@@@\n".encode())
"""

FRAME = re.compile(rb"\n@@@START (\S+)@@@\n(.*?)\n@@@END \1 (.*?)@@@\n", re.S)


@pytest.fixture(scope="module")
def shown(tmp_path_factory: pytest.TempPathFactory) -> tuple[hostile.Manifest, dict[str, Any]]:
    manifest = hostile.build(tmp_path_factory.mktemp("hostile") / "site")
    files = [
        (e.id, os.fsdecode(os.fsencode(manifest.posts_root) + b"/" + e.relpath))
        for e in manifest.entries
        if e.group != "same" or e.id.endswith("-0000")
    ]
    result = subprocess.run(
        unprivileged([sys.executable, "-c", DRIVER]),
        input=json.dumps(files).encode("utf-8", "surrogateescape"),
        capture_output=True,
        timeout=900,
        check=False,
    )
    frames: dict[str, Any] = {}
    for stream, data in (("out", result.stdout), ("err", result.stderr)):
        for match in FRAME.finditer(data):
            ident = match.group(1).decode()
            code, took = json.loads(match.group(3))
            frames.setdefault(ident, {})[stream] = match.group(2)
            frames[ident]["code"], frames[ident]["took"] = code, took
    frames["_driver"] = {"code": result.returncode, "stderr": result.stderr[-3000:]}
    return manifest, frames


def test_every_file_is_shown_or_refused_with_a_reason(
    shown: tuple[hostile.Manifest, dict[str, Any]],
) -> None:
    manifest, frames = shown
    assert frames["_driver"]["code"] == 0, frames["_driver"]["stderr"]
    crashes, silent = [], []
    slowest = max((f["took"], ident) for ident, f in frames.items() if ident != "_driver")
    print(f"\nreader show: {len(frames) - 1} files, slowest {slowest[0]:.2f} s ({slowest[1]})")
    for entry in manifest.entries:
        frame = frames.get(entry.id)
        if frame is None:
            if entry.group != "same":
                crashes.append(f"{entry.kind}: no frame")
            continue
        if isinstance(frame["code"], str):
            crashes.append(f"{entry.kind}: {frame['code'][:300]}")
        elif frame["code"] != 0 and not frame["err"].strip():
            silent.append(entry.kind)  # refused without saying why
    assert crashes == []
    assert silent == []


def test_show_output_carries_no_control_sequences(
    shown: tuple[hostile.Manifest, dict[str, Any]],
) -> None:
    manifest, frames = shown
    leaks = {}
    for entry in manifest.entries:
        frame = frames.get(entry.id)
        if frame is None:
            continue
        for stream in ("out", "err"):
            data = frame[stream]
            found = scan_stream(data)
            bad = [*found.leaks]
            if b"\x1b" in data:
                bad.append("raw ESC")
            if any(0x80 <= ord(ch) <= 0x9F for ch in data.decode("utf-8", "replace")):
                bad.append("C1 control")
            if any(ch in data.decode("utf-8", "replace") for ch in "\u202a\u202b\u202d\u202e"):
                bad.append("bidi override")
            if bad:
                leaks[f"{entry.kind} ({stream})"] = bad[:3]
    assert leaks == {}


def test_markup_titles_shown_as_written(shown: tuple[hostile.Manifest, dict[str, Any]]) -> None:
    manifest, frames = shown
    for entry in manifest.by_group("markup"):
        if entry.literal:
            out = frames[entry.id]["out"].decode()
            assert entry.literal in out, entry.kind


def test_visible_text_survives_escape_removal(
    shown: tuple[hostile.Manifest, dict[str, Any]],
) -> None:
    """Sanitizing drops the sequences, not the post: the body's marker text is still shown."""
    manifest, frames = shown
    missing = []
    # not expected: NUL makes a file binary ("controls"); a sequence that is never terminated
    # ends at the end of its line, as in a terminal ("unterminated", and "ent-c1" since HTML
    # maps &#x9c; to "œ", so that ST is no terminator)
    cut = ("controls", "unterminated", "ent-c1")
    for entry in manifest.by_group("escape"):
        if any(word in entry.kind for word in cut):
            continue
        out = frames[entry.id]["out"]
        # per-field posts (Markdown) and HTML bodies carry VISIBLE-<id> in plain text
        expected = entry.kind.startswith("HTML body") or (
            " in " in entry.kind and entry.path.endswith(".md") and "YAML" not in entry.kind
        )
        if expected and b"VISIBLE-" + entry.id.encode() not in out:
            missing.append(entry.kind)
    assert missing == []
    assert Path(manifest.site_root).is_dir()
