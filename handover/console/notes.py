"""Private notes a social worker keeps during a conversation; never sent to the person.

One Redis list per conversation, ``{hq}:note:<session>``: in the handover's slot, with the
session TTL, and deleted when the conversation closes, returns to the bot or the person leaves
(the console deletes it itself and again on the ``closed`` event). Whoever holds the
conversation reads them, so a colleague it is transferred to sees them too.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from redis.asyncio import Redis

from handover.config import HandoverConfig, check_session

MAX_NOTE_CHARS: Final = 2000
MAX_NOTES: Final = 200


@dataclass(frozen=True)
class Note:
    staff: str
    at: float
    text: str


class Notes:
    def __init__(
        self, redis: Redis, config: HandoverConfig, clock: Callable[[], float] = time.time
    ) -> None:
        self._redis = redis
        self._config = config
        self._clock = clock

    def key(self, session: str) -> str:
        return f"{self._config.key_prefix}note:{check_session(session)}"

    async def add(self, session: str, staff: str, text: str) -> Note:
        note = Note(staff=staff, at=self._clock(), text=text.strip()[:MAX_NOTE_CHARS])
        entry = json.dumps({"staff": note.staff, "at": note.at, "text": note.text})
        pipe = self._redis.pipeline(transaction=True)
        pipe.rpush(self.key(session), entry)
        pipe.ltrim(self.key(session), -MAX_NOTES, -1)
        pipe.expire(self.key(session), self._config.session_ttl)
        await pipe.execute()
        return note

    async def list(self, session: str) -> list[Note]:
        entries: Any = await self._redis.lrange(self.key(session), 0, -1)
        return [Note(**json.loads(entry)) for entry in entries]

    async def keep(self, session: str) -> None:
        """While the conversation is held, its notes live as long as its other keys."""
        await self._redis.expire(self.key(session), self._config.session_ttl)

    async def forget(self, session: str) -> None:
        await self._redis.delete(self.key(session))
