"""Run a terminal program in a private tmux server and keep every byte it writes.

The server is our own (`tmux -L <unique>` with no config file), so options that matter for the
hardening tests are set explicitly: `set-clipboard on` (tmux then really takes OSC 52 from the
program into a paste buffer, where the default `external` would hide it) and `allow-rename`.
`pipe-pane -O` copies the program's raw output to a file before tmux interprets it: that file is
what `ttyscan.scan_stream` reads. The program starts only once the pipe is in place.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path


class TmuxError(Exception):
    pass


class TmuxApp:
    def __init__(
        self,
        command: Sequence[str],
        *,
        size: tuple[int, int] = (120, 40),
        env: Mapping[str, str] | None = None,
        workdir: str | os.PathLike[str] | None = None,
        after: str = "",
    ) -> None:
        if shutil.which("tmux") is None:
            raise TmuxError("tmux is not installed")
        self.command = list(command)
        self.size = size
        self.env = dict(env or {})
        self.socket = "reader-" + uuid.uuid4().hex[:10]
        self.dir = Path(workdir or tempfile.mkdtemp(prefix="tmuxapp-"))
        self.raw_path = self.dir / f"{self.socket}.raw"
        self.exit_path = self.dir / f"{self.socket}.exit"
        self.initial_title = ""
        self.initial_window_name = ""
        self.after = after
        """Shell commands run in the pane once the program exited (e.g. `stty -a > FILE`)."""

    # tmux plumbing -------------------------------------------------------------------------
    def tmux(self, *args: str, check: bool = True) -> str:
        env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "TMUX_PANE")}
        result = subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=30,
            check=False,
        )
        if check and result.returncode != 0:
            raise TmuxError(f"tmux {' '.join(args)}: {result.stderr.strip()}")
        return result.stdout

    def start(self) -> TmuxApp:
        cols, rows = self.size
        envs = " ".join(f"{k}={shlex.quote(v)}" for k, v in self.env.items())
        program = " ".join(shlex.quote(c) for c in self.command)
        go = f"{self.socket}-go"
        # the program waits for the pipe; its exit status lands in a file; the pane stays open
        script = (
            f"tmux -L {self.socket} wait-for {go}; env {envs} {program}; "
            f"code=$?; {self.after + ';' if self.after else ''} "
            f"echo $code > {shlex.quote(str(self.exit_path))}; sleep 3600"
        )
        self.tmux("new-session", "-d", "-s", "main", "-x", str(cols), "-y", str(rows), script)
        self.tmux("set-option", "-g", "set-clipboard", "on")
        self.tmux("set-option", "-g", "allow-rename", "on")
        # the window name changes only by a sequence the program writes, not by what runs
        self.tmux("set-window-option", "-g", "automatic-rename", "off", check=False)
        self.tmux("set-option", "-g", "allow-passthrough", "off", check=False)
        self.tmux("set-option", "-g", "escape-time", "10")
        self.tmux("set-window-option", "-g", "aggressive-resize", "off", check=False)
        self.tmux("pipe-pane", "-O", "-t", "main", f"cat >> {shlex.quote(str(self.raw_path))}")
        self.initial_title = self.pane_title()
        self.initial_window_name = self.window_name()
        self.tmux("wait-for", "-S", go)
        return self

    def close(self) -> None:
        self.tmux("kill-server", check=False)

    def __enter__(self) -> TmuxApp:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # looking -------------------------------------------------------------------------------
    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "main", check=False)

    def joined(self) -> str:
        """The screen with wrapped lines joined (for messages longer than the width)."""
        return self.tmux("capture-pane", "-p", "-J", "-t", "main", check=False)

    def raw(self, start: int = 0) -> bytes:
        """The bytes the program wrote so far (from offset `start`)."""
        try:
            with open(self.raw_path, "rb") as f:
                f.seek(start)
                return f.read()
        except FileNotFoundError:
            return b""

    def raw_size(self) -> int:
        try:
            return self.raw_path.stat().st_size
        except FileNotFoundError:
            return 0

    def pane_title(self) -> str:
        return self.tmux("display-message", "-p", "-t", "main", "#{pane_title}").rstrip("\n")

    def window_name(self) -> str:
        return self.tmux("display-message", "-p", "-t", "main", "#{window_name}").rstrip("\n")

    def buffers(self) -> list[str]:
        """Paste buffers (an OSC 52 that got through would have made one)."""
        names = self.tmux("list-buffers", "-F", "#{buffer_name}", check=False).split()
        return [self.tmux("show-buffer", "-b", name, check=False) for name in names]

    def exit_code(self) -> int | None:
        try:
            return int(self.exit_path.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None

    def pid(self) -> int:
        """Pid of the program (the pane's shell runs it as a child)."""
        shell = int(self.tmux("display-message", "-p", "-t", "main", "#{pane_pid}").strip())
        out = subprocess.run(
            ["ps", "-o", "pid=,args=", "--ppid", str(shell)], capture_output=True, text=True
        ).stdout
        for line in out.splitlines():
            pid, _, args = line.strip().partition(" ")
            if "sleep 3600" not in args and "wait-for" not in args:
                return int(pid)
        raise TmuxError("program not running")

    def wait_for(self, pattern: str, timeout: float = 30.0) -> str:
        regex = re.compile(pattern, re.M)
        deadline = time.monotonic() + timeout
        while True:
            exited = self.exit_code() is not None
            text = self.screen()
            if regex.search(text):
                return text
            if exited:  # the screen was read after the exit: it will not change any more
                raise TmuxError(f"no match for {pattern!r}, the program exited; screen:\n{text}")
            if time.monotonic() > deadline:
                raise TmuxError(f"no match for {pattern!r} within {timeout}s; screen:\n{text}")
            time.sleep(0.05)

    def wait_exit(self, timeout: float = 30.0) -> int:
        deadline = time.monotonic() + timeout
        while (code := self.exit_code()) is None:
            if time.monotonic() > deadline:
                raise TmuxError(f"program did not exit within {timeout}s; screen:\n{self.screen()}")
            time.sleep(0.05)
        return code

    def settle(self, quiet: float = 0.3, timeout: float = 20.0) -> str:
        """Wait until the raw output has not grown for `quiet` seconds; return the screen."""
        deadline = time.monotonic() + timeout
        size, since = -1, time.monotonic()
        while time.monotonic() < deadline:
            now = self.raw_size()
            if now != size:
                size, since = now, time.monotonic()
            elif time.monotonic() - since >= quiet:
                break
            time.sleep(0.05)
        return self.screen()

    # typing --------------------------------------------------------------------------------
    def keys(self, *keys: str) -> None:
        for key in keys:
            self.tmux("send-keys", "-t", "main", key)
            time.sleep(0.03)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", "main", "-l", text)

    def resize(self, cols: int, rows: int) -> None:
        self.tmux("resize-window", "-t", "main", "-x", str(cols), "-y", str(rows))
