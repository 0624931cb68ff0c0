"""The one error the library raises to its callers: the reason, fit to show the reader.

The store and the file system fail with OSError or sqlite3.Error (a full disk, a locked or
broken database, a file that vanished); `reports_errors` turns those into a `LibraryError`
at the library's edge, so the UI catches one typed error rather than `Exception`.
"""

from __future__ import annotations

import functools
import inspect
import sqlite3
from collections.abc import Callable, Generator
from typing import ParamSpec, TypeVar, cast

P = ParamSpec("P")
R = TypeVar("R")
Y = TypeVar("Y")

STORAGE_ERRORS = (OSError, sqlite3.Error)
"""What the disk and the database raise when they fail."""


class LibraryError(Exception):
    """The library could not do what was asked; `str()` is the reason to show."""


def reports_errors(method: Callable[P, R]) -> Callable[P, R]:
    """Raise a storage failure inside `method` as a LibraryError (same text, cause kept);
    for a generator, a failure while it is iterated too."""
    if inspect.isgeneratorfunction(method):
        return cast("Callable[P, R]", _reports_errors_while_iterated(method))

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except STORAGE_ERRORS as error:
            raise LibraryError(str(error)) from error

    return wrapper


def _reports_errors_while_iterated(
    method: Callable[P, Generator[Y, None, None]],
) -> Callable[P, Generator[Y, None, None]]:
    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> Generator[Y, None, None]:
        try:
            yield from method(*args, **kwargs)
        except STORAGE_ERRORS as error:
            raise LibraryError(str(error)) from error

    return wrapper
