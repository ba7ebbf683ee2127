"""Relay latency with many live conversations: person -> console, console -> bot, and back.

    .venv/bin/python bench/bench_relay.py                        # 200 conversations
    .venv/bin/python bench/bench_relay.py --conversations 500 --messages 10

Starts a private redis-server and hands N conversations to 20 staff through the queue. Then
three processes run, as in production: the people (one task per conversation, writing every
~interval seconds with jitter, as the bot would relay them), the consoles (two instances, each
following half the conversations with one blocking XREAD and answering each message at once)
and the bot (two workers on the ``to_users`` consumer group, acknowledging each delivery as if
sent). Each message carries its send time (CLOCK_MONOTONIC, shared by the processes).

Prints p50/p99 of: person -> console (from_person until a console has it), console -> bot
(from_staff until a bot worker has it) and the round trip. Asserts nothing about time; on a
busy machine p99 mostly shows scheduling stalls.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import random
import statistics
import sys
import tempfile
import time
from multiprocessing.queues import Queue as MPQueue
from multiprocessing.synchronize import Event as EventType
from pathlib import Path

import redis.asyncio as aioredis

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from devstack.services import free_port, start_redis
from handover.config import HandoverConfig
from handover.queue import HandoverQueue
from handover.relay import Relay
from handover.ticket import Ticket

CONFIG = HandoverConfig(presence_seconds=3600, lease_seconds=3600)
CONSOLES = 2
BOT_WORKERS = 2
STAFF = 20


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def stamp(text: str) -> str:
    return f"{text}@{time.perf_counter()}"


def age_ms(text: str) -> float:
    return (time.perf_counter() - float(text.rsplit("@", 1)[1])) * 1000


async def hand_over(url: str, sessions: list[str]) -> dict[str, str]:
    client = aioredis.from_url(url, decode_responses=True)
    queue = HandoverQueue(client, CONFIG)
    staff = [f"staff{number}" for number in range(STAFF)]
    for name in staff:
        await queue.presence.on_duty(name)
    owner = {}
    for number, session in enumerate(sessions):
        await queue.enqueue(Ticket(session=session, language="sv"))
        claimed = await queue.claim_next(staff[number % STAFF])
        assert claimed is not None
        owner[claimed.session] = staff[number % STAFF]
    await Relay(client, CONFIG).ensure_group()
    await client.aclose()
    return owner


async def console(url: str, owner: dict[str, str], stop: EventType, latencies: list[float]) -> None:
    client = aioredis.from_url(url, decode_responses=True)
    relay = Relay(client, CONFIG)
    last_seen = dict.fromkeys(owner, "0")
    while not stop.is_set():
        for session, message in await relay.follow(last_seen, block_ms=200):
            last_seen[session] = message.stream_id
            if message.sender == "user":
                latencies.append(age_ms(message.text))
                # The reply carries the person's send time and its own.
                await relay.from_staff(session, owner[session], stamp(message.text))
    await client.aclose()


async def bot_worker(url: str, name: str, stop: EventType,
                     one_way: list[float], round_trip: list[float]) -> None:
    client = aioredis.from_url(url, decode_responses=True)
    relay = Relay(client, CONFIG)
    while not stop.is_set():
        for delivery in await relay.deliveries(name, block_ms=200):
            if not delivery.is_notice:
                one_way.append(age_ms(delivery.text))
                round_trip.append(age_ms(delivery.text.rsplit("@", 1)[0]))
            await relay.ack(delivery)
    await client.aclose()


async def person(relay: Relay, session: str, messages: int, interval: float) -> None:
    await asyncio.sleep(random.uniform(0, interval))
    for number in range(messages):
        await relay.from_person(session, stamp(f"{session}-{number}"))
        await asyncio.sleep(interval * random.uniform(0.5, 1.5))


def consoles_process(
    url: str, owner: dict[str, str], stop: EventType, results: MPQueue[tuple[str, list[float]]]
) -> None:
    latencies: list[float] = []
    sessions = sorted(owner)

    async def main() -> None:
        await asyncio.gather(*(
            console(url, {s: owner[s] for s in sessions[i::CONSOLES]}, stop, latencies)
            for i in range(CONSOLES)
        ))

    asyncio.run(main())
    results.put(("person -> console", latencies))


def bot_process(url: str, stop: EventType, results: MPQueue[tuple[str, list[float]]]) -> None:
    one_way: list[float] = []
    round_trip: list[float] = []

    async def main() -> None:
        await asyncio.gather(*(
            bot_worker(url, f"bot-{i}", stop, one_way, round_trip) for i in range(BOT_WORKERS)
        ))

    asyncio.run(main())
    results.put(("console -> bot", one_way))
    results.put(("round trip", round_trip))


async def people(url: str, sessions: list[str], messages: int, interval: float) -> None:
    client = aioredis.from_url(url, decode_responses=True, max_connections=len(sessions) + 10)
    relay = Relay(client, CONFIG)
    await asyncio.gather(*(person(relay, s, messages, interval) for s in sessions))
    await client.aclose()


def run(url: str, conversations: int, messages: int, interval: float) -> None:
    sessions = [f"bench-conversation-{number:05d}" for number in range(conversations)]
    owner = asyncio.run(hand_over(url, sessions))
    context = multiprocessing.get_context("spawn")
    stop = context.Event()
    results: MPQueue[tuple[str, list[float]]] = context.Queue()
    workers = [
        context.Process(target=consoles_process, args=(url, owner, stop, results)),
        context.Process(target=bot_process, args=(url, stop, results)),
    ]
    for worker in workers:
        worker.start()
    time.sleep(2)  # imports and first XREADs (not measured)
    started = time.perf_counter()
    asyncio.run(people(url, sessions, messages, interval))
    time.sleep(1)  # the last replies on their way
    elapsed = time.perf_counter() - started
    stop.set()
    measured = dict(results.get() for _ in range(3))
    for worker in workers:
        worker.join()

    sent = conversations * messages
    print(f"{conversations} live conversations, {sent} messages from people in {elapsed:.1f} s "
          f"(≈{sent / elapsed:.0f}/s each way), {CONSOLES} consoles, {BOT_WORKERS} bot workers")
    for name in ("person -> console", "console -> bot", "round trip"):
        ms = measured[name]
        print(f"{name:<18} n={len(ms):>5}  p50 {statistics.median(ms):6.1f} ms  "
              f"p99 {percentile(ms, 0.99):6.1f} ms  max {max(ms):6.1f} ms")
    print(f"replies not delivered: {sent - len(measured['round trip'])}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--messages", type=int, default=5, help="per conversation")
    parser.add_argument("--interval", type=float, default=2.0, help="seconds between messages")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        service = start_redis(Path(data_dir), free_port(), persistent=False)
        try:
            run(service.url, args.conversations, args.messages, args.interval)
        finally:
            service.stop()


if __name__ == "__main__":
    main()
