"""A handover from arrival to close: what the person is told, what expires, what remains."""

from __future__ import annotations

from typing import Any

import pytest
import redis.asyncio as aioredis

from handover.audit import Audit
from handover.config import HandoverConfig, ManualClock
from handover.events import Events
from handover.queue import HandoverQueue
from handover.relay import Delivery, Relay
from handover.stats import Stats, to_csv
from handover.ticket import IntakeCard, Ticket
from nlu.types import DangerAssessment, DangerLevel

PERSON = "5f0c2a9e81d4b7c3e6a1f09d2b8c4e7a"  # shaped like the bot's HMAC pseudonym


def ticket(session: str, language: str = "sv") -> Ticket:
    return Ticket(session=session, language=language)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def config(clock: ManualClock) -> HandoverConfig:
    # Presence outlasts the minutes these stories move the clock by.
    return HandoverConfig(clock=clock, stale_delivery_seconds=0, presence_seconds=3600)


@pytest.fixture
async def queue(redis: aioredis.Redis, config: HandoverConfig) -> HandoverQueue:
    queue = HandoverQueue(redis, config)
    await queue.presence.on_duty("anna")
    return queue


@pytest.fixture
async def relay(redis: aioredis.Redis, config: HandoverConfig) -> Relay:
    relay = Relay(redis, config)
    await relay.ensure_group()
    return relay


async def deliver_all(relay: Relay) -> list[Delivery]:
    """What a bot worker sends now; each one acknowledged as sent."""
    sent = await relay.deliveries("bot-1", block_ms=1)
    for delivery in sent:
        await relay.ack(delivery)
    return sent


async def keys_mentioning(redis: aioredis.Redis, text: str) -> set[str]:
    """Every key whose name or content contains text, whatever its type."""
    found = set()
    async for key in redis.scan_iter(count=1000):
        kind = await redis.type(key)
        content: Any
        if kind == "hash":
            content = await redis.hgetall(key)
        elif kind == "zset":
            content = await redis.zrange(key, 0, -1)
        elif kind == "list":
            content = await redis.lrange(key, 0, -1)
        elif kind == "stream":
            content = await redis.xrange(key)
        else:
            content = await redis.get(key)
        if text in key or text in repr(content):
            found.add(key)
    return found


async def test_the_person_learns_their_place_and_is_told_when_it_changes(
    queue: HandoverQueue, relay: Relay, clock: ManualClock
) -> None:
    for name in ("session-one", "session-two", "session-three"):
        await queue.enqueue(ticket(name))
        clock.advance(1)
    assert (await queue.housekeeping()).told_position == 0  # nobody moved yet

    await queue.claim_next("anna")
    await queue.housekeeping()
    await queue.housekeeping()  # told once, not on every round

    told = [(d.session, d.kind, d.place) for d in await deliver_all(relay)]
    assert told == [
        ("session-one", "staff_joined", None),
        ("session-two", "position", 1),
        ("session-three", "position", 2),
    ]
    position = await queue.position("session-three")
    assert position is not None and position.place == 2


async def test_the_wait_estimate_follows_observed_waits_and_staff_on_duty(
    queue: HandoverQueue, relay: Relay, clock: ManualClock
) -> None:
    # One staff member on duty; three people each waited at place 1: 1, 2 and 3 minutes.
    for number, minutes in enumerate((1, 2, 3)):
        await queue.enqueue(ticket(f"session-earlier-{number}"))
        clock.advance(60 * minutes)
        await queue.claim_next("anna")
        await queue.close(f"session-earlier-{number}", "anna")

    first = await queue.enqueue(ticket("session-now-1"))
    second = await queue.enqueue(ticket("session-now-2"))
    assert first.position is not None and first.position.estimate_minutes == 2
    assert second.position is not None and second.position.estimate_minutes == 4

    await queue.presence.on_duty("bo")  # twice the staff: half the wait per place
    position = await queue.position("session-now-2")
    assert position is not None
    assert (position.place, position.estimate_minutes, position.staff_on_duty) == (2, 2, 2)

    await queue.claim_next("bo")
    await queue.housekeeping()
    told = [d for d in await deliver_all(relay) if d.kind == "position"]
    assert [(d.session, d.place, d.estimate_minutes) for d in told] == [("session-now-2", 1, 1)]


