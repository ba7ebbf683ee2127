"""A conversation's state in Redis, keyed by the session pseudonym, always with a TTL.

Keys (hash-tagged so one conversation's keys live in one Cluster slot):
- `conv:{<pseudonym>}:state`    JSON of Session
- `conv:{<pseudonym>}:msgs`     message ids shown on the person's device (for quick exit)
- `conv:{<pseudonym>}:web`      the web chat's transcript stream (replayed on reconnect)
Nothing here identifies a person: the pseudonym is an HMAC, the reply address is encrypted.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from typing import Literal

from redis.asyncio import Redis

from nlu.types import DangerAssessment, DangerLevel

State = Literal["intake", "talking", "waiting", "with_staff", "closed"]
# A question the bot asked and whose yes/no answer it is waiting for.
Awaiting = Literal["safe_to_write", "offer_human", "children"]


@dataclass
class Session:
    id: str
    channel: str
    state: State = "intake"
    lang: str | None = None
    lang_chosen: bool = False
    young: bool = False
    who: str | None = None
    level: int = int(DangerLevel.NONE)
    categories: list[str] = field(default_factory=list)
    awaiting: Awaiting | None = None
    asked_children: bool = False
    children_affected: bool = False
    offered_human_at_level: int = -1
    quiet: bool = False
    # Encrypted reply address (only bot/ can open it), so any bot worker can deliver replies.
    reply: str | None = None
    started_at: float = field(default_factory=time.time)
    # The intake card for staff: enumerated topics and needs from what was asked, no text.
    topics: list[str] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)
    safe_to_write: str = "unknown"

    @property
    def danger(self) -> DangerAssessment:
        return DangerAssessment(DangerLevel(self.level), frozenset(self.categories))

    def add_danger(self, assessment: DangerAssessment) -> None:
        self.level = max(self.level, int(assessment.level))
        self.categories = sorted(set(self.categories) | assessment.categories)


def state_key(session_id: str) -> str:
    return f"conv:{{{session_id}}}:state"


def messages_key(session_id: str) -> str:
    return f"conv:{{{session_id}}}:msgs"


def web_transcript_key(session_id: str) -> str:
    return f"conv:{{{session_id}}}:web"


class SessionStore:
    def __init__(self, redis: Redis, ttl_seconds: int) -> None:
        self._redis = redis
        self.ttl = ttl_seconds

    async def load(self, session_id: str) -> Session | None:
        raw = await self._redis.get(state_key(session_id))
        if raw is None:
            return None
        data = json.loads(raw)
        known = Session.__dataclass_fields__
        return Session(**{k: v for k, v in data.items() if k in known})

    async def save(self, session: Session) -> None:
        await self._redis.set(state_key(session.id), json.dumps(asdict(session)), ex=self.ttl)
        await self._redis.expire(messages_key(session.id), self.ttl)
        await self._redis.expire(web_transcript_key(session.id), self.ttl)

    async def remember_messages(self, session_id: str, message_ids: list[int]) -> None:
        if not message_ids:
            return
        key = messages_key(session_id)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.rpush(key, *message_ids)
            pipe.expire(key, self.ttl)
            await pipe.execute()

    async def message_ids(self, session_id: str) -> list[int]:
        return [int(m) for m in await self._redis.lrange(messages_key(session_id), 0, -1)]

    async def wipe(self, session_id: str) -> None:
        await self._redis.delete(state_key(session_id), messages_key(session_id), web_transcript_key(session_id))
