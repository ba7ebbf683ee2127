"""The web chat's outbox: every line the person sees goes into a per-session Redis stream.

Open sockets follow the stream (XREAD BLOCK) and a reconnecting page replays from the last id
it saw, so nothing is lost across reconnects, bot workers or console instances. The stream
has the session's TTL and is deleted with the session.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from flows.model import Action, DeleteHistory, Say, SetLanguage, SetQuiet
from flows.session import web_transcript_key

MAX_TRANSCRIPT = 1000


class WebOutbox:
    def __init__(self, redis: Redis, session: str, ttl_seconds: int) -> None:
        self._redis = redis
        self._key = web_transcript_key(session)
        self._ttl = ttl_seconds
        self.deleted = False
        # With Redis down, a page that is open still gets its texts (above all the emergency
        # text) straight over its socket; they just cannot be replayed later.
        self.on_redis_down: Callable[[dict[str, Any]], Awaitable[None]] | None = None
        # The person's own line waits here and goes into the transcript in the same round trip
        # as the first reply: right order, and not one extra wait before an emergency text.
        self._pending_mine: dict[str, str] | None = None

    async def add(self, entry: dict[str, str]) -> None:  # values are str, as Redis gives them back
        entries = [self._pending_mine, entry] if self._pending_mine else [entry]
        self._pending_mine = None
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                for item in entries:
                    pipe.xadd(self._key, dict(item), maxlen=MAX_TRANSCRIPT, approximate=True)  # type: ignore[arg-type]
                pipe.expire(self._key, self._ttl)
                await pipe.execute()
        except RedisError:
            if self.on_redis_down is None:
                raise
            for item in entries:
                await self.on_redis_down(as_client_message("", item))

    async def say(self, message: Say) -> None:
        buttons = [[{"label": b.label, "payload": b.payload} for b in row] for row in message.buttons]
        await self.add({
            "role": "bot",
            "text": message.text,
            "buttons": json.dumps(buttons, ensure_ascii=False),
            "urgent": "1" if message.urgent else "0",
        })

    def mine(self, text: str) -> None:
        """The person's own line (so a reloaded page shows the whole conversation): written
        together with the first reply, or by flush() if there is none."""
        self._pending_mine = {"role": "me", "text": text}

    async def flush(self) -> None:
        if self._pending_mine is not None:
            entry, self._pending_mine = self._pending_mine, None
            await self.add(entry)

    async def staff(self, text: str) -> None:
        await self.add({"role": "staff", "text": text})

    async def perform(self, actions: Sequence[Action]) -> None:
        for action in actions:
            if self.deleted:
                return  # quick exit: the page is gone; writing now would bring the transcript back
            match action:
                case Say():
                    await self.say(action)
                case SetLanguage():
                    await self.add({"role": "system", "kind": "language", "lang": action.lang,
                                    "rtl": "1" if action.rtl else "0"})
                case DeleteHistory():
                    self.deleted = True  # the page clears itself; the stream went with the session
                case SetQuiet():
                    pass


def as_client_message(entry_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    """The JSON a page receives for one transcript entry."""
    message: dict[str, Any] = {"id": entry_id, "role": fields.get("role", "bot")}
    if message["role"] == "system":
        message.update(kind=fields.get("kind"), lang=fields.get("lang"), rtl=fields.get("rtl") == "1")
        return message
    message["text"] = fields.get("text", "")
    if message["role"] == "bot":
        message["buttons"] = json.loads(fields.get("buttons") or "[]")
        message["urgent"] = fields.get("urgent") == "1"
    return message