async def test_without_enough_observed_waits_no_estimate_is_made_up(
    queue: HandoverQueue,
) -> None:
    result = await queue.enqueue(ticket("session-first-of-the-shift"))
    assert result.position is not None
    assert result.position.place == 1
    assert result.position.estimate_minutes is None


async def test_the_person_can_stop_waiting(queue: HandoverQueue, redis: aioredis.Redis) -> None:
    await queue.enqueue(ticket(PERSON))
    assert await queue.cancel(PERSON)
    assert await queue.state(PERSON) is None
    assert await keys_mentioning(redis, PERSON) - {"{hq}:events"} == set()
    assert not await queue.cancel(PERSON)


async def test_every_key_has_a_ttl_throughout_a_handover(
    redis: aioredis.Redis, queue: HandoverQueue, relay: Relay
) -> None:
    await queue.enqueue(ticket(PERSON, "fa"))
    await relay.from_person(PERSON, "می‌ترسم")
    await queue.claim_next("anna")
    stalked = DangerAssessment(DangerLevel.HIGH, frozenset({"stalking_control"}))
    await queue.reprioritise(PERSON, stalked)
    await relay.from_staff(PERSON, "anna", "من اینجا هستم")
    sent = await relay.deliveries("bot-1", block_ms=1)
    await relay.ack(sent[0])  # the second one is still being sent
    await queue.housekeeping()

    session_keys = await keys_mentioning(redis, PERSON)
    assert {f"{{hq}}:{kind}:{PERSON}" for kind in ("ticket", "conv", "outbox")} <= session_keys
    async for key in redis.scan_iter():
        assert await redis.pttl(key) > 0, key


async def test_housekeeping_keeps_people_still_waiting_from_expiring(
    redis: aioredis.Redis, queue: HandoverQueue, config: HandoverConfig
) -> None:
    await queue.enqueue(ticket(PERSON))
    await redis.pexpire(config.ticket_key(PERSON), 1000)

    await queue.housekeeping()

    assert await redis.ttl(config.ticket_key(PERSON)) > config.session_ttl - 5


async def test_closing_leaves_no_key_and_no_trace_of_the_conversation(
    redis: aioredis.Redis, queue: HandoverQueue, relay: Relay
) -> None:
    await queue.enqueue(ticket(PERSON, "ti"))
    await relay.from_person(PERSON, "ሓገዝ የድልየኒ")
    await queue.claim_next("anna")
    await relay.from_staff(PERSON, "anna", "ኣብዚ ኣለኹ", kind="text")
    await relay.from_staff(PERSON, "anna", "", kind="closing")

    assert await queue.close(PERSON, "anna")
    delivered = await deliver_all(relay)

    assert [d.kind for d in delivered] == ["staff_joined", "text", "closing", "closed"]
    assert await queue.state(PERSON) is None
    assert [key async for key in redis.scan_iter(match=f"*{PERSON}*")] == []
    # By design only the audit log (who handled it) and the consoles' recent events
    # still name the pseudonym; no text, no ticket, nothing to deliver.
    assert await keys_mentioning(redis, PERSON) == {"{hq}:audit", "{hq}:events"}
    assert await keys_mentioning(redis, "ሓገዝ") == set()


async def test_a_quick_exit_drops_what_was_not_yet_sent_to_the_person(
    redis: aioredis.Redis, queue: HandoverQueue, relay: Relay, config: HandoverConfig
) -> None:
    await queue.enqueue(ticket(PERSON))
    await queue.claim_next("anna")
    await relay.from_staff(PERSON, "anna", "Är du kvar?")

    assert await queue.close(PERSON, None)

    assert await deliver_all(relay) == []
    assert await keys_mentioning(redis, PERSON) == {"{hq}:audit", "{hq}:events"}
    events = await Events(redis, config).read()
    assert [e.fields["reason"] for e in events if e.type == "closed"] == ["user_left"]


