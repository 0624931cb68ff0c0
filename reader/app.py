"""The Textual app: wiring only. The library service and the config are injected."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import traceback
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.app import App
from textual.worker import WorkerFailed

from reader import job_control, safe, textual_fixes
from reader.core.config import Config
from reader.core.errors import LibraryError
from reader.core.library import Library, known_libraries, post_location
from reader.core.names import library_name
from reader.core.paths import StorePaths
from reader.foreground import Foreground
from reader.gc_pacing import KeyGcHold
from reader.key_gate import KeyGate
from reader.keys import bindings
from reader.screens.main import MainScreen
from reader.themes import THEMES, theme_name
from reader.worker_wait import wait_until_ended

if TYPE_CHECKING:
    from rich.console import RenderableType
    from textual.command import Provider
    from textual.driver import Driver

textual_fixes.apply()

HANG_UP_GRACE = 5
"""Seconds the exit after SIGHUP may take (saving and restoring take milliseconds)."""
HANG_UP_CODE = 128 + signal.SIGHUP
KEYBOARD_FD = 0
"""Textual reads keys from file descriptor 0 (`reader -` puts /dev/tty there)."""
LINUX_DRIVER_MODULE = "textual.drivers.linux_driver"
TERMINAL_CHECK = 1.0
"""Seconds between two checks that the terminal is still there (one ioctl each)."""


def reader_commands() -> type[Provider]:
    """The palette's provider, imported when the palette first opens (not at start-up)."""
    from reader.commands import ReaderCommands

    return ReaderCommands


def styles_dir() -> Path:
    """`styles/`: inside the package when installed from a wheel, beside it in a checkout."""
    packaged = Path(__file__).parent / "styles"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "styles"


def css_paths() -> list[str | PurePath]:
    """The style sheets that exist (article.tcss belongs to the reading pane)."""
    return [
        styles_dir() / name
        for name in ("app.tcss", "article.tcss")
        if (styles_dir() / name).is_file()
    ]


