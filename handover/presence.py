"""Who is on duty: staff mark themselves on and off, and a heartbeat keeps them on.

``{hq}:on_duty`` is a sorted set of staff id -> presence deadline. A console calls
``heartbeat`` every ~presence_seconds/3; a staff member whose deadline passed counts as gone at
once (``anyone_on_duty`` compares with now), and the housekeeping removes them for good.

When the last staff member leaves (``off_duty``, or heartbeats stop), every waiting ticket ends
with a ``no_staff`` notice to the person, so the bot can tell them at once and give the 24/7
lines; the enqueue script refuses new tickets in the same atomic way. See handover/queue.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

from handover.config import HandoverConfig, check_name
from handover.scripts import Scripts
from handover.stats import Stats


@dataclass(frozen=True)
class OffDutyResult:
    returned: list[str]
    """Conversations the leaving staff member held, now back in the queue."""
    no_staff: list[str]
    """Waiting tickets ended because nobody is on duty any more."""
    gone: list[str]
    """Staff who went off duty."""


def split_sections(reply: list[str]) -> list[list[str]]:
    """A Lua reply of lists separated by '|' (session names never contain one)."""
    sections: list[list[str]] = [[]]
    for item in reply:
        if item == "|":
            sections.append([])
        else:
            sections[-1].append(item)
    return sections


class Presence:
    def __init__(
        self,
        redis: Redis,
        config: HandoverConfig | None = None,
        *,
        stats: Stats | None = None,
    ) -> None:
        self._redis = redis
        self._config = config or HandoverConfig()
        self._scripts = Scripts(redis, self._config)
        self._stats = stats or Stats(redis, clock=self._config.clock,
                                     key_prefix=self._config.key_prefix)

    def _presence_ms(self) -> int:
        return int(self._config.presence_seconds * 1000)

    async def on_duty(self, staff: str) -> None:
        await self._scripts.run("on_duty", check_name(staff), self._presence_ms(), 0)

    async def heartbeat(self, staff: str) -> bool:
        """False if the staff member had already dropped off duty: call on_duty again."""
        kept = await self._scripts.run("on_duty", check_name(staff), self._presence_ms(), 1)
        return bool(kept)

    async def off_duty(self, staff: str) -> OffDutyResult:
        return await self._off_duty(check_name(staff))

    async def reap(self) -> OffDutyResult:
        """Drop staff whose heartbeat stopped; part of HandoverQueue.housekeeping."""
        return await self._off_duty("")

    async def _off_duty(self, staff: str) -> OffDutyResult:
        reply: list[str] = await self._scripts.run("off_duty", staff)
        returned, no_staff, gone = split_sections(reply)
        if no_staff:
            await self._stats.count_no_staff(ended=len(no_staff))
        return OffDutyResult(returned=returned, no_staff=no_staff, gone=gone)

    async def anyone_on_duty(self) -> bool:
        return await self.count_on_duty() > 0

    async def count_on_duty(self) -> int:
        now = self._config.now_ms()
        count: Any = await self._redis.zcount(self._config.on_duty_key, f"({now}", "+inf")
        return int(count)

    async def on_duty_staff(self) -> list[str]:
        now = self._config.now_ms()
        staff: Any = await self._redis.zrangebyscore(self._config.on_duty_key, f"({now}", "+inf")
        return list(staff)
