"""The Telegram channel: a Dispatcher with the anonymising edge outermost, polling or webhook."""

from __future__ import annotations

import structlog
from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import BotCommand
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

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


WEBHOOK_PATH = "/telegram/webhook"


def attach_webhook(app: web.Application, core: Core, bot: Bot) -> None:
    """Serve Telegram's updates on the web chat's server; Telegram must send our secret token."""
    settings = core.settings
    assert settings.telegram_webhook_url and settings.telegram_webhook_secret
    dispatcher = build_dispatcher(core)
    secret = settings.telegram_webhook_secret.get_secret_value()
    SimpleRequestHandler(dispatcher, bot, secret_token=secret).register(app, path=WEBHOOK_PATH)
    setup_application(app, dispatcher, bot=bot)
    url = settings.telegram_webhook_url.rstrip("/") + WEBHOOK_PATH

    async def register_webhook(_: web.Application) -> None:
        await bot.set_my_commands(COMMANDS)
        await bot.set_webhook(url, secret_token=secret, allowed_updates=dispatcher.resolve_used_update_types())
        log.info("telegram_webhook_set")

    app.on_startup.append(register_webhook)


async def run_polling(core: Core, bot: Bot) -> None:
    dispatcher = build_dispatcher(core)
    await bot.set_my_commands(COMMANDS)
    log.info("telegram_polling")
    await dispatcher.start_polling(bot, handle_signals=False, polling_timeout=10, close_bot_session=True)
