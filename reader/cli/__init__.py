"""The `reader` command: `reader [--data-dir DIR] [PATH]` opens the app, subcommands script it.

Exit codes everywhere: 0 success, 1 the operation failed, 2 bad usage or a missing PATH.
Each subcommand lives in its own module with `register(subparsers)`; handlers return the code.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from importlib import import_module

from reader import __version__

# Each subcommand and the module under reader.cli that defines its register(subparsers). The
# names are spelled here so that opening the app does not import every subcommand's module.
SUBCOMMANDS: dict[str, str] = {
    "list": "listing",
    "show": "show",
    "sync": "sync_cmd",
    "stats": "stats",
    "bookmarks": "bookmarks",
    "export-bookmarks": "export_cmd",
    "import-bookmarks": "import_cmd",
    "search": "search_cmd",
    "serve": "serve_cmd",
    "bench": "bench_cmd",
}

Handler = Callable[[argparse.Namespace], int]


class UsageError(Exception):
    """Bad usage or a missing path: one line on stderr, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="reader",
        usage=(
            "reader [--data-dir DIR] [PATH]\n"
            "       reader [--data-dir DIR] COMMAND [ARGS ...]\n"
            "       reader --help | --version"
        ),
        description=(
            "Read archives of blog posts in the terminal. `reader PATH` opens the app on a "
            "Hexo, Jekyll or Hugo site or a folder of posts; PATH may also be one post file "
            "(FILE.md, FILE.html), or - to read a post from standard input. Without PATH: the "
            "last library, else the bundled sample. The commands below script the same stores."
        ),
    )
    parser.add_argument("--version", action="version", version=f"reader {__version__}")
    parser.add_argument(
        "--data-dir", metavar="DIR", help="keep state and index under DIR instead of the defaults"
    )
    # prog: subcommands say `reader NAME` (not the several-line usage above) in their usage.
    subparsers = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=_Parser, prog="reader"
    )
    for module in SUBCOMMANDS.values():
        import_module(f"reader.cli.{module}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    if argv is None:
        _ensure_utf8_file_names()
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        if _wants_app(args_list):
            return _run_app(args_list)
        args = build_parser().parse_args(args_list)
        handler: Handler = args.handler
        return handler(args)
    except UsageError as error:
        print(f"reader: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


def _ensure_utf8_file_names() -> None:
    """Re-run in Python's UTF-8 mode when the locale is not UTF-8 (LANG=C without coercion).

    Relative paths are the keys of the stores: decoded as ASCII they would name the same file
    differently and lose its state; UTF-8 mode also lets the app draw CJK text."""
    if sys.getfilesystemencoding().lower().replace("-", "") == "utf8":
        return
    if os.environ.get("READER_UTF8_RERUN"):  # never loop, whatever happened
        return
    os.environ["READER_UTF8_RERUN"] = "1"
    os.execv(sys.executable, [sys.executable, "-X", "utf8", "-m", "reader", *sys.argv[1:]])


def _wants_app(args: list[str]) -> bool:
    """`reader`, `reader PATH` and `reader --data-dir D PATH` open the app."""
    rest = [a for i, a in enumerate(args) if not _is_global_option(args, i)]
    if any(a in ("-h", "--help", "--version") for a in rest):
        return False
    return not rest or rest[0] not in SUBCOMMANDS


def _is_global_option(args: list[str], index: int) -> bool:
    arg = args[index]
    if arg == "--data-dir" or arg.startswith("--data-dir="):
        return True
    return index > 0 and args[index - 1] == "--data-dir"


def _run_app(args: list[str]) -> int:
    app_parser = _Parser(prog="reader", add_help=False)
    app_parser.add_argument("--data-dir")
    app_parser.add_argument("path", nargs="?")
    options = app_parser.parse_args(args)
    launch = import_module("reader.launch")  # imports Textual only when the app is wanted
    code: int = launch.run(path=options.path, data_dir=options.data_dir)
    return code
