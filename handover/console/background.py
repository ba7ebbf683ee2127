"""The console's long-lived tasks, started and stopped with the app (cleanup_ctx).

- events: follow ``{hq}:events`` from the moment the app starts and hand each batch to the hub;
- keep-alive: every lease/3 (and presence/3) seconds, heartbeats and lease renewals for the
  staff whose pages are open here. A console that dies stops renewing: the queue's
  housekeeping then returns its conversations to the queue;
- housekeeping: the queue's own (lapsed leases, absent staff, places told), every few seconds.
  Every instance runs it; its scripts are atomic, so running it twice does no harm.

Nothing may kill a task (a Redis outage, one odd ticket): each logs the error's type, never its
message (it could quote data), and goes on. On shutdown they are asked to stop, not cancelled
mid-read (see handover/tasks.py for why).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import structlog
from aiohttp import web
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from handover.console.hub import Hub
from handover.tasks import finish, pause

log = structlog.get_logger("handover.console")

# Shorter than any client's socket timeout (redis-py's default is 5 s): a blocking read that
# outlives it fails instead of returning empty. It also bounds how long a shutdown waits.
EVENTS_BLOCK_MS = 1000
RETRY_SECONDS = 1.0


async def follow_events(hub: Hub, stop: asyncio.Event) -> None:
    events = hub.services.events
    last = await _retrying("events_start", events.last_id, stop)
    while last is not None and not stop.is_set():
        try:
            batch = await events.read(last, block_ms=EVENTS_BLOCK_MS)
        except RedisTimeoutError:
            continue  # a slow answer to a blocking read: read again from the same place
        except RedisError as error:
            log.warning("events_read_failed", error=type(error).__name__)
            await pause(stop, RETRY_SECONDS)
            continue
        if not batch:
            continue
        last = batch[-1].id
        try:
            await hub.dispatch(batch)
        except Exception as error:
            log.error("events_dispatch_failed", error=type(error).__name__)


async def every(seconds: float, name: str, step: Callable[[], Awaitable[object]],
                stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            await step()
        except Exception as error:
            log.error(f"{name}_failed", error=type(error).__name__)
        await pause(stop, seconds)


async def _retrying(name: str, step: Callable[[], Awaitable[str]], stop: asyncio.Event) -> str | None:
    """The step's answer once Redis gives one; None when asked to stop first."""
    while not stop.is_set():
        try:
            return await step()
        except RedisError as error:
            log.warning(f"{name}_failed", error=type(error).__name__)
            await pause(stop, RETRY_SECONDS)
    return None


def background_tasks(hub_key: web.AppKey[Hub]) -> Callable[[web.Application], AsyncIterator[None]]:
    async def run(app: web.Application) -> AsyncIterator[None]:
        hub = app[hub_key]
        settings = hub.services.settings
        stop = asyncio.Event()
        tasks = [
            asyncio.create_task(follow_events(hub, stop), name="console-events"),
            asyncio.create_task(
                every(settings.keepalive_seconds, "keep_alive", hub.keep_alive, stop),
                name="console-keep-alive",
            ),
            asyncio.create_task(
                every(settings.handover_housekeeping_seconds, "housekeeping",
                      hub.services.queue.housekeeping, stop),
                name="console-housekeeping",
            ),
        ]
        yield
        stop.set()
        await finish(tasks, grace=EVENTS_BLOCK_MS / 1000 + RETRY_SECONDS)

    return run
