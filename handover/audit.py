"""Audit log of staff actions: who claimed, took over, transferred, closed or handed back
which conversation (by pseudonym), and when. Never message content.

The queue's scripts write each entry in the same atomic step as the action, so the log and
the queue cannot disagree. ``record`` is for the console's own actions outside the queue.

One Redis stream, ``{hq}:audit``, trimmed by age (``HandoverConfig.audit_retention_days``,
default 365) on every write and expiring as a whole if nothing is written for that long.
An entry whose cause is not a person (a lease that ran out) names who held the conversation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from handover.config import HandoverConfig, check_name, check_session
from handover.scripts import require_decoded_responses

# Written by the scripts: claimed, took_over, transferred, closed, returned_to_bot,
# lease_expired, released_off_duty. The console may add its own (e.g. read_statistics).
AuditAction = str


@dataclass(frozen=True)
class AuditEntry:
    at: float
    staff: str
    action: AuditAction
    session: str
    to_staff: str | None = None


class Audit:
    def __init__(self, redis: Redis, config: HandoverConfig | None = None) -> None:
        require_decoded_responses(redis)
        self._redis = redis
        self._config = config or HandoverConfig()
        self._retention_ms = self._config.audit_retention_days * 86400 * 1000

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
        """Queue the entry on a caller's pipeline, fields as the scripts write them."""
        check_name(action, "audit action")
        now_ms = self._config.now_ms()
        fields = {
            "at": now_ms,
            "staff": check_name(staff),
            "action": action,
            "session": check_session(session),
            "to": check_name(to_staff) if to_staff is not None else "",
        }
        key = self._config.audit_key
        pipe.xadd(key, fields, minid=now_ms - self._retention_ms, approximate=True)  # type: ignore[arg-type]
        pipe.pexpire(key, self._retention_ms)

    async def entries(self, start: float, end: float) -> list[AuditEntry]:
        """Entries written between two times (epoch seconds), oldest first."""
        reply: Any = await self._redis.xrange(
            self._config.audit_key, min=str(int(start * 1000)), max=str(int(end * 1000))
        )
        return [
            AuditEntry(
                at=int(fields["at"]) / 1000,
                staff=fields["staff"],
                action=fields["action"],
                session=fields["session"],
                to_staff=fields.get("to") or None,
            )
            for _entry_id, fields in reply
        ]
