"""The handover queue on a real Redis: order, one owner per ticket, leases, danger mid-way."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest
import redis.asyncio as aioredis

from handover.config import HandoverConfig, ManualClock
from handover.events import Events
from handover.queue import HandoverQueue
from handover.relay import Relay
from handover.ticket import Ticket, priority_score
from nlu.types import DangerAssessment, DangerLevel


def ticket(name: str, level: DangerLevel = DangerLevel.CONCERN, *categories: str) -> Ticket:
    return Ticket(
        session=f"session-{name}",
        language="sv",
        danger=DangerAssessment(level=level, categories=frozenset(categories)),
    )


def names(tickets: list[Ticket]) -> list[str]:
    return [t.session.removeprefix("session-") for t in tickets]


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def config(clock: ManualClock) -> HandoverConfig:
    return HandoverConfig(clock=clock, lease_seconds=30, presence_seconds=600)


@pytest.fixture
async def queue(redis: aioredis.Redis, config: HandoverConfig) -> HandoverQueue:
    queue = HandoverQueue(redis, config)
    await queue.presence.on_duty("anna")
    await queue.presence.on_duty("bo")
    return queue


async def test_acute_comes_before_high_before_concern_and_older_before_newer(
    queue: HandoverQueue, clock: ManualClock
) -> None:
    arrivals = [
        ("concern-early", DangerLevel.CONCERN),
        ("none", DangerLevel.NONE),
        ("high-early", DangerLevel.HIGH),
        ("concern-late", DangerLevel.CONCERN),
        ("acute-late", DangerLevel.ACUTE),
        ("high-late", DangerLevel.HIGH),
    ]
    for name, level in arrivals:
        assert (await queue.enqueue(ticket(name, level))).status == "queued"
        clock.advance(5)

    expected = ["acute-late", "high-early", "high-late", "concern-early", "concern-late", "none"]
    assert names(await queue.waiting()) == expected
    claimed = [await queue.claim_next("anna") for _ in arrivals]
    assert names([t for t in claimed if t is not None]) == expected
    assert await queue.claim_next("anna") is None


async def test_hundred_concurrent_claimers_on_a_thousand_tickets_never_share_one(
    redis_url: str, redis: aioredis.Redis, config: HandoverConfig
) -> None:
    # Four console instances with their own connections, 25 staff members on each.
    clients = [aioredis.from_url(redis_url, decode_responses=True) for _ in range(4)]
    queues = [HandoverQueue(client, config) for client in clients]
    staff = [f"staff{i}" for i in range(100)]
    for name in staff:
        await queues[0].presence.on_duty(name)
    sessions = {f"session-{i:04d}" for i in range(1000)}
    for session in sorted(sessions):
        await queues[0].enqueue(Ticket(session=session, language="sv"))

    async def claimer(queue: HandoverQueue, name: str) -> list[str]:
        mine = []
        while (claimed := await queue.claim_next(name)) is not None:
            mine.append(claimed.session)
        return mine

    try:
        results = await asyncio.gather(
            *(claimer(queues[i % 4], name) for i, name in enumerate(staff))
        )
    finally:
        for client in clients:
            await client.aclose()

    claims = Counter(session for mine in results for session in mine)
    assert set(claims) == sessions
    assert max(claims.values()) == 1
    owner = {c.ticket.session: c.staff for c in await HandoverQueue(redis, config).live()}
    assert len(owner) == 1000
    for name, mine in zip(staff, results, strict=True):
        assert {owner[session] for session in mine} <= {name}
    assert await HandoverQueue(redis, config).waiting() == []


async def test_a_console_that_stops_renewing_gives_the_ticket_back_with_its_place_and_messages(
    redis: aioredis.Redis, queue: HandoverQueue, config: HandoverConfig, clock: ManualClock
) -> None:
    relay = Relay(redis, config)
    await queue.enqueue(ticket("first", DangerLevel.HIGH))
    clock.advance(60)
    await queue.enqueue(ticket("second", DangerLevel.HIGH))
    first = await queue.claim_next("anna")
    assert first is not None and first.session == "session-first"
    await relay.from_person("session-first", "han har hotat mig")
    await relay.from_staff("session-first", "anna", "Jag finns här. Är du säker just nu?")

    clock.advance(29)
    assert await queue.reap_expired_leases() == []
    clock.advance(2)  # anna's console died: no renewal for longer than the lease
    assert await queue.reap_expired_leases() == ["session-first"]

    assert await queue.state("session-first") == "waiting"
    assert names(await queue.waiting()) == ["first", "second"]
    history = await relay.history("session-first")
    assert [(m.sender, m.text) for m in history] == [
        ("user", "han har hotat mig"),
        ("staff", "Jag finns här. Är du säker just nu?"),
    ]
    events = await Events(redis, config).read()
    released = [e for e in events if e.type == "released"]
    assert [(e.session, e.fields["reason"]) for e in released] == [("session-first", "lease_expired")]
    again = await queue.claim_next("bo")
    assert again is not None and again.session == "session-first"
    assert again.since == first.since
    audit = await queue.audit.entries(clock() - 600, clock() + 1)
    assert [(e.staff, e.action) for e in audit if e.session == "session-first"] == [
        ("anna", "claimed"), ("anna", "lease_expired"), ("bo", "claimed"),
    ]


async def test_a_renewed_lease_keeps_the_conversation_with_its_staff(
    queue: HandoverQueue, clock: ManualClock
) -> None:
    await queue.enqueue(ticket("talking"))
    await queue.claim_next("anna")
    for _ in range(5):
        clock.advance(20)
        assert await queue.renew("anna", "session-talking")
        assert await queue.reap_expired_leases() == []
    assert not await queue.renew("bo", "session-talking")
    assert [c.staff for c in await queue.live()] == ["anna"]


async def test_a_particular_ticket_is_taken_over_from_a_colleague_only_when_asked(
    queue: HandoverQueue, clock: ManualClock
) -> None:
    await queue.enqueue(ticket("chosen"))
    await queue.enqueue(ticket("other"))
    chosen = await queue.claim("anna", "session-chosen")
    assert chosen is not None and chosen.session == "session-chosen"

    assert await queue.claim("bo", "session-chosen") is None
    assert await queue.claim("bo", "session-chosen", take_over=True) is not None
    assert {c.ticket.session: c.staff for c in await queue.live()} == {"session-chosen": "bo"}
    assert names(await queue.waiting()) == ["other"]
    assert await queue.claim("anna", "session-nobody-has") is None
    audit = await queue.audit.entries(0, clock() + 1)
    assert [(e.staff, e.action, e.to_staff) for e in audit] == [
        ("anna", "claimed", None), ("anna", "transferred", "bo"), ("bo", "took_over", None),
    ]


async def test_a_transfer_needs_the_holder_and_a_colleague_on_duty(
    queue: HandoverQueue,
) -> None:
    await queue.enqueue(ticket("moving"))
    await queue.claim_next("anna")

    assert not await queue.transfer("session-moving", "bo", "anna")
    assert not await queue.transfer("session-moving", "anna", "cecilia")  # not on duty
    assert await queue.transfer("session-moving", "anna", "bo")
    assert [c.staff for c in await queue.live()] == ["bo"]
    assert not await queue.renew("anna", "session-moving")


async def test_staff_off_duty_cannot_claim(queue: HandoverQueue) -> None:
    await queue.enqueue(ticket("waiting"))
    assert await queue.claim_next("cecilia") is None
    assert names(await queue.waiting()) == ["waiting"]


async def test_danger_rising_while_waiting_moves_the_ticket_ahead_and_alerts_the_console(
    redis: aioredis.Redis, queue: HandoverQueue, config: HandoverConfig, clock: ManualClock
) -> None:
    await queue.enqueue(ticket("high", DangerLevel.HIGH))
    clock.advance(10)
    await queue.enqueue(ticket("quiet", DangerLevel.CONCERN))
    events = Events(redis, config)
    seen = await events.last_id()

    strangled = DangerAssessment(DangerLevel.ACUTE, frozenset({"strangulation"}))
    assert await queue.reprioritise("session-quiet", strangled)

    assert names(await queue.waiting()) == ["quiet", "high"]
    alerts = [e for e in await events.read(seen) if e.type == "alert"]
    assert [(e.session, e.fields["level"], e.fields["categories"]) for e in alerts] == [
        ("session-quiet", "3", "strangulation")
    ]


async def test_danger_rising_with_staff_alerts_and_never_lowers_the_level(
    redis: aioredis.Redis, queue: HandoverQueue, config: HandoverConfig
) -> None:
    await queue.enqueue(ticket("talking", DangerLevel.HIGH, "threat_to_kill"))
    await queue.claim_next("anna")
    events = Events(redis, config)
    seen = await events.last_id()

    weapon = DangerAssessment(DangerLevel.ACUTE, frozenset({"weapon"}))
    assert await queue.reprioritise("session-talking", weapon)
    assert not await queue.reprioritise("session-talking", weapon)  # nothing new
    assert not await queue.reprioritise("session-talking", DangerAssessment(DangerLevel.NONE))

    [live] = await queue.live()
    assert live.staff == "anna"
    assert live.ticket.level == DangerLevel.ACUTE
    assert live.ticket.danger.categories == {"threat_to_kill", "weapon"}
    alerts = [e for e in await events.read(seen) if e.type == "alert"]
    assert [(e.fields["staff"], e.fields["state"]) for e in alerts] == [("anna", "claimed")]
    assert not await queue.reprioritise("session-never-queued", weapon)


async def test_state_tells_the_bot_when_staff_have_the_conversation(
    queue: HandoverQueue,
) -> None:
    assert await queue.state("session-person") is None
    await queue.enqueue(ticket("person"))
    assert await queue.state("session-person") == "waiting"
    await queue.claim_next("anna")
    assert await queue.state("session-person") == "with_staff"
    assert await queue.return_to_bot("session-person", "anna")
    assert await queue.state("session-person") is None


async def test_asking_again_while_waiting_keeps_the_place(queue: HandoverQueue) -> None:
    await queue.enqueue(ticket("first"))
    await queue.enqueue(ticket("second"))

    again = await queue.enqueue(ticket("second"))

    assert again.status == "already"
    assert again.state == "waiting"
    assert again.position is not None and again.position.place == 2
    assert names(await queue.waiting()) == ["first", "second"]


async def test_a_ticket_whose_keys_expired_is_skipped_not_claimed(
    redis: aioredis.Redis, queue: HandoverQueue, config: HandoverConfig
) -> None:
    await queue.enqueue(ticket("expired", DangerLevel.ACUTE))
    await queue.enqueue(ticket("alive"))
    await redis.delete(config.ticket_key("session-expired"))  # what its TTL would do

    claimed = await queue.claim_next("anna")

    assert claimed is not None and claimed.session == "session-alive"
    assert await redis.zcard(config.waiting_key) == 0


async def test_background_housekeeping_returns_a_lapsed_lease_without_being_asked(
    redis: aioredis.Redis, queue: HandoverQueue, config: HandoverConfig, clock: ManualClock
) -> None:
    await queue.enqueue(ticket("abandoned"))
    await queue.claim_next("anna")
    events = Events(redis, config)
    seen = await events.last_id()
    clock.advance(31)

    house = asyncio.create_task(queue.keep_house(every=0.01))
    try:
        # The console learns it the way it learns everything: from the event stream.
        released = await events.read(seen, block_ms=5000)
    finally:
        house.cancel()
    assert [(e.type, e.session) for e in released][:1] == [("released", "session-abandoned")]
    assert names(await queue.waiting()) == ["abandoned"]


async def test_redis_orders_by_the_same_score_the_python_side_computes(
    redis: aioredis.Redis, queue: HandoverQueue, config: HandoverConfig
) -> None:
    await queue.enqueue(ticket("scored", DangerLevel.HIGH))
    [waiting] = await queue.waiting()
    assert waiting.since is not None

    score = await redis.zscore(config.waiting_key, "session-scored")

    assert score == priority_score(DangerLevel.HIGH, round(waiting.since * 1000))