class ReaderApp(App[int]):
    """Read a library of blog posts."""

    TITLE = "reader"
    CSS_PATH: ClassVar = css_paths()
    BINDINGS: ClassVar = bindings("app")
    COMMANDS: ClassVar = App.COMMANDS | {reader_commands}
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self,
        library: Library,
        config: Config | None = None,
        *,
        paths: StorePaths | None = None,
        crash_log: Path | None = None,
        open_path: str | None = None,
        colour_system: str | None = None,
    ) -> None:
        self.library = library
        self.open_path = open_path
        """A post to open at start (`reader FILE.md`), relative to the library."""
        self.config = config or Config()
        self.paths = paths or StorePaths.default()
        self.crash_log = crash_log
        self.crashed: str | None = None
        """One line describing an unhandled error, once one happened."""
        # NO_COLOR: Textual strips every colour only with native ANSI colours on; otherwise it
        # turns colours to greys, and ANSI ones all to black (black text on black in 16
        # colours). So no colour at all: the terminal's own pair, emphasis by text style.
        super().__init__(ansi_color=True if "NO_COLOR" in os.environ else None)
        self.colour_system = colour_system or self.console.color_system
        """Rich's name of the terminal's colours ("truecolor", "256", "standard"...)."""
        self.key_gate = KeyGate(self, lambda key: super(ReaderApp, self).on_event(key))
        self.gc_hold = KeyGcHold(
            lambda delay, callback: asyncio.get_running_loop().call_later(delay, callback)
        )
        """No garbage collection while a key is answered, once the app runs in a terminal."""
        self.foreground = Foreground(on_answered=self.gc_hold.answered)
        """Tells the app's background threads when a key is being answered (its driver marks
        input and frames)."""
        self._keys_answered_in_frames = False
        """The driver marks input and frames (the terminal's does, a browser's does not)."""
        self.set_keymap(dict(self.config.keys))
        for theme in THEMES:
            self.register_theme(theme)
        self.theme = self._initial_theme()

    def get_driver_class(self) -> type[Driver]:
        driver = super().get_driver_class()
        if (driver.__module__, driver.__qualname__) == (LINUX_DRIVER_MODULE, "LinuxDriver"):
            # Escape without Textual's extra 100 ms (terminal_input.py)
            from reader.terminal_input import ReaderDriver

            self._keys_answered_in_frames = True
            return ReaderDriver
        return driver

    def _initial_theme(self) -> str:
        return theme_name(self.config.theme, self.colour_system)

    def on_mount(self) -> None:
        if self.config.theme is not None and self.theme != self._initial_theme():
            safe.notify(self, f"Unknown theme {self.config.theme!r} in config.", severity="error")
        self.push_screen(MainScreen(self.library, self.config, open_path=self.open_path))
        if self._keys_answered_in_frames:  # the driver tells when a key is answered
            self.gc_hold.start()
        if not self.is_headless:
            # The SSH link dropped: quit as with `q`, so the reading position is saved and the
            # terminal restored, instead of dying where SIGHUP finds us.
            loop = asyncio.get_running_loop()
            signal.signal(signal.SIGHUP, lambda *_: self._hung_up(loop))
            job_control.install(self, loop)
            if os.isatty(KEYBOARD_FD):
                self.set_interval(TERMINAL_CHECK, self._check_terminal)

    def on_unmount(self) -> None:
        self.gc_hold.stop()

    def _hung_up(self, loop: asyncio.AbstractEventLoop) -> None:
        """SIGHUP, in the main thread between two bytecodes (even with the loop stuck)."""
        # A vanished terminal can stall the orderly exit for good: tmux and sshd follow SIGHUP
        # with SIGCONT, on which Textual restarts its output, and its writes to the dead pty
        # fill its output queue. So the exit gets a few seconds to save and restore, then
        # SIGALRM (left at its default action) ends the process: no thread, no lock.
        signal.alarm(HANG_UP_GRACE)
        if not loop.is_closed():  # a second SIGHUP after the app ended: the alarm will do
            loop.call_soon_threadsafe(self._hang_up)

    def _check_terminal(self) -> None:
        """The terminal hung up without a SIGHUP reaching us: the kernel sends it only to the
        session's leader, and a leader that ignores it (a wrapper shell) does not pass it on.
        Reads then return nothing at once (Textual's keyboard thread spins on them) and writes
        fail: end as on SIGHUP rather than live on for good."""
        if not self.quitting and not os.isatty(KEYBOARD_FD):
            signal.alarm(HANG_UP_GRACE)
            self._hang_up()

    def _hang_up(self) -> None:
        self._save_session()
        self.exit(return_code=HANG_UP_CODE)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            self.gc_hold.key_arrived()
        if (
            isinstance(event, events.Key)
            and not event.is_forwarded
            and not self.key_gate.arrived(event)
        ):
            return
        await super().on_event(event)
        if isinstance(event, events.Key):
            self.foreground.key_dispatched()

    async def _on_key(self, event: events.Key) -> None:
        # Textual calls App._on_key after this one unless the default is prevented.
        if not self.key_gate.may_bind(event):
            event.prevent_default()

    def exit(
        self, result: int | None = None, return_code: int = 0, message: RenderableType | None = None
    ) -> None:
        self.key_gate.closed = True  # keys typed after `q` have nothing left to act on
        super().exit(result, return_code, message)

    @property
    def quitting(self) -> bool:
        return self.key_gate.closed

    async def action_quit(self) -> None:
        self._save_session()
        self.exit()

    def _save_session(self) -> None:
        """Save the reading position now, while the article is still laid out (widgets torn
        down at exit no longer know where they were)."""
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                screen.article.save_position()

    # -- actions ------------------------------------------------------------------------------

    def action_help(self) -> None:
        from reader.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_open_library(self) -> None:
        from reader.screens.open_library import OpenLibraryScreen

        self.push_screen(OpenLibraryScreen(self.known_libraries()), self._open_chosen)

    def _open_chosen(self, path: str | None) -> None:
        if path:
            self.switch_library(path)

    def action_export_bookmarks(self) -> None:
        from reader.screens.export_dialog import ExportDialog

        self.push_screen(ExportDialog(self.library))

    def known_libraries(self) -> list[str]:
        return known_libraries(self.paths)

    def switch_library(self, path: str) -> None:
        """Open another library in place of the current one; a post file opens in the known
        library holding it, else on its own."""
        where, open_path = Path(path).expanduser(), None
        try:
            if where.is_file():
                found, open_path = post_location(where, self.paths)
                where = Path(found)
            library = Library.open(where, paths=self.paths)
        except LibraryError as error:  # a missing or unreadable library, a broken store
            safe.notify(self, f"Cannot open {path}: {error}", severity="error")
            return
        old, self.library = self.library, library
        self.call_after_refresh(self._install, library, old, open_path)

    def _install(self, library: Library, old: Library, open_path: str | None = None) -> None:
        # Not awaited: this runs on the app's message loop, which the new screen's mount needs.
        if self.quitting:  # `q` came first: a screen mounted now would never compose
            self._close_when_idle(old)
            return
        while len(self.screen_stack) > 2 and not isinstance(self.screen, MainScreen):
            self.pop_screen()
        self.switch_screen(MainScreen(library, self.config, open_path=open_path))
        self._close_when_idle(old)
        safe.notify(self, f"Opened {library_name(library.root)}")

    def _close_when_idle(self, library: Library) -> None:
        """Close the old library once the workers still using it (sync, search) are done."""
        busy = [worker for worker in self.workers if worker.group != "close"]
        if not busy:
            library.close()
            return

        async def close() -> None:
            with contextlib.suppress(WorkerFailed):  # reported by the worker's own screen
                await wait_until_ended(busy)
            library.close()

        self.run_worker(close(), group="close")

    # -- crashes: one line on the terminal, the traceback in a log file -------------------------

    def _handle_exception(self, error: Exception) -> None:
        self.crashed = f"{type(error).__name__}: {safe.line(error)}"[:200]
        if self.crash_log is not None:
            try:
                self.crash_log.parent.mkdir(parents=True, exist_ok=True)
                self.crash_log.write_text(
                    "".join(traceback.format_exception(error)), encoding="utf-8"
                )
            except OSError:
                self.crash_log = None
        super()._handle_exception(error)

    def _print_error_renderables(self) -> None:
        if self.crash_log is not None and self.crashed is not None:
            self._exit_renderables.clear()  # launch prints one line naming the log
            return
        super()._print_error_renderables()
