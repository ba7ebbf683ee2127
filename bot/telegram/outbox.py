"""Sending to one Telegram chat: protected content, in order, flood control honoured.

A 429 from Telegram carries `retry_after`: we wait it out and send the same message again, so
order is kept and an emergency text is never dropped.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import structlog
from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramNetworkError, TelegramRetryAfter
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from flows.model import Action, DeleteHistory, Keyboard, Say, SetLanguage, SetQuiet

log = structlog.get_logger("bot.telegram")

# How long we keep retrying: an urgent text keeps trying far longer than an ordinary one.
MAX_WAIT_SECONDS = {True: 600.0, False: 120.0}


def keyboard(buttons: Keyboard) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    rows = [[InlineKeyboardButton(text=b.label, callback_data=b.payload) for b in row] for row in buttons]
    return InlineKeyboardMarkup(inline_keyboard=rows)


class TelegramOutbox:
    def __init__(self, bot: Bot, chat_id: int, quiet: bool = False) -> None:
        self._bot = bot
        self._chat_id = chat_id
        self.quiet = quiet
        self.sent_ids: list[int] = []
        self.deleted = False

    async def say(self, message: Say) -> None:
        waited = 0.0
        attempt = 0
        while True:
            try:
                sent = await self._bot.send_message(
                    chat_id=self._chat_id,
                    text=message.text,
                    reply_markup=keyboard(message.buttons),
                    protect_content=True,
                    disable_notification=self.quiet and not message.urgent,
                )
                self.sent_ids.append(sent.message_id)
                return
            except TelegramRetryAfter as error:
                pause = float(error.retry_after)
            except TelegramNetworkError:
                attempt += 1
                pause = min(2.0**attempt, 30.0)
            except TelegramAPIError as error:
                log.error("send_failed", error=type(error).__name__, urgent=message.urgent)
                return
            if waited + pause > MAX_WAIT_SECONDS[message.urgent]:
                log.error("send_gave_up", waited=waited, urgent=message.urgent)
                return
            log.warning("send_retry", pause=pause, urgent=message.urgent)
            await asyncio.sleep(pause)
            waited += pause

    async def perform(self, actions: Sequence[Action]) -> None:
        for action in actions:
            match action:
                case Say():
                    await self.say(action)
                case DeleteHistory():
                    await self.delete(action.message_ids)
                case SetQuiet():
                    self.quiet = action.on
                case SetLanguage():
                    pass  # Telegram renders any script; nothing to switch

    async def delete(self, message_ids: Sequence[int]) -> None:
        """Delete both sides of the conversation where Telegram allows (private chat, < 48 h)."""
        self.deleted = True
        for message_id in dict.fromkeys([*message_ids, *self.sent_ids]):
            try:
                await self._bot.delete_message(chat_id=self._chat_id, message_id=message_id)
            except TelegramRetryAfter as error:
                await asyncio.sleep(float(error.retry_after))
                await self._bot.delete_message(chat_id=self._chat_id, message_id=message_id)
            except TelegramAPIError:
                pass  # too old or already gone: nothing more we can do
        self.sent_ids.clear()
