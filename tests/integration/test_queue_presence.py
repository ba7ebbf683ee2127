"""Who is on duty decides whether anyone may wait: nobody waits for no one."""

from __future__ import annotations

import pytest
import redis.asyncio as aioredis

from handover.config import HandoverConfig, ManualClock
from handover.queue import HandoverQueue
from handover.relay import Relay
from handover.stats import Stats
from handover.ticket import Ticket


def ticket(name: str, language: str = "sv") -> Ticket:
    return Ticket(session=f"session-{name}", language=language)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def config(clock: ManualClock) -> HandoverConfig:
    return HandoverConfig(clock=clock, presence_seconds=60, lease_seconds=30,
                          stale_delivery_seconds=0)


@pytest.fixture
def queue(redis: aioredis.Redis, config: HandoverConfig) -> HandoverQueue:
    return HandoverQueue(redis, config)


async def notices(redis: aioredis.Redis, config: HandoverConfig) -> list[tuple[str, str]]:
    relay = Relay(redis, config)
    await relay.ensure_group()
    return [(d.session, d.kind) for d in await relay.deliveries("bot-1", block_ms=1)]


async def test_with_nobody_on_duty_the_ticket_is_refused_at_once_and_counted(
    redis: aioredis.Redis, queue: HandoverQueue, clock: ManualClock
) -> None:
    result = await queue.enqueue(ticket("alone"))

    assert result.status == "no_staff"
    assert await queue.state("session-alone") is None
    assert await queue.waiting() == []
    stats = Stats(redis, clock=clock)
    counts = await stats.day(stats.today())
    assert counts["handover_refused_no_staff"] == 1
    assert "handovers" not in counts


async def test_the_last_staff_going_off_duty_tells_every_waiting_person(
    redis: aioredis.Redis, queue: HandoverQueue, config: HandoverConfig
) -> None:
    await queue.presence.on_duty("anna")
    await queue.enqueue(ticket("first", "ar"))
    await queue.enqueue(ticket("second", "so"))

    result = await queue.presence.off_duty("anna")

    assert sorted(result.no_staff) == ["session-first", "session-second"]
    assert await queue.waiting() == []
    assert await queue.state("session-first") is None
    assert sorted(await notices(redis, config)) == [
        ("session-first", "no_staff"),
        ("session-second", "no_staff"),
    ]
    assert (await queue.enqueue(ticket("third"))).status == "no_staff"
    stats = Stats(redis, clock=config.clock)
    counts = await stats.day(stats.today())
    assert (counts["handover_ended_no_staff"], counts["handover_refused_no_staff"]) == (2, 1)


async def test_leaving_staff_hand_their_conversations_to_colleagues_still_on_duty(
    queue: HandoverQueue,
) -> None:
    await queue.presence.on_duty("anna")
    await queue.presence.on_duty("bo")
    await queue.enqueue(ticket("talking"))
    await queue.claim_next("anna")

    result = await queue.presence.off_duty("anna")

    assert result.returned == ["session-talking"]
    assert result.no_staff == []
    assert await queue.state("session-talking") == "waiting"
    claimed = await queue.claim_next("bo")
    assert claimed is not None and claimed.session == "session-talking"


async def test_the_last_staff_leaving_mid_conversation_ends_it_with_a_no_staff_notice(
    redis: aioredis.Redis, queue: HandoverQueue, config: HandoverConfig
) -> None:
    await queue.presence.on_duty("anna")
    await queue.enqueue(ticket("talking"))
    await queue.claim_next("anna")
    await Relay(redis, config).from_staff("session-talking", "anna", "Jag måste gå nu.")

    await queue.presence.off_duty("anna")

    assert await queue.state("session-talking") is None
    # The staff member's last words still reach the person, then the notice.
    kinds = [kind for session, kind in await notices(redis, config)]
    assert kinds == ["staff_joined", "text", "no_staff"]


async def test_stopped_heartbeats_count_as_gone_and_housekeeping_ends_the_wait(
    queue: HandoverQueue, clock: ManualClock
) -> None:
    await queue.presence.on_duty("anna")
    await queue.enqueue(ticket("waiting"))
    clock.advance(59)
    assert await queue.presence.heartbeat("anna")
    clock.advance(59)
    assert await queue.presence.anyone_on_duty()

    clock.advance(2)  # anna's browser closed: no heartbeat for over a minute

    assert not await queue.presence.anyone_on_duty()
    assert (await queue.enqueue(ticket("new"))).status == "no_staff"
    report = await queue.housekeeping()
    assert report.staff_gone == ["anna"]
    assert report.no_staff == ["session-waiting"]
    assert not await queue.presence.heartbeat("anna")  # must come on duty again
    await queue.presence.on_duty("anna")
    assert await queue.presence.on_duty_staff() == ["anna"]


async def test_on_duty_staff_are_listed_until_they_leave(queue: HandoverQueue) -> None:
    assert await queue.presence.on_duty_staff() == []
    await queue.presence.on_duty("anna")
    await queue.presence.on_duty("bo")
    assert sorted(await queue.presence.on_duty_staff()) == ["anna", "bo"]
    await queue.presence.off_duty("bo")
    assert await queue.presence.on_duty_staff() == ["anna"]
    assert await queue.presence.count_on_duty() == 1
