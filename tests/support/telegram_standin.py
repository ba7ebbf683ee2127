"""A local stand-in for the Telegram Bot API, spoken over real HTTP.

The real bot process is pointed at it with TELEGRAM_API_URL. It answers the methods the bot
uses, records every call, lets a test inject updates as a person would send them, and can
answer with 429 Too Many Requests to exercise flood control.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientSession, web

BOT_USER = {"id": 4242, "is_bot": True, "first_name": "Tryggchatt", "username": "tryggchatt_test_bot"}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    result: Any = None

    @property
    def text(self) -> str:
        return str(self.params.get("text", ""))

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return int(value) if value is not None else None


@dataclass
class Person:
    """A Telegram user in a private chat; ids and names are what the anonymity tests look for."""

    chat_id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None

    def as_user(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.chat_id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key):
                user[key] = getattr(self, key)
        return user

    def as_chat(self) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": self.chat_id, "type": "private", "first_name": self.first_name}
        if self.last_name:
            chat["last_name"] = self.last_name
        if self.username:
            chat["username"] = self.username
        return chat


def _decode(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return value


@dataclass
class TelegramStandIn:
    token: str = "123456:TEST-standin-token"
    calls: list[Call] = field(default_factory=list)
    # sendMessage answers 429 with this retry_after for the next N calls.
    throttle_next: int = 0
    retry_after: int = 1
    _updates: list[dict[str, Any]] = field(default_factory=list)
    _update_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    _runner: web.AppRunner | None = None
    base_url: str = ""
    deleted: set[tuple[int, int]] = field(default_factory=set)
    # Webhook mode: once the bot calls setWebhook, updates are POSTed to it as Telegram does.
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_statuses: list[int] = field(default_factory=list)

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._method)
        app.router.add_get("/bot{token}/{method}", self._method)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}"
        return self.base_url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # -- what a person does ---------------------------------------------------------------

    async def send_text(self, person: Person, text: str) -> int:
        message = self._message(person, text=text)
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        await self._push({"message": message})
        return int(message["message_id"])

    async def send_message(self, person: Person, **content: Any) -> int:
        """Anything a person can send: photo, voice, sticker, contact, location…"""
        message = self._message(person, **content)
        await self._push({"message": message})
        return int(message["message_id"])

    async def press(self, person: Person, payload: str, on_message_id: int | None = None) -> None:
        query = {
            "id": f"cb{next(self._update_ids)}",
            "from": person.as_user(),
            "chat_instance": f"ci{person.chat_id}",
            "data": payload,
            "message": {
                "message_id": on_message_id or 1,
                "date": int(time.time()),
                "chat": person.as_chat(),
                "from": BOT_USER,
                "text": "…",
            },
        }
        await self._push({"callback_query": query})

    def _message(self, person: Person, **content: Any) -> dict[str, Any]:
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": person.as_chat(),
            "from": person.as_user(),
            **content,
        }

    async def _push(self, payload: dict[str, Any]) -> None:
        update = {"update_id": next(self._update_ids), **payload}
        if self.webhook_url:
            await self.post_to_webhook(update, self.webhook_secret)
            return
        async with self._changed:
            self._updates.append(update)
            self._changed.notify_all()

    async def post_to_webhook(self, update: dict[str, Any], secret: str | None) -> int:
        assert self.webhook_url
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
        async with ClientSession() as session:
            async with session.post(self.webhook_url, json=update, headers=headers) as answer:
                self.webhook_statuses.append(answer.status)
                return answer.status

    # -- what the test checks --------------------------------------------------------------

    def sent_to(self, chat_id: int) -> list[Call]:
        return [c for c in self.calls if c.method == "sendMessage" and c.chat_id == chat_id and c.result]

    async def wait_for(self, predicate: Callable[[list[Call]], bool], timeout: float = 20.0) -> list[Call]:
        """Wait until the recorded calls satisfy the predicate; fail with what was seen."""
        async def satisfied() -> None:
            async with self._changed:
                await self._changed.wait_for(lambda: predicate(self.calls))

        try:
            await asyncio.wait_for(satisfied(), timeout)
        except TimeoutError:
            seen = "\n".join(f"  {c.method} {c.params}" for c in self.calls[-15:])
            raise AssertionError(f"the bot did not do what was expected in {timeout} s; last calls:\n{seen}") from None
        return self.calls

    async def wait_for_texts(self, chat_id: int, count: int, timeout: float = 20.0) -> list[str]:
        await self.wait_for(lambda calls: len(self.sent_to(chat_id)) >= count, timeout)
        return [c.text for c in self.sent_to(chat_id)]

    # -- the Bot API ------------------------------------------------------------------------

    async def _method(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        params = {k: _decode(v) for k, v in (await request.post()).items() if isinstance(v, str)}
        if request.content_type == "application/json":
            params = await request.json()
        if method == "getUpdates":
            if not any(c.method == "getUpdates" for c in self.calls):
                await self._record(Call(method, params))  # once: the bot has started polling
            return web.json_response({"ok": True, "result": await self._get_updates(params)})
        call = Call(method, params)
        if method == "sendMessage" and self.throttle_next > 0:
            self.throttle_next -= 1
            await self._record(call)
            return web.json_response(
                {
                    "ok": False,
                    "error_code": 429,
                    "description": f"Too Many Requests: retry after {self.retry_after}",
                    "parameters": {"retry_after": self.retry_after},
                },
                status=429,
            )
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            await self._record(call)
            missing = {"ok": False, "error_code": 404, "description": "Not Found: method not found"}
            return web.json_response(missing, status=404)
        call.result = handler(params)
        await self._record(call)
        return web.json_response({"ok": True, "result": call.result})

    async def _record(self, call: Call) -> None:
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), 2.0)

        def pending() -> list[dict[str, Any]]:
            return [u for u in self._updates if u["update_id"] >= offset]

        async with self._changed:
            self._updates = pending()  # confirmed updates are forgotten, as Telegram does
            if not self._updates and timeout > 0:
                try:
                    await asyncio.wait_for(self._changed.wait_for(lambda: bool(pending())), timeout)
                except TimeoutError:
                    pass
            return pending()

    def _api_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return BOT_USER

    def _api_deleteWebhook(self, params: dict[str, Any]) -> bool:
        return True

    def _api_setWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook_url = str(params["url"])
        self.webhook_secret = params.get("secret_token")
        return True

    def _api_setMyCommands(self, params: dict[str, Any]) -> bool:
        return True

    def _api_sendChatAction(self, params: dict[str, Any]) -> bool:
        return True

    def _api_answerCallbackQuery(self, params: dict[str, Any]) -> bool:
        return True

    def _api_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": int(params["chat_id"]), "type": "private"},
            "from": BOT_USER,
            "text": params.get("text", ""),
        }

    def _api_copyMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"message_id": next(self._message_ids)}

    def _api_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._api_sendMessage(params)

    def _api_deleteMessage(self, params: dict[str, Any]) -> bool:
        self.deleted.add((int(params["chat_id"]), int(params["message_id"])))
        return True

    def _api_deleteMessages(self, params: dict[str, Any]) -> bool:
        for message_id in params.get("message_ids", []):
            self.deleted.add((int(params["chat_id"]), int(message_id)))
        return True
