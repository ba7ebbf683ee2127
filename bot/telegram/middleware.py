"""The anonymising edge for Telegram: the outermost thing every update passes through.

For each update it derives the session pseudonym and the encrypted reply address, then hands
on a copy of the update with every identifying field removed: no user, no chat id, no names,
no usernames, no shared contact or location, no forward origin. Handlers get `pseudonym`,
`reply_address` and `inbound_message_id` instead; they cannot read who wrote.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, Chat, Message, TelegramObject, Update

from bot.anonymize import Anonymizer

# Fields of a Message that can identify a person or reveal their contacts.
_IDENTIFYING_MESSAGE_FIELDS = {
    "from_user": None,
    "sender_chat": None,
    "sender_business_bot": None,
    "contact": None,
    "location": None,
    "venue": None,
    "forward_origin": None,
    "reply_to_message": None,
    "external_reply": None,
    "quote": None,
    "via_bot": None,
    "author_signature": None,
    "users_shared": None,
    "chat_shared": None,
    "new_chat_members": None,
    "left_chat_member": None,
}
# aiogram puts these into the handler data; they hold the raw user and chat.
_IDENTIFYING_DATA_KEYS = (
    "event_from_user", "event_chat", "event_context", "event_thread_id", "state", "raw_state", "fsm_storage",
)


def _anonymous_chat(chat: Chat) -> Chat:
    return Chat(id=0, type=chat.type)


def strip_message(message: Message) -> Message:
    fields: dict[str, Any] = {k: v for k, v in _IDENTIFYING_MESSAGE_FIELDS.items() if k in type(message).model_fields}
    fields["chat"] = _anonymous_chat(message.chat)
    if message.entities:
        fields["entities"] = [e for e in message.entities if e.type != "text_mention"]
    # What kind of thing was shared stays known (so the bot can say it was not kept).
    fields["has_protected_content"] = message.has_protected_content
    return message.model_copy(update=fields)


class AnonymisingMiddleware(BaseMiddleware):
    def __init__(self, anonymizer: Anonymizer) -> None:
        self._anonymizer = anonymizer

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, Update)
        chat = data.get("event_chat")
        user = data.get("event_from_user")
        for key in _IDENTIFYING_DATA_KEYS:
            data.pop(key, None)
        if chat is None or chat.type != "private":
            return None  # groups and channels are not a place for this conversation
        data["pseudonym"] = self._anonymizer.pseudonym("tg", chat.id)
        data["reply_address"] = self._anonymizer.seal(chat.id)
        data["language_hint"] = (user.language_code or "")[:2] if user else None
        update: dict[str, Any] = {}
        if event.message is not None:
            data["inbound_message_id"] = event.message.message_id
            data["shared_kind"] = _shared_kind(event.message)
            update["message"] = strip_message(event.message)
        elif event.callback_query is not None:
            update["callback_query"] = _strip_callback(event.callback_query)
        else:
            return None  # edits, reactions, joins: nothing the conversation needs
        return await handler(event.model_copy(update=update), data)


def _strip_callback(query: CallbackQuery) -> CallbackQuery:
    fields: dict[str, Any] = {"from_user": None}
    if isinstance(query.message, Message):
        fields["message"] = strip_message(query.message)
    else:
        fields["message"] = None
    return query.model_copy(update=fields)


def _shared_kind(message: Message) -> str | None:
    if message.contact is not None:
        return "contact"
    if message.location is not None or message.venue is not None:
        return "location"
    return None