async def test_statistics_count_the_handover_and_the_wait_but_hold_no_pseudonym(
    redis: aioredis.Redis, queue: HandoverQueue, clock: ManualClock
) -> None:
    stats = Stats(redis, clock=clock)
    await queue.enqueue(Ticket(
        session=PERSON,
        language="ar",
        danger=DangerAssessment(DangerLevel.ACUTE, frozenset({"strangulation", "child_witness"})),
        young=True,
        children_affected=True,
        card=IntakeCard(who_for="self", relation="partner", topics=frozenset({"physical"}),
                        needs=frozenset({"shelter"})),
    ))
    clock.advance(90)
    await queue.claim_next("anna")
    await queue.close(PERSON, "anna")

    counts = await stats.day(stats.today())

    assert counts == {
        "handovers": 1,
        "handover_lang:ar": 1,
        "handover_level:acute": 1,
        "who_for:self": 1,
        "topic:physical": 1,
        "need:shelter": 1,
        "wait_count": 1,
        "wait_seconds_sum": 90,
        "wait:1-5min": 1,
    }
    assert not await keys_mentioning(redis, PERSON) & {key async for key in redis.scan_iter("*stats*")}
    [row] = await stats.rows(stats.today(), stats.today(), "month")
    assert "< 5" in to_csv([row])


async def test_the_audit_log_says_who_handled_which_conversation_and_nothing_said(
    redis: aioredis.Redis, queue: HandoverQueue, relay: Relay, clock: ManualClock
) -> None:
    await queue.presence.on_duty("bo")
    await queue.enqueue(ticket(PERSON))
    await queue.claim_next("anna")
    await relay.from_staff(PERSON, "anna", "hemligt innehåll")
    await queue.transfer(PERSON, "anna", "bo")
    await queue.close(PERSON, "bo")
    await deliver_all(relay)

    entries = await queue.audit.entries(clock() - 60, clock() + 60)

    assert [(e.staff, e.action, e.session, e.to_staff) for e in entries] == [
        ("anna", "claimed", PERSON, None),
        ("anna", "transferred", PERSON, "bo"),
        ("bo", "closed", PERSON, None),
    ]
    assert await keys_mentioning(redis, "hemligt") == set()


async def test_old_audit_entries_are_trimmed_after_the_retention(
    redis: aioredis.Redis, clock: ManualClock
) -> None:
    audit = Audit(redis, HandoverConfig(clock=clock, audit_retention_days=30))
    await audit.record("anna", "claimed", "session-long-ago")
    clock.advance(31 * 86400)
    # Trimming is approximate per stream node; a real log has enough entries to fill one.
    for number in range(200):
        await audit.record("bo", "claimed", f"session-later-{number}")

    later = await audit.entries(0, clock() + 1)

    assert "session-long-ago" not in {entry.session for entry in later}


async def test_a_console_replays_events_from_the_last_one_it_saw(
    redis: aioredis.Redis, queue: HandoverQueue, config: HandoverConfig
) -> None:
    events = Events(redis, config)
    await queue.enqueue(ticket("session-first"))
    seen = await events.read()
    assert [e.type for e in seen] == ["on_duty", "queue_changed"]

    await queue.claim_next("anna")
    await queue.enqueue(Ticket(session="session-acute", language="uk",
                               danger=DangerAssessment(DangerLevel.ACUTE)))

    new = await events.read(seen[-1].id)
    assert [(e.type, e.session) for e in new] == [
        ("claimed", "session-first"),
        ("queue_changed", "session-first"),
        ("queue_changed", "session-acute"),
        ("alert", "session-acute"),
    ]
