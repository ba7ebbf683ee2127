"""Messages between the person and staff through Redis Streams, with any bot worker."""

from __future__ import annotations

import asyncio

import pytest
import redis.asyncio as aioredis

from handover.config import HandoverConfig, ManualClock
from handover.queue import HandoverQueue
from handover.relay import Delivery, Relay
from handover.ticket import Ticket

PERSON = "c0ffee00d15ea5e5c0ffee00d15ea5e5"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def config(clock: ManualClock) -> HandoverConfig:
    return HandoverConfig(clock=clock, stale_delivery_seconds=30)


@pytest.fixture
async def queue(redis: aioredis.Redis, config: HandoverConfig) -> HandoverQueue:
    queue = HandoverQueue(redis, config)
    await queue.presence.on_duty("anna")
    await queue.presence.on_duty("bo")
    return queue


@pytest.fixture
async def relay(redis: aioredis.Redis, config: HandoverConfig) -> Relay:
    relay = Relay(redis, config)
    await relay.ensure_group()
    return relay


@pytest.fixture
async def with_anna(queue: HandoverQueue) -> str:
    """The person is talking with anna."""
    await queue.enqueue(Ticket(session=PERSON, language="so"))
    await queue.claim_next("anna")
    return PERSON


def texts(deliveries: list[Delivery]) -> list[str]:
    return [d.text for d in deliveries if not d.is_notice]


async def test_both_directions_land_in_one_conversation_a_console_can_replay(
    relay: Relay, with_anna: str
) -> None:
    await relay.from_person(with_anna, "Wuu i garaacay")
    await relay.from_staff(with_anna, "anna", "Ma nabad baad qabtaa hadda?")
    seen = await relay.history(with_anna)
    await relay.from_person(with_anna, "Haa, hadda waan nabad qabaa")

    assert [(m.sender, m.text) for m in seen] == [
        ("user", "Wuu i garaacay"),
        ("staff", "Ma nabad baad qabtaa hadda?"),
    ]
    assert seen[1].staff == "anna"
    newer = await relay.history(with_anna, after=seen[-1].stream_id)
    assert [m.text for m in newer] == ["Haa, hadda waan nabad qabaa"]


async def test_a_console_following_its_conversations_wakes_on_a_new_message(
    relay: Relay, with_anna: str
) -> None:
    await relay.from_person(with_anna, "already read")
    [last_seen] = await relay.history(with_anna)
    # From the last id it saw, the console misses nothing whether it blocks first or not.
    following = asyncio.create_task(relay.follow({with_anna: last_seen.stream_id}, block_ms=5000))
    await relay.from_person(with_anna, "hello?")

    news = await following

    assert [(session, m.sender, m.text) for session, m in news] == [(with_anna, "user", "hello?")]
    assert await relay.follow({}, block_ms=5000) == []


async def test_a_staff_reply_reaches_one_bot_worker_and_is_gone_once_sent(
    redis: aioredis.Redis, relay: Relay, config: HandoverConfig, with_anna: str
) -> None:
    message_id = await relay.from_staff(with_anna, "anna", "Waan ku maqlayaa")

    first = await relay.deliveries("bot-1", block_ms=1)
    other = await relay.deliveries("bot-2", block_ms=1)

    assert [(d.kind, d.language) for d in first] == [("staff_joined", "so"), ("text", "so")]
    assert first[1].message_id == message_id and first[1].session == with_anna
    assert other == []
    for delivery in first:
        await relay.ack(delivery)
    assert await redis.xlen(config.to_users_key) == 0


async def test_only_the_staff_member_holding_the_conversation_can_write_to_the_person(
    relay: Relay, with_anna: str
) -> None:
    assert await relay.from_staff(with_anna, "bo", "Hej") is None
    assert await relay.from_staff("someone-not-handed-over", "anna", "Hej") is None
    assert [m.text for m in await relay.history(with_anna)] == []


async def test_without_a_handover_the_persons_message_is_not_relayed(relay: Relay) -> None:
    assert await relay.from_person("someone-talking-to-the-bot", "hej") is None


