"""Audit log of staff actions: who claimed, took over, transferred, closed or handed back
which conversation (by pseudonym), and when. Never message content.

One Redis stream, ``{audit}:log``, trimmed by age (``retention_days``, default 365) on every
write and expiring as a whole if nothing is written for that long. Entries whose actor is not
a person (a lease that ran out) name the staff member who held the conversation.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final, Literal

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from handover.config import check_name, check_session
from handover.scripts import require_decoded_responses

AuditAction = Literal[
    "claimed",
    "took_over",
    "transferred",
    "closed",
    "returned_to_bot",
    "lease_expired",
    "released_off_duty",
]

AUDIT_KEY: Final = "{audit}:log"


@dataclass(frozen=True)
class AuditEntry:
    at: float
    staff: str
    action: AuditAction
    session: str
    to_staff: str | None = None


class Audit:
    def __init__(
        self,
        redis: Redis,
        *,
        retention_days: int = 365,
        clock: Callable[[], float] = time.time,
    ) -> None:
        require_decoded_responses(redis)
        self._redis = redis
        self._retention_ms = retention_days * 86400 * 1000
        self._clock = clock

    async def record(
        self, staff: str, action: AuditAction, session: str, *, to_staff: str | None = None
    ) -> None:
        pipe = self._redis.pipeline(transaction=False)
        self.add_to(pipe, staff, action, session, to_staff=to_staff)
        await pipe.execute()

    def add_to(
        self,
        pipe: Pipeline,
        staff: str,
        action: AuditAction,
        session: str,
        *,
        to_staff: str | None = None,
    ) -> None:
        """Queue the entry on a caller's pipeline (one round trip with other writes)."""
        check_name(staff)
        check_session(session)
        now_ms = int(self._clock() * 1000)
        fields: dict[str, str | int] = {"at": now_ms, "staff": staff, "action": action,
                                        "session": session}
        if to_staff is not None:
            fields["to"] = check_name(to_staff)
        pipe.xadd(AUDIT_KEY, fields, minid=now_ms - self._retention_ms, approximate=True)  # type: ignore[arg-type]
        pipe.pexpire(AUDIT_KEY, self._retention_ms)

    async def entries(self, start: float, end: float) -> list[AuditEntry]:
        """Entries written between two times (epoch seconds), oldest first."""
        reply: Any = await self._redis.xrange(
            AUDIT_KEY, min=str(int(start * 1000)), max=str(int(end * 1000))
        )
        return [
            AuditEntry(
                at=int(fields["at"]) / 1000,
                staff=fields["staff"],
                action=fields["action"],
                session=fields["session"],
                to_staff=fields.get("to"),
            )
            for _entry_id, fields in reply
        ]
