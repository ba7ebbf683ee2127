"""`python -m bot`: the person-facing side — the Telegram bot (with a token) and the web chat."""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Callable
from functools import partial

import structlog
from aiohttp import web
from pydantic import ValidationError

from bot.core import open_core
from bot.delivery import deliver_staff_messages
from bot.settings import BotSettings
from bot.telegram.app import attach_webhook, build_bot, run_polling
from bot.webchat.server import serve_webchat
from flows.logging import configure_logging
from flows.settings import ConfigError
from handover.tasks import finish

log = structlog.get_logger("bot")


def load_settings() -> BotSettings:
    try:
        return BotSettings()
    except (ValidationError, ConfigError) as error:
        problems = error.errors() if isinstance(error, ValidationError) else [{"msg": str(error)}]
        for problem in problems:
            print(f"Configuration error: {problem['msg']}", file=sys.stderr)
        raise SystemExit(2) from None


async def main() -> None:
    settings = load_settings()
    configure_logging(settings.log_level)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)

    async with open_core(settings) as core:
        tasks: list[asyncio.Task[None]] = []
        extend: Callable[[web.Application], None] | None = None
        bot = None
        if settings.telegram_enabled:
            bot = build_bot(core)
            if settings.telegram_webhook_url:
                extend = partial(attach_webhook, core=core, bot=bot)
            else:
                tasks.append(asyncio.create_task(run_polling(core, bot), name="telegram"))
        else:
            log.warning("telegram_disabled", reason="TELEGRAM_BOT_TOKEN is not set; the web chat is the channel")
        # Staff replies reach people on either channel through any running bot worker.
        tasks.append(asyncio.create_task(deliver_staff_messages(core, bot, stop), name="delivery"))
        tasks.append(asyncio.create_task(serve_webchat(core, stop, extend), name="webchat"))
        log.info("bot_started", telegram=settings.telegram_enabled)
        stopped = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait([stopped, *tasks], return_when=asyncio.FIRST_COMPLETED)
        stop.set()
        # Telegram polling is plain HTTP and cancels cleanly; the Redis readers are asked to
        # stop and waited for (handover/tasks.py).
        for task in tasks:
            if task.get_name() == "telegram":
                task.cancel()
        await finish(tasks, grace=3.0)
        failures = [error for task in tasks if task in done and (error := task.exception()) is not None]
        if failures:
            raise failures[0]  # a channel died: exit non-zero so the supervisor restarts us
    log.info("bot_stopped")


if __name__ == "__main__":
    asyncio.run(main())