async def test_a_killed_bot_worker_leaves_its_messages_to_another_that_sends_each_once(
    redis: aioredis.Redis, relay: Relay, config: HandoverConfig, clock: ManualClock,
    with_anna: str,
) -> None:
    for text in ("ett", "två", "tre"):
        await relay.from_staff(with_anna, "anna", text)
    doomed = await relay.deliveries("bot-doomed", block_ms=1)
    await relay.ack(doomed[0])  # staff_joined went out
    await relay.ack(doomed[1])  # "ett" went out, then the worker was killed

    # Another worker, once the dead one's hold has gone stale.
    rescuer = Relay(redis, HandoverConfig(clock=clock, stale_delivery_seconds=0))
    clock.advance(31)
    rescued = await rescuer.deliveries("bot-rescuer", block_ms=1)
    for delivery in rescued:
        await rescuer.ack(delivery)

    assert texts(rescued) == ["två", "tre"]
    assert await rescuer.deliveries("bot-rescuer", block_ms=1) == []
    assert await relay.deliveries("bot-restarted", block_ms=1) == []
    assert await redis.xlen(config.to_users_key) == 0


async def test_a_worker_does_not_send_what_a_live_twin_is_still_sending(
    redis: aioredis.Redis, relay: Relay, clock: ManualClock, with_anna: str
) -> None:
    await relay.from_staff(with_anna, "anna", "bara en gång")
    slow = await relay.deliveries("bot-slow", block_ms=1)
    # An impatient twin takes over entries at once, but the slow one's hold still counts.
    eager = Relay(redis, HandoverConfig(clock=clock, stale_delivery_seconds=0))

    assert await eager.deliveries("bot-eager", block_ms=1) == []
    for delivery in slow:
        await relay.ack(delivery)
    assert await eager.deliveries("bot-eager", block_ms=1) == []
    assert texts(slow) == ["bara en gång"]


async def test_a_console_retrying_a_message_makes_the_person_read_it_once(
    relay: Relay, with_anna: str
) -> None:
    first = await relay.from_staff(with_anna, "anna", "Ring 112", kind="emergency_info",
                                   message_id="console-msg-1")
    retry = await relay.from_staff(with_anna, "anna", "Ring 112", kind="emergency_info",
                                   message_id="console-msg-1")

    sent = await relay.deliveries("bot-1", block_ms=1)

    assert first == retry == "console-msg-1"
    assert [(d.kind, d.message_id) for d in sent if not d.is_notice] == [
        ("emergency_info", "console-msg-1")
    ]
    assert len(await relay.history(with_anna)) == 1


async def test_when_staff_close_their_last_words_still_arrive_then_the_closed_notice(
    relay: Relay, queue: HandoverQueue, with_anna: str
) -> None:
    await relay.from_staff(with_anna, "anna", "Tack för att du skrev. Ta hand om dig.",
                           kind="closing")
    await queue.close(with_anna, "anna")

    sent = await relay.deliveries("bot-1", block_ms=1)

    assert [d.kind for d in sent] == ["staff_joined", "closing", "closed"]


async def test_the_bot_group_comes_back_after_the_stream_expired(
    redis: aioredis.Redis, relay: Relay, config: HandoverConfig, with_anna: str
) -> None:
    await redis.delete(config.to_users_key)  # what an idle hour's TTL does, group and all
    await relay.from_staff(with_anna, "anna", "still here")

    sent = await relay.deliveries("bot-1", block_ms=1)

    assert texts(sent) == ["still here"]
    assert await redis.pttl(config.to_users_key) > 0


async def test_a_staff_message_of_an_unknown_kind_is_refused(relay: Relay, with_anna: str) -> None:
    with pytest.raises(ValueError, match="kind"):
        await relay.from_staff(with_anna, "anna", "x", kind="shell_command")  # type: ignore[arg-type]


async def test_names_of_bot_workers_gone_for_good_are_forgotten_but_not_those_holding_messages(
    relay: Relay, with_anna: str
) -> None:
    await relay.from_staff(with_anna, "anna", "ett")
    for delivery in await relay.deliveries("bot-restarted-yesterday", block_ms=1):
        await relay.ack(delivery)
    await relay.from_staff(with_anna, "anna", "två")
    await relay.deliveries("bot-holding-one", block_ms=1)  # not acknowledged

    assert await relay.prune_workers(idle_seconds=3600) == []  # nobody idle that long yet
    assert await relay.prune_workers(idle_seconds=0) == ["bot-restarted-yesterday"]
