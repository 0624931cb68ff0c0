"""`reader serve [PATH] [--host H] [--port P]`: the app in a web browser (textual-serve).

Each page opened runs its own app process, with the same stores, config and keys as in a
terminal; closing the page (or losing the browser) ends it. Only loopback is served unless
`--host` says otherwise; the printed address carries a token without which nothing is served.
Needs the `web` extra: `pip install 'reader-tui[web]'`.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import secrets
import shlex
import socket
import sys

from reader.core.sanitize import sanitize_line


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="serve the reader to a web browser",
        description=(
            "Serve the reader for PATH (else the last library) to a web browser, through "
            "textual-serve. The address printed carries a token; without it nothing is served."
        ),
    )
    parser.add_argument("path", metavar="PATH", nargs="?", help="a site, a folder or a post")
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this machine only)",
    )
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        from reader.web.server import ReaderServer
    except ImportError:
        print("reader: serving needs the web extra: pip install 'reader-tui[web]'", file=sys.stderr)
        return 2
    from reader.browser import BROWSER_CLIPBOARD
    from reader.core.names import library_name
    from reader.core.paths import StorePaths
    from reader.launch import resolve_library

    paths = StorePaths.default(args.data_dir)
    root = resolve_library(args.path, paths).absolute()
    if not root.exists():
        print(f"reader: no such library: {sanitize_line(args.path)}", file=sys.stderr)
        return 2
    loopback = _is_loopback(args.host)
    os.environ[BROWSER_CLIPBOARD] = "1" if loopback else "0"
    data = ["--data-dir", str(paths.data_dir)] if args.data_dir else []
    # textual-serve starts the app through a shell: every argument is quoted
    command = "exec " + shlex.join([sys.executable, "-m", "reader", *data, str(root)])
    token = secrets.token_urlsafe(32)
    title = f"reader · {sanitize_line(library_name(root))}"
    server = ReaderServer(command, host=args.host, port=args.port, title=title, token=token)
    problem = _cannot_listen(args.host, args.port)
    if problem is not None:  # said before an address that would not answer is printed
        print(f"reader: cannot serve on {args.host}:{args.port}: {problem}", file=sys.stderr)
        return 1
    shown = args.host if loopback else _reachable_address(args.host)
    url = f"http://{_url_host(shown)}:{args.port}/?token={token}"
    print(f"Serving {sanitize_line(str(root))}\nOpen {url}\nCtrl+C stops.", flush=True)
    if not loopback:
        print(
            "reader: warning: plain HTTP carries the token and every page in the clear on "
            "the network; an SSH tunnel (ssh -L 8000:127.0.0.1:8000 HOST) keeps them private",
            file=sys.stderr,
        )
    try:
        server.serve()
    except OSError as error:
        print(f"reader: cannot serve on {args.host}:{args.port}: {error.strerror}", file=sys.stderr)
        return 1
    return 0


def _cannot_listen(host: str, port: int) -> str | None:
    """Why `host:port` cannot be listened on (in use, no such address), or None."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        family, kind, proto, _name, address = infos[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server will
            probe.bind(address)
    except OSError as error:
        return error.strerror or str(error)
    return None


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _reachable_address(host: str) -> str:
    """An address other machines can reach this one at, for a wildcard `host`."""
    try:
        if not ipaddress.ip_address(host).is_unspecified:
            return host
    except ValueError:
        return host  # a name: as given
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    probe = "2001:db8::1" if family == socket.AF_INET6 else "192.0.2.1"
    try:
        with socket.socket(family, socket.SOCK_DGRAM) as udp:
            udp.connect((probe, 9))  # no packet is sent: this only picks the outgoing address
            return str(udp.getsockname()[0])
    except OSError:
        return socket.gethostname()


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
