"""The consoles' event stream ``{hq}:events``: what changed in the queue, newest last.

Types: queue_changed, alert (danger rose, or an acute ticket arrived), claimed, released
(back in the queue: lease_expired | off_duty), closed (closed | returned_to_bot | user_left |
cancelled), no_staff, transferred (transfer | take_over), on_duty, off_duty.

Every console instance reads all of it (no consumer group) and replays from the last id it saw.
Events are trimmed by age (``HandoverConfig.events_retention``); a reader that was away longer
rebuilds its view from ``HandoverQueue.waiting()`` and ``live()``. The bot does not read events:
everything the person must be told reaches it through the relay (see handover/relay.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from redis.asyncio import Redis

from handover.config import HandoverConfig
from handover.scripts import require_decoded_responses


@dataclass(frozen=True)
class Event:
    id: str
    type: str
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def session(self) -> str | None:
        return self.fields.get("session")


class Events:
    def __init__(self, redis: Redis, config: HandoverConfig | None = None) -> None:
        require_decoded_responses(redis)
        self._redis = redis
        self._config = config or HandoverConfig()

    async def read(self, after: str = "0", *, block_ms: int | None = None,
                   count: int = 500) -> list[Event]:
        """Events after the id ``after`` ("0": all kept; "$": only new ones, with block_ms)."""
        reply: Any = await self._redis.xread(
            {self._config.events_key: after}, count=count, block=block_ms
        )
        events: list[Event] = []
        for _stream, entries in reply or []:
            for entry_id, fields in entries:
                kind = fields.pop("type", "")
                events.append(Event(id=entry_id, type=kind, fields=fields))
        return events

    async def last_id(self) -> str:
        """Where a reader starting now should begin, to see only what comes next."""
        info: Any = await self._redis.xrevrange(self._config.events_key, count=1)
        return str(info[0][0]) if info else "0"
