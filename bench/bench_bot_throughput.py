"""The real bot process under load, against Telegram's own limit.

Telegram lets a bot send about 30 messages per second overall (≈ 1 per second per chat)
before it answers 429. This starts a private Redis, the Rasa server, the Bot API stand-in and
the real bot (`python -m bot`), lets N people each ask one question at once, and measures:
- replies per second the bot sustains, as a ratio to Telegram's 30/s cap (≥ 1 means Telegram,
  not the bot, is the limit);
- time from a message reaching the stand-in's getUpdates queue to the bot's first reply:
  p50/p99, with the emergency path measured separately.

    .venv/bin/python bench/bench_bot_throughput.py [-n 200]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from devstack.model import ensure_model
from devstack.services import free_port, start_rasa, start_redis
from tests.support.bot_process import secrets_env, start_bot
from tests.support.telegram_standin import Person, TelegramStandIn

TELEGRAM_CAP_PER_SECOND = 30.0
QUESTION = "vad kan socialtjänsten hjälpa mig med"
ACUTE = "han slår mig just nu"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def first_reply_latencies(
    telegram: TelegramStandIn, people: list[Person], text: str
) -> tuple[list[float], float]:
    sent_at: dict[int, float] = {}
    start = time.perf_counter()
    for person in people:
        sent_at[person.chat_id] = time.perf_counter()
        await telegram.send_text(person, text)
    waiting = {p.chat_id for p in people}
    replied_at: dict[int, float] = {}

    def all_replied(calls: list) -> bool:  # type: ignore[type-arg]
        for call in calls:
            fresh = call.chat_id in waiting and call.chat_id not in replied_at
            if call.method == "sendMessage" and call.result and fresh:
                replied_at[call.chat_id] = time.perf_counter()
        return len(replied_at) == len(waiting)

    await telegram.wait_for(all_replied, timeout=600)
    elapsed = time.perf_counter() - start
    return [(replied_at[c] - sent_at[c]) * 1000 for c in waiting], elapsed


async def run(count: int) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="bench-bot-"))
    redis = start_redis(workdir / "redis", free_port(), persistent=False)
    rasa = start_rasa(ensure_model(), free_port(), workdir / "rasa.log")
    telegram = TelegramStandIn()
    await telegram.start()
    bot = start_bot(redis_url=redis.url, rasa_url=rasa.url, telegram_api_url=telegram.base_url,
                    token=telegram.token, log_dir=workdir, secrets=secrets_env())
    try:
        await telegram.wait_for(lambda calls: any(c.method == "getUpdates" for c in calls), timeout=60)
        people = [Person(chat_id=9_000_000 + i, first_name="P", language_code="sv") for i in range(count)]
        questions, elapsed = await first_reply_latencies(telegram, people, QUESTION)
        others = [Person(chat_id=9_500_000 + i, first_name="Q", language_code="sv") for i in range(count)]
        emergencies, _ = await first_reply_latencies(telegram, others, ACUTE)
        replies = sum(1 for c in telegram.calls if c.method == "sendMessage" and c.result)
        rate = count / elapsed
        print(f"people at once                  {count}")
        print(f"question → first reply          p50 {statistics.median(questions):7.1f} ms   "
              f"p99 {percentile(questions, 0.99):7.1f} ms")
        print(f"acute message → emergency text  p50 {statistics.median(emergencies):7.1f} ms   "
              f"p99 {percentile(emergencies, 0.99):7.1f} ms")
        ratio = rate / TELEGRAM_CAP_PER_SECOND
        print(f"first replies per second        {rate:7.1f}   ratio to Telegram's cap (30/s): {ratio:.2f}")
        print(f"messages sent in all            {replies}")
    finally:
        bot.stop()
        await telegram.stop()
        rasa.stop()
        redis.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=200, help="people writing at once")
    asyncio.run(run(parser.parse_args().n))


if __name__ == "__main__":
    main()
