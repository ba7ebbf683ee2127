"""Stopping long-lived tasks: asked first, cancelled only when late, never waited on forever."""

from __future__ import annotations

import asyncio

import pytest
import structlog

from handover.tasks import finish, pause


async def test_a_task_that_stops_when_asked_finishes_without_being_cancelled() -> None:
    stop = asyncio.Event()
    rounds: list[int] = []

    async def loop() -> None:
        while not stop.is_set():
            rounds.append(1)
            await pause(stop, 60)

    task = asyncio.create_task(loop())
    await asyncio.sleep(0)
    stop.set()
    await finish([task], grace=30)

    assert task.done() and not task.cancelled()
    assert rounds == [1]  # pause woke at once; no second round after the stop


async def test_a_task_that_ignores_the_stop_is_cancelled_after_the_grace() -> None:
    task = asyncio.create_task(asyncio.sleep(3600), name="deaf")
    await finish([task], grace=0.01)
    assert task.cancelled()


async def test_a_task_that_swallows_its_cancellation_is_left_behind_not_waited_for() -> None:
    release = asyncio.Event()

    async def stubborn() -> None:
        while not release.is_set():
            try:
                await release.wait()
            except asyncio.CancelledError:
                continue  # what a mid-read cancellation inside a client library can amount to

    task = asyncio.create_task(stubborn(), name="stubborn")
    with structlog.testing.capture_logs() as logs:
        await finish([task], grace=0.01)

    assert not task.done()
    assert {"event": "task_did_not_stop", "task": "stubborn", "log_level": "error"} in logs
    release.set()
    await task


async def test_a_failed_task_is_logged_by_its_error_type_only() -> None:
    async def broken() -> None:
        raise ValueError("may quote a person's message")

    task = asyncio.create_task(broken(), name="broken")
    with pytest.raises(ValueError):
        await task
    with structlog.testing.capture_logs() as logs:
        await finish([task], grace=0.01)
    assert logs == [{"event": "task_failed", "task": "broken", "error": "ValueError", "log_level": "error"}]
