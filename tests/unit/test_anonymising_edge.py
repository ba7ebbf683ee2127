"""The anonymising edge: nothing past bot/ can learn who is writing."""

from __future__ import annotations

import time
from typing import Any

from aiogram import Bot, Dispatcher, F, Router
from aiogram.types import CallbackQuery, Message, Update
from cryptography.fernet import Fernet

from bot.anonymize import Anonymizer
from bot.telegram.middleware import AnonymisingMiddleware

PERSON = {"id": 987654321, "is_bot": False, "first_name": "Amira", "last_name": "Haddad",
          "username": "amira_h", "language_code": "ar"}
CHAT = {"id": 987654321, "type": "private", "first_name": "Amira", "last_name": "Haddad", "username": "amira_h"}


def anonymizer() -> Anonymizer:
    return Anonymizer(b"s" * 40, Fernet.generate_key())


def update(**message: Any) -> Update:
    return Update.model_validate({
        "update_id": 1,
        "message": {"message_id": 7, "date": int(time.time()), "chat": CHAT, "from": PERSON, **message},
    })


def dispatcher_recording(seen: list[dict[str, Any]], edge: Anonymizer) -> Dispatcher:
    dispatcher = Dispatcher(disable_fsm=True)
    dispatcher.update.outer_middleware(AnonymisingMiddleware(edge))
    router = Router()

    @router.message(F.text | F.photo | F.sticker)
    async def curious_handler(message: Message, **data: Any) -> None:
        seen.append({"message": message, **data})

    @router.message()
    async def other(message: Message, **data: Any) -> None:
        seen.append({"message": message, **data})

    @router.callback_query()
    async def curious_button(query: CallbackQuery, **data: Any) -> None:
        seen.append({"query": query, **data})

    dispatcher.include_router(router)
    return dispatcher


BOT = Bot(token="42:TEST")


async def test_a_handler_that_tries_to_read_the_user_gets_nothing() -> None:
    seen: list[dict[str, Any]] = []
    edge = anonymizer()
    await dispatcher_recording(seen, edge).feed_update(BOT, update(text="hjälp mig"))

    (data,) = seen
    message: Message = data["message"]
    assert message.from_user is None
    assert message.chat.id == 0 and message.chat.username is None and message.chat.first_name is None
    assert "event_from_user" not in data and "event_chat" not in data
    assert data["pseudonym"] == edge.pseudonym("tg", PERSON["id"])
    assert edge.open(data["reply_address"]) == str(PERSON["id"])
    dumped = repr(data)
    for identifying in ("987654321", "Amira", "Haddad", "amira_h"):
        assert identifying not in dumped


async def test_a_shared_contact_reaches_no_handler_but_its_kind_does() -> None:
    seen: list[dict[str, Any]] = []
    contact = {"phone_number": "+46701234567", "first_name": "Mamma", "user_id": 111}
    await dispatcher_recording(seen, anonymizer()).feed_update(BOT, update(contact=contact))

    (data,) = seen
    assert data["message"].contact is None
    assert data["shared_kind"] == "contact"
    assert "+46701234567" not in repr(data) and "Mamma" not in repr(data)


async def test_a_button_press_reaches_the_handler_without_the_user() -> None:
    seen: list[dict[str, Any]] = []
    edge = anonymizer()
    press = Update.model_validate({
        "update_id": 2,
        "callback_query": {
            "id": "q1", "from": PERSON, "chat_instance": "ci", "data": "lang:ar",
            "message": {"message_id": 9, "date": int(time.time()), "chat": CHAT, "text": "…"},
        },
    })
    await dispatcher_recording(seen, edge).feed_update(BOT, press)

    (data,) = seen
    assert data["query"].from_user is None
    assert data["query"].data == "lang:ar"
    assert data["pseudonym"] == edge.pseudonym("tg", PERSON["id"])
    assert "Amira" not in repr(data) and "987654321" not in repr(data)


async def test_group_chats_are_ignored() -> None:
    seen: list[dict[str, Any]] = []
    group = Update.model_validate({
        "update_id": 3,
        "message": {"message_id": 1, "date": int(time.time()), "chat": {"id": -100, "type": "group", "title": "x"},
                    "from": PERSON, "text": "hej"},
    })
    await dispatcher_recording(seen, anonymizer()).feed_update(BOT, group)
    assert seen == []


def test_pseudonyms_are_stable_per_chat_and_differ_between_chats_and_secrets() -> None:
    edge = anonymizer()
    assert edge.pseudonym("tg", 1) == edge.pseudonym("tg", 1)
    assert edge.pseudonym("tg", 1) != edge.pseudonym("tg", 2)
    assert edge.pseudonym("tg", 1) != edge.pseudonym("web", 1)
    assert edge.pseudonym("tg", 1) != Anonymizer(b"t" * 40, Fernet.generate_key()).pseudonym("tg", 1)
