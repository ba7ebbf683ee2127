"""End-to-end fixtures: the Telegram stand-in and the real bot process pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

from tests.support.bot_process import BotProcess, secrets_env, start_bot
from tests.support.telegram_standin import TelegramStandIn

BotStarter = Callable[..., BotProcess]


@pytest.fixture
async def telegram() -> AsyncIterator[TelegramStandIn]:
    standin = TelegramStandIn()
    await standin.start()
    yield standin
    await standin.stop()


@pytest.fixture
def bot_secrets() -> dict[str, str]:
    return secrets_env()


@pytest.fixture
def start_telegram_bot(
    telegram: TelegramStandIn, redis_url: str, bot_secrets: dict[str, str], tmp_path: Path
) -> Iterator[BotStarter]:
    started: list[BotProcess] = []

    def start(rasa_url: str, **extra_env: str) -> BotProcess:
        bot = start_bot(
            redis_url=redis_url, rasa_url=rasa_url, telegram_api_url=telegram.base_url, token=telegram.token,
            log_dir=tmp_path / f"bot{len(started)}", secrets=bot_secrets, extra_env=extra_env,
        )
        started.append(bot)
        return bot

    yield start
    for bot in started:
        bot.stop()
        print(f"--- bot log ---\n{bot.log()[-4000:]}")  # shown by pytest only when the test failed


async def polling_started(telegram: TelegramStandIn, bot: BotProcess, timeout: float = 40.0) -> None:
    """The bot is up once it asks the stand-in for updates (or fail with its log)."""
    try:
        await telegram.wait_for(lambda calls: any(c.method == "getUpdates" for c in calls), timeout)
    except AssertionError:
        raise AssertionError(f"bot did not start polling; its log:\n{bot.log()[-3000:]}") from None
