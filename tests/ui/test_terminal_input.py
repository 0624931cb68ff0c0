"""Escape from a real terminal is answered after ESCDELAY, not after Textual's 100 ms poll."""

from __future__ import annotations

from textual import constants
from textual._time import get_time
from textual._xterm_parser import XTermParser

from reader.terminal_input import IDLE_POLL, select_timeout


def test_no_pending_escape_polls_as_textual_does() -> None:
    parser = XTermParser()
    assert select_timeout(parser, get_time()) == IDLE_POLL


def test_a_lone_escape_is_waited_for_only_until_its_delay_ends() -> None:
    parser = XTermParser()
    assert list(parser.feed("\x1b")) == []  # Escape, or the start of a sequence: not yet known
    now = get_time()
    assert 0 < select_timeout(parser, now) <= min(constants.ESCAPE_DELAY, IDLE_POLL)
    nearly = now + constants.ESCAPE_DELAY - 0.02  # the poll would sleep 0.1 s past the delay
    assert select_timeout(parser, nearly) <= 0.02
    assert select_timeout(parser, now + constants.ESCAPE_DELAY + 1) == 0
