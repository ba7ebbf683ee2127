"""Stopping long-lived tasks that may be waiting in a blocking Redis read.

Cancelling a task in the middle of a blocking redis-py command is not reliable: seen here, a
console shut down with its events follower marked "cancelling" yet still waiting in XREAD,
and the shutdown waited for it forever (it hung a CI run). So loops that read from Redis are
asked to stop instead (an Event, or a closed socket, checked between reads that block for
a second or two) and are waited for with a bound. Only a task that has not stopped in time is
cancelled, and nobody waits for that one forever either.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable

import structlog

log = structlog.get_logger("handover.tasks")

CANCEL_GRACE_SECONDS = 1.0


async def pause(stop: asyncio.Event, seconds: float) -> bool:
    """Sleep up to ``seconds``, waking at once when asked to stop. True when stopping."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
    return stop.is_set()


async def finish(tasks: Iterable[asyncio.Task[None]], grace: float) -> None:
    """Wait up to ``grace`` seconds for tasks that were asked to stop; cancel the rest.

    Never waits longer than ``grace`` plus a second. A task that ignores even its
    cancellation is logged by name and left behind rather than hanging the caller.
    """
    tasks = list(tasks)
    pending = {task for task in tasks if not task.done()}
    if pending:
        _, pending = await asyncio.wait(pending, timeout=grace)
    for task in pending:
        task.cancel()
    if pending:
        _, pending = await asyncio.wait(pending, timeout=CANCEL_GRACE_SECONDS)
    for task in pending:
        log.error("task_did_not_stop", task=task.get_name())
    for task in tasks:
        if task.done() and not task.cancelled() and task.exception() is not None:
            log.error("task_failed", task=task.get_name(), error=type(task.exception()).__name__)
