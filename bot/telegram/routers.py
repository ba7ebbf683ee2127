"""The Telegram handlers, one router per area. Each only says what kind of thing arrived."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, CommandStart
from aiogram.types import CallbackQuery, Message

from bot.telegram.conversation import Conversation

commands = Router(name="commands")
conversation = Router(name="conversation")
buttons = Router(name="buttons")
other_content = Router(name="other_content")


@commands.message(CommandStart())
async def on_start(message: Message, chat: Conversation) -> None:
    await chat.handle("start")


@commands.message(Command("help"))
async def on_help(message: Message, chat: Conversation) -> None:
    await chat.handle("help")


@commands.message(Command("language"))
async def on_language(message: Message, chat: Conversation) -> None:
    await chat.handle("language")


@commands.message(Command("human"))
async def on_human(message: Message, chat: Conversation) -> None:
    await chat.handle("human")


@commands.message(Command("exit"))
async def on_exit(message: Message, chat: Conversation) -> None:
    await chat.handle("exit")


@commands.message(Command("quiet"))
async def on_quiet(message: Message, chat: Conversation) -> None:
    await chat.handle("quiet")


@conversation.message(F.text)
async def on_text(message: Message, chat: Conversation) -> None:
    await chat.handle("text", text=message.text or "")


@buttons.callback_query()
async def on_button(query: CallbackQuery, chat: Conversation) -> None:
    await query.answer()
    await chat.handle("button", button=query.data or "")


@other_content.message()
async def on_anything_else(message: Message, chat: Conversation, **data: Any) -> None:
    """Photos, voice, stickers, files, contacts, locations: never downloaded, never kept."""
    shared = data.get("shared_kind")
    if shared in ("contact", "location"):
        await chat.handle(shared)
    elif message.caption:
        await chat.handle("media")
        await chat.handle("text", text=message.caption)
    else:
        await chat.handle("media")
