"""Handover queue throughput: how many claims per second Redis and the claim script carry.

    .venv/bin/python bench/bench_queue.py                  # 5,000 tickets, 100 claimers
    .venv/bin/python bench/bench_queue.py --processes 2    # the claimers in two processes

Starts a private redis-server (as the tests do), fills the queue, then lets the claimers
(asyncio tasks over several client connections, optionally in several processes, like several
console instances) take tickets until none is left. Each claim is the whole production path:
one Lua script that claims, writes the audit entry and counts the wait.

Prints claims per second, the latency of one claim and what one claim script costs inside
Redis (INFO commandstats), i.e. the server's ceiling when clients are not the limit. Asserts
nothing about time. Results depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
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
from handover.ticket import Ticket
from nlu.types import DangerAssessment, DangerLevel

CONFIG = HandoverConfig(presence_seconds=3600)
CLIENTS_PER_PROCESS = 4


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def fill(url: str, tickets: int, staff: list[str]) -> float:
    client = aioredis.from_url(url, decode_responses=True)
    queue = HandoverQueue(client, CONFIG)
    for name in staff:
        await queue.presence.on_duty(name)
    levels = list(DangerLevel)
    started = time.perf_counter()
    batch = 50  # concurrent enqueues; stays under the client's connection limit
    for start in range(0, tickets, batch):
        await asyncio.gather(*(
            queue.enqueue(Ticket(
                session=f"bench-session-{number:06d}",
                language="sv",
                danger=DangerAssessment(level=levels[number % len(levels)]),
            ))
            for number in range(start, min(start + batch, tickets))
        ))
    rate = tickets / (time.perf_counter() - started)
    await client.config_resetstat()
    await client.aclose()
    return rate


async def claim_all(url: str, staff: list[str]) -> tuple[int, list[float], float]:
    cpu_started = time.process_time()
    clients = [aioredis.from_url(url, decode_responses=True) for _ in range(CLIENTS_PER_PROCESS)]
    queues = [HandoverQueue(client, CONFIG) for client in clients]
    latencies: list[float] = []

    async def claimer(queue: HandoverQueue, name: str) -> int:
        taken = 0
        while True:
            started = time.perf_counter()
            ticket = await queue.claim_next(name)
            latencies.append(time.perf_counter() - started)
            if ticket is None:
                return taken
            taken += 1

    taken = await asyncio.gather(*(
        claimer(queues[number % len(queues)], name) for number, name in enumerate(staff)
    ))
    for client in clients:
        await client.aclose()
    return sum(taken), latencies, time.process_time() - cpu_started


def claiming_process(url: str, staff: list[str], start: EventType,
                     results: MPQueue[tuple[int, list[float], float]]) -> None:
    start.wait()
    results.put(asyncio.run(claim_all(url, staff)))


async def server_cost_us(url: str) -> float:
    client = aioredis.from_url(url, decode_responses=True)
    stats = await client.info("commandstats")
    await client.aclose()
    return float(stats["cmdstat_evalsha"]["usec_per_call"])


def run(url: str, tickets: int, claimers: int, processes: int) -> None:
    staff = [f"staff{number}" for number in range(claimers)]
    enqueue_rate = asyncio.run(fill(url, tickets, staff))
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    results: MPQueue[tuple[int, list[float], float]] = context.Queue()
    workers = [
        context.Process(target=claiming_process, args=(url, staff[i::processes], start, results))
        for i in range(processes)
    ]
    for worker in workers:
        worker.start()
    time.sleep(2)  # let every process import and wait at the start line (not measured)
    started = time.perf_counter()
    start.set()
    outcomes = [results.get() for _ in workers]
    elapsed = time.perf_counter() - started
    for worker in workers:
        worker.join()

    claimed = sum(count for count, _, _ in outcomes)
    latencies = [latency for _, part, _ in outcomes for latency in part]
    client_cpu = sum(cpu for _, _, cpu in outcomes)
    assert claimed == tickets, "every ticket claimed exactly once"
    cost = asyncio.run(server_cost_us(url))
    print(f"tickets {tickets}, claimers {claimers} in {processes} process(es), "
          f"{CLIENTS_PER_PROCESS} client connections each")
    print(f"enqueue:   {enqueue_rate:,.0f} tickets/s (50 concurrent)")
    print(f"claims:    {tickets / elapsed:,.0f} claims/s ({elapsed:.2f} s for all)")
    print(f"one claim: p50 {statistics.median(latencies) * 1000:.1f} ms, "
          f"p99 {percentile(latencies, 0.99) * 1000:.1f} ms (queued behind 100 claimers)")
    print(f"in Redis:  {cost:.0f} µs per claim script -> server ceiling ≈ {1e6 / cost:,.0f} claims/s")
    client_us = client_cpu / tickets * 1e6
    print(f"client:    {client_us:.0f} µs CPU per claim -> ≈ {1e6 / client_us:,.0f} claims/s per "
          f"free core of console processes")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--tickets", type=int, default=5000)
    parser.add_argument("--claimers", type=int, default=100)
    parser.add_argument("--processes", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        service = start_redis(Path(data_dir), free_port(), persistent=False)
        try:
            run(service.url, args.tickets, args.claimers, args.processes)
        finally:
            service.stop()


if __name__ == "__main__":
    main()
