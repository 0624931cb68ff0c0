"""Waiting for workers that may be cancelled on the way.

Textual's `WorkerManager.wait_for_complete` raises `WorkerCancelled` as soon as one of the
workers it waits for was cancelled (an exclusive worker replaced by a newer one, a screen
closed), and stops waiting for the rest. A cancelled worker has ended, which is all we wait for.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.worker import Worker, WorkerCancelled, WorkerFailed, WorkerState


async def wait_until_ended(workers: Iterable[Worker[Any]]) -> None:
    """Return once every worker in `workers` has finished, failed or been cancelled; a failure
    is raised (`WorkerFailed`) after the others have ended."""
    failure: BaseException | None = None
    for worker in list(workers):
        if worker.state is WorkerState.PENDING:  # not started: nothing to wait on yet
            continue
        try:
            await worker.wait()
        except WorkerCancelled:
            pass
        except WorkerFailed as error:  # report it, but wait for the others first
            failure = failure or error
    if failure is not None:
        raise failure
