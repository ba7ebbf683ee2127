"""Per-update context for handlers: who (as a pseudonym) and how to answer, nothing more."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import structlog
from aiogram import BaseMiddleware, Bot
from aiogram.types import TelegramObject
from redis.exceptions import RedisError

from bot.anonymize import Anonymizer
from bot.pipeline import Pipeline
from bot.telegram.outbox import TelegramOutbox
from flows.model import Incoming, MessageKind
from flows.session import SessionStore

log = structlog.get_logger("bot.telegram")


@dataclass
class Conversation:
    pseudonym: str
    reply_address: str
    language_hint: str | None
    outbox: TelegramOutbox
    pipeline: Pipeline
    store: SessionStore

    async def handle(self, kind: MessageKind, text: str = "", button: str | None = None) -> None:
        message = Incoming(
            session=self.pseudonym,
            kind=kind,
            channel="telegram",
            text=text,
            button=button,
            language_hint=self.language_hint,
        )
        await self.pipeline.handle(message, self.outbox, self.reply_address)
        await self._remember_shown_messages()

    async def _remember_shown_messages(self) -> None:
        """Keep the ids of what is on the person's phone (theirs and ours) for quick exit."""
        if self.outbox.deleted or not self.outbox.sent_ids:
            return
        try:
            await self.store.remember_messages(self.pseudonym, self.outbox.sent_ids)
        except RedisError:
            log.warning("message_ids_not_kept")


class ConversationMiddleware(BaseMiddleware):
    """Builds the Conversation from what the anonymising edge left in the handler data."""

    def __init__(self, pipeline: Pipeline, store: SessionStore, anonymizer: Anonymizer) -> None:
        self._pipeline = pipeline
        self._store = store
        self._anonymizer = anonymizer

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        bot: Bot = data["bot"]
        reply_address: str = data["reply_address"]
        known = self._pipeline.known.get(data["pseudonym"])
        outbox = TelegramOutbox(bot, int(self._anonymizer.open(reply_address)), quiet=known.quiet if known else False)
        inbound = data.get("inbound_message_id")
        if inbound is not None:
            outbox.sent_ids.append(inbound)
        data["chat"] = Conversation(
            pseudonym=data["pseudonym"],
            reply_address=reply_address,
            language_hint=data.get("language_hint"),
            outbox=outbox,
            pipeline=self._pipeline,
            store=self._store,
        )
        return await handler(event, data)
