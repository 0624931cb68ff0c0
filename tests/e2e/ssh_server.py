"""A private OpenSSH server for end-to-end tests: the system's `sshd`, run by the test itself.

It listens on 127.0.0.1 on a free port, in the foreground (`-D -e`), with a host key, a config,
a pid file and an authorized key all made in the test's temporary directory, and lets in the
user running the tests (root in CI, hence `PermitRootLogin prohibit-password`). Nothing of the
machine's own SSH set-up is read or changed, except that the privilege separation directory
(/run/sshd) is created when sshd runs as root and it is missing.

Where sshd cannot run (not installed, cannot bind a port) the test is skipped with the reason;
with CI=true it fails instead, so CI cannot pass without the SSH tests having run.
"""

from __future__ import annotations

import getpass
import os
import shlex
import shutil
import subprocess
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import pytest

from reader.devtools.served import free_port, listening

SSHD = Path("/usr/sbin/sshd")
"""sshd re-executes itself and so must be started by its absolute path."""
PRIVSEP_DIR = Path("/run/sshd")
START_TIMEOUT = 10.0
BIND_ATTEMPTS = 3


def unavailable(reason: str) -> NoReturn:
    """Skip the test for an environment reason, except in CI where every test must run."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true, so this cannot be skipped: {reason}")
    pytest.skip(reason)


@dataclass
class SshServer:
    port: int
    client_key: Path
    log: Path
    user: str
    process: subprocess.Popen[bytes]

    def client(self, remote_command: str) -> list[str]:
        """`ssh -tt` to this server running `remote_command` (a shell command line) in a pty.

        The client reads no user or system settings that could get in the way (`-F none`).
        """
        return [
            "ssh",
            "-tt",
            "-F",
            "none",
            *("-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null"),
            *("-o", "BatchMode=yes", "-o", "LogLevel=ERROR", "-o", "ConnectTimeout=10"),
            *("-i", str(self.client_key), "-p", str(self.port)),
            f"{self.user}@127.0.0.1",
            remote_command,
        ]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)

    def log_text(self) -> str:
        try:
            return self.log.read_text(errors="replace")
        except FileNotFoundError:
            return ""


def remote_command(argv: list[str], env: Mapping[str, str]) -> str:
    """A shell command line running `argv` with exactly the variables of `env` added to what
    sshd sets (it clears the client's environment, keeping only TERM of it)."""
    assignments = [f"{name}={value}" for name, value in env.items()]
    return " ".join(shlex.quote(part) for part in ["env", *assignments, *argv])


def _keygen(path: Path) -> None:
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "reader-tests", "-f", str(path)],
        check=True,
        capture_output=True,
        timeout=30,
    )


def _config(directory: Path, port: int, host_key: Path, authorized: Path) -> Path:
    config = directory / f"sshd_config.{port}"
    config.write_text(
        "\n".join(
            [
                f"Port {port}",
                "ListenAddress 127.0.0.1",
                f"HostKey {host_key}",
                f"PidFile {directory / 'sshd.pid'}",
                f"AuthorizedKeysFile {authorized}",
                "PubkeyAuthentication yes",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                # CI runs as root; a key is the only way in.
                "PermitRootLogin prohibit-password",
                # The temporary directory's modes are not the point here.
                "StrictModes no",
                # PAM's session modules (loginuid, systemd) fail in containers.
                "UsePAM no",
                "PrintMotd no",
                "PrintLastLog no",
                "X11Forwarding no",
                "AllowTcpForwarding no",
                "LogLevel VERBOSE",
                "",
            ]
        ),
        encoding="utf-8",
    )
    return config


def start_server(directory: Path) -> SshServer:
    """Start sshd on a free port of 127.0.0.1; skip (or fail in CI) where it cannot run."""
    for tool in ("ssh", "ssh-keygen"):
        if shutil.which(tool) is None:
            unavailable(f"{tool} is not installed (openssh-client)")
    if not os.access(SSHD, os.X_OK):
        unavailable(f"{SSHD} is not installed (openssh-server; .ci/run installs it)")
    directory.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0 and not PRIVSEP_DIR.is_dir():
        PRIVSEP_DIR.mkdir(mode=0o755, parents=True)
    host_key, client_key = directory / "host_key", directory / "client_key"
    _keygen(host_key)
    _keygen(client_key)
    authorized = directory / "authorized_keys"
    shutil.copyfile(client_key.with_suffix(".pub"), authorized)
    log = directory / "sshd.log"
    user = getpass.getuser()
    # The free port may be taken between the probe and sshd's bind: try another one.
    for _ in range(BIND_ATTEMPTS):
        port = free_port()
        config = _config(directory, port, host_key, authorized)
        check = subprocess.run(
            [str(SSHD), "-t", "-f", str(config)], capture_output=True, text=True, timeout=30
        )
        if check.returncode != 0:
            unavailable(f"sshd rejects the test's config: {check.stderr.strip()}")
        with log.open("ab") as sink:
            process = subprocess.Popen(
                [str(SSHD), "-D", "-e", "-f", str(config)],
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=sink,
            )
        server = SshServer(port, client_key, log, user, process)
        deadline = time.monotonic() + START_TIMEOUT
        while process.poll() is None and time.monotonic() < deadline:
            if listening(port):
                return server
            time.sleep(0.05)
        server.stop()
    unavailable(f"sshd could not listen on 127.0.0.1; its log:\n{server.log_text()[-2000:]}")


@pytest.fixture
def ssh_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SshServer]:
    """A running sshd for this test, stopped afterwards."""
    server = start_server(tmp_path_factory.mktemp("sshd"))
    try:
        yield server
    finally:
        server.stop()
