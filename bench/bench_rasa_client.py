"""What RasaClient adds on top of Rasa's own /model/parse latency (goal: at most 10 %).

    .venv/bin/python bench/bench_rasa_client.py              # starts Rasa from the trained model
    .venv/bin/python bench/bench_rasa_client.py --url http://127.0.0.1:5005 -n 1000

N sequential parses of the eval messages, alternating in blocks between a bare aiohttp POST
and RasaClient.parse on the same kind of keep-alive session, so drift on a shared machine
hits both alike. Prints p50/p99 of each and their ratio; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp
import structlog

from devstack.model import model_path
from devstack.services import Service, free_port, start_rasa
from nlu.client import RasaClient

ROOT = Path(__file__).resolve().parent.parent
EVAL_SET = ROOT / "tests" / "data" / "language_dev.jsonl"
BLOCK = 50


def messages() -> list[str]:
    with EVAL_SET.open(encoding="utf-8") as lines:
        return [json.loads(line)["text"] for line in lines if line.strip()]


async def timed(call: Callable[[str], Awaitable[object]], texts: list[str]) -> list[float]:
    durations_ms = []
    for text in texts:
        started = time.perf_counter()
        await call(text)
        durations_ms.append((time.perf_counter() - started) * 1000)
    return durations_ms


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98]


async def run(url: str, count: int) -> None:
    texts = messages()
    workload = [texts[i % len(texts)] for i in range(count)]
    timeout = aiohttp.ClientTimeout(total=5)
    async with aiohttp.ClientSession() as bare_session, aiohttp.ClientSession() as client_session:
        async def bare(text: str) -> object:
            async with bare_session.post(f"{url}/model/parse", json={"text": text},
                                         timeout=timeout) as response:
                return await response.json()

        client = RasaClient(url, timeout=5, session=client_session)
        for warm_up in texts[:20]:
            await bare(warm_up)
            await client.parse(warm_up, None)
        bare_ms: list[float] = []
        client_ms: list[float] = []
        for start in range(0, count, BLOCK):
            block = workload[start:start + BLOCK]
            bare_ms += await timed(bare, block)
            client_ms += await timed(lambda text: client.parse(text, None), block)
        if not client.available:
            raise SystemExit("Rasa failed during the bench: the client's numbers are fallbacks")
    rows = (("bare aiohttp POST (Rasa itself)", bare_ms), ("RasaClient.parse", client_ms))
    print(f"{count} sequential parses each, {url}")
    for label, values in rows:
        print(f"  {label:32} p50 {statistics.median(values):6.2f} ms   p99 {p99(values):6.2f} ms")
    print(f"  client / bare: p50 ×{statistics.median(client_ms) / statistics.median(bare_ms):.3f}"
          f"   p99 ×{p99(client_ms) / p99(bare_ms):.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running Rasa; default: start one from the trained model")
    parser.add_argument("-n", type=int, default=500, help="parses per side (default 500)")
    args = parser.parse_args()
    # Production logs at INFO: the client's per-call debug line is filtered, as it would be.
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.INFO))
    service: Service | None = None
    url = args.url
    if url is None:
        model = model_path()
        if not model.exists():
            raise SystemExit(f"No model at {model}: run `python -m devstack.model` first")
        log = Path(tempfile.mkdtemp(prefix="bench-rasa-")) / "rasa.log"
        print(f"starting Rasa from {model.name} (log: {log})…")
        service = start_rasa(model, free_port(), log)
        url = service.url
    try:
        asyncio.run(run(url.rstrip("/"), args.n))
    finally:
        if service is not None:
            service.stop()


if __name__ == "__main__":
    main()
