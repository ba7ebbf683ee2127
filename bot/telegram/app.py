"""The Telegram channel: a Dispatcher with the anonymising edge outermost, polling or webhook."""

from __future__ import annotations

import structlog
from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import BotCommand

from bot.core import Core
from bot.telegram import routers
from bot.telegram.conversation import ConversationMiddleware
from bot.telegram.middleware import AnonymisingMiddleware

log = structlog.get_logger("bot.telegram")

COMMANDS = [
    BotCommand(command="start", description="Start / Starta"),
    BotCommand(command="help", description="Help / Hjälp"),
    BotCommand(command="language", description="Language / Språk"),
    BotCommand(command="human", description="Talk to a person / Prata med en människa"),
    BotCommand(command="quiet", description="Silent messages / Tysta meddelanden"),
    BotCommand(command="exit", description="Quick exit: delete this chat / Snabb utgång"),
]


def build_bot(core: Core) -> Bot:
    settings = core.settings
    assert settings.telegram_bot_token is not None
    session = AiohttpSession()
    if settings.telegram_api_url:
        session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    return Bot(
        token=settings.telegram_bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(protect_content=True, link_preview_is_disabled=True),
    )


def build_dispatcher(core: Core) -> Dispatcher:
    # No aiogram FSM: its storage keys are raw chat and user ids. State lives in flows/, keyed
    # by pseudonym.
    dispatcher = Dispatcher(disable_fsm=True)
    dispatcher.update.outer_middleware(AnonymisingMiddleware(core.anonymizer))
    conversation = ConversationMiddleware(core.pipeline, core.store, core.anonymizer)
    dispatcher.message.middleware(conversation)
    dispatcher.callback_query.middleware(conversation)
    dispatcher.include_routers(routers.commands, routers.buttons, routers.conversation, routers.other_content)
    return dispatcher


async def run_polling(core: Core) -> None:
    bot = build_bot(core)
    dispatcher = build_dispatcher(core)
    await bot.set_my_commands(COMMANDS)
    log.info("telegram_polling")
    await dispatcher.start_polling(bot, handle_signals=False, polling_timeout=10, close_bot_session=True)
