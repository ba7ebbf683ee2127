"""Staff → person: any bot worker delivers what the social worker sends, through the relay's
consumer group, acknowledging only after the person's channel took it (at least once)."""

from __future__ import annotations

import asyncio
import os
import uuid

import structlog
from aiogram import Bot
from redis.exceptions import RedisError

from bot.core import Core
from bot.telegram.outbox import TelegramOutbox
from bot.webchat.outbox import WebOutbox
from flows.model import Action, Say, StaffSays
from handover.relay import Delivery
from handover.tasks import pause

log = structlog.get_logger("bot.delivery")


def worker_name() -> str:
    return f"bot-{os.getpid()}-{uuid.uuid4().hex[:8]}"


async def deliver(core: Core, delivery: Delivery, bot: Bot | None) -> None:
    actions, session = await core.engine.from_staff(
        delivery.session, delivery.kind, delivery.text, delivery.place, delivery.estimate_minutes
    )
    if not actions or session is None:
        return
    if session.channel == "web":
        outbox = WebOutbox(core.redis, delivery.session, core.settings.session_ttl_seconds)
        for action in actions:
            if isinstance(action, StaffSays):
                await outbox.staff(action.text)
            else:
                await outbox.perform([action])
    elif session.channel == "telegram" and bot is not None and session.reply:
        telegram = TelegramOutbox(bot, int(core.anonymizer.open(session.reply)), quiet=session.quiet)
        await telegram.perform([as_say(a) for a in actions])
        if session.state != "closed" and telegram.sent_ids:
            await core.store.remember_messages(delivery.session, telegram.sent_ids)


def as_say(action: Action) -> Action:
    """On Telegram a social worker's words come from the bot account, marked as from a person."""
    if isinstance(action, StaffSays):
        return Say(f"👤 {action.text}")
    return action


async def deliver_staff_messages(core: Core, bot: Bot | None, stop: asyncio.Event) -> None:
    """Until asked to stop: read this worker's share of staff messages, send, acknowledge."""
    name = worker_name()
    relay = core.handover.relay
    while not stop.is_set():
        try:
            # Block for less than the Redis client's socket timeout, or every read times out.
            batch = await relay.deliveries(name, block_ms=1000)
        except RedisError as error:
            log.warning("delivery_read_failed", error=type(error).__name__)
            await pause(stop, 1.0)
            continue
        for delivery in batch:
            try:
                await deliver(core, delivery, bot)
                await relay.ack(delivery)
            except RedisError as error:
                # Not acknowledged: after the stale period this or another worker sends it again.
                log.warning("delivery_failed", kind=delivery.kind, error=type(error).__name__)
