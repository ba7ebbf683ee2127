"""The handover queue: from the bot to the social worker on duty, the most dangerous first.

    queue = HandoverQueue(redis, config)           # redis made with decode_responses=True
    result = await queue.enqueue(ticket)           # queued(position) | already | no_staff
    ticket = await queue.claim_next("anna")        # console: the most urgent waiting ticket
    await queue.renew("anna", ticket.session)      # console: every ~lease/3 while it is open
    await queue.close(ticket.session, "anna")      # ends it and deletes every key of it
    await queue.housekeeping()                     # any instance, every few seconds:
                                                   # run keep_house() as a task for that

Order: danger level (acute, high, concern, none), then the longest waiting first; the score
is ``ticket.priority_score``. Every change is one Lua script (handover/lua/), so a ticket has
one owner at a time and is never lost between two steps.

Leases: a claim holds for ``lease_seconds``; ``{hq}:claimed`` is scored by the deadline and
``housekeeping`` returns tickets whose console stopped renewing to the queue with their original
priority (level and arrival time), messages intact. Keyspace expiry events are not used: they
come late.

The person is told through the relay (handover/relay.py), in order with staff messages:
``staff_joined``, ``staff_changed``, ``back_in_queue``, ``position`` (place and estimate, when
the place changes; sent by ``housekeeping``), ``closed``, ``returned_to_bot`` and ``no_staff``.
``enqueue`` itself returns the first place, for the bot to say at once.

``state(session)`` tells the bot whether to answer: "waiting" (bot still answers and can relay),
"with_staff" (the bot stays silent and relays), None (no handover).

Each staff action writes its audit entry in the same script (handover/audit.py); counts go
to the statistics (handover/stats.py), a claim's wait from inside the claim script.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, Literal

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

from handover.audit import Audit
from handover.config import HandoverConfig, check_name, check_session
from handover.estimate import ObservedWait, minutes_for_place, wait_per_place_ms
from handover.presence import OffDutyResult, Presence, split_sections
from handover.scripts import Scripts
from handover.stats import Stats, histogram_spec
from handover.ticket import Ticket, categories_field, pairs
from nlu.types import DangerAssessment

SessionState = Literal["waiting", "with_staff"]

log = structlog.get_logger("handover.queue")


@dataclass(frozen=True)
class QueuePosition:
    session: str
    place: int
    """1 = next in line."""
    estimate_minutes: int | None
    """None when there is no honest basis yet; see handover/estimate.py."""
    staff_on_duty: int


@dataclass(frozen=True)
class EnqueueResult:
    status: Literal["queued", "already", "no_staff"]
    position: QueuePosition | None = None
    """Where the person is, when queued or already waiting."""
    state: SessionState | None = None


@dataclass(frozen=True)
class LiveConversation:
    ticket: Ticket
    staff: str
    claimed_at: float
    lease_until: float


@dataclass(frozen=True)
class HousekeepingReport:
    returned: list[str]
    """Back in the queue: their console stopped renewing."""
    no_staff: list[str]
    """Ended: nobody on duty any more."""
    staff_gone: list[str]
    told_position: int


def _state(raw: str | None) -> SessionState | None:
    if raw == "waiting":
        return "waiting"
    if raw == "claimed":
        return "with_staff"
    return None


class HandoverQueue:
    def __init__(
        self,
        redis: Redis,
        config: HandoverConfig | None = None,
        *,
        stats: Stats | None = None,
        audit: Audit | None = None,
    ) -> None:
        self._redis = redis
        self._config = config or HandoverConfig()
        self._scripts = Scripts(redis, self._config)
        # The claim script writes the wait into today's statistics key: same hash tag.
        self._stats = stats or Stats(redis, clock=self._config.clock,
                                     key_prefix=self._config.key_prefix)
        self.audit = audit or Audit(redis, self._config)
        self.presence = Presence(redis, self._config, stats=self._stats)

    @property
    def _lease_ms(self) -> int:
        return int(self._config.lease_seconds * 1000)

    # --- the person's side (called by the bot) ---

    async def enqueue(self, ticket: Ticket) -> EnqueueResult:
        reply: list[Any] = await self._scripts.run(
            "enqueue", ticket.session, *ticket.script_args()
        )
        status = reply[0]
        if status == "no_staff":
            await self._stats.count_no_staff(refused=1)
            return EnqueueResult(status="no_staff")
        if status == "queued":
            await self._stats.count_handover(ticket)
            position = await self._position_at(ticket.session, int(reply[1]))
            return EnqueueResult(status="queued", position=position, state="waiting")
        place = int(reply[2])
        current = await self._position_at(ticket.session, place) if place else None
        return EnqueueResult(status="already", position=current, state=_state(reply[1]))

    async def position(self, session: str) -> QueuePosition | None:
        rank: Any = await self._redis.zrank(self._config.waiting_key, check_session(session))
        if rank is None:
            return None
        return await self._position_at(session, int(rank) + 1)

    async def cancel(self, session: str) -> bool:
        """The person stops waiting. False if they were not waiting (with staff: use close)."""
        reply: list[str] = await self._scripts.run(
            "close", check_session(session), "", "cancelled", 1
        )
        return reply[0] == "closed"

    async def state(self, session: str) -> SessionState | None:
        raw: Any = await self._redis.hget(self._config.ticket_key(check_session(session)), "state")
        return _state(raw)

    async def reprioritise(self, session: str, assessment: DangerAssessment) -> bool:
        """Raise the ticket's danger (never lower it) and alert the consoles. False: no change."""
        reply: list[Any] = await self._scripts.run(
            "reprioritise",
            check_session(session),
            int(assessment.level),
            categories_field(assessment.categories),
        )
        return bool(reply[0])

    # --- the staff's side (called by the console) ---

    async def claim_next(self, staff: str) -> Ticket | None:
        """The most urgent waiting ticket, now this staff member's; None if none or off duty."""
        return await self._claim(check_name(staff), "", take_over=False)

    async def claim(self, staff: str, session: str, *, take_over: bool = False) -> Ticket | None:
        """A particular ticket. take_over: also from another staff member (a supervisor;
        the console checks the role)."""
        return await self._claim(check_name(staff), check_session(session), take_over=take_over)

    async def _claim(self, staff: str, session: str, *, take_over: bool) -> Ticket | None:
        reply: list[Any] = await self._scripts.run(
            "claim",
            staff,
            session,
            int(take_over),
            self._lease_ms,
            self._config.recent_waits_kept,
            self._config.estimate_window * 1000,
            self._stats.day_key(),
            self._stats.ttl,
            histogram_spec(),
        )
        if reply[0] not in ("claimed", "already_yours", "taken_over"):
            return None
        return Ticket.from_fields(pairs(reply[1:]))

    async def renew(self, staff: str, session: str) -> bool:
        renewed = await self._scripts.run(
            "renew", check_name(staff), check_session(session), self._lease_ms
        )
        return bool(renewed)

    async def transfer(self, session: str, from_staff: str, to_staff: str) -> bool:
        """To another staff member on duty; False if from_staff does not hold it."""
        result = await self._scripts.run(
            "transfer", check_session(session), check_name(from_staff), check_name(to_staff),
            self._lease_ms,
        )
        return bool(result == "ok")

    async def return_to_bot(self, session: str, staff: str) -> bool:
        """Staff hand the person back to the bot; the handover part of it is deleted."""
        return await self._close(session, staff, "returned_to_bot")

    async def close(self, session: str, staff: str | None) -> bool:
        """End the conversation and delete its keys. staff None: the person left (quick exit),
        and nothing not yet sent to them is sent. With staff: only the holder may close, and
        their last messages and a ``closed`` notice still reach the person."""
        if staff is None:
            return await self._close(session, "", "user_left")
        return await self._close(session, staff, "closed")

    async def _close(
        self, session: str, staff: str, reason: Literal["closed", "returned_to_bot", "user_left"]
    ) -> bool:
        if staff:
            check_name(staff)
        reply: list[str] = await self._scripts.run(
            "close", check_session(session), staff, reason, 0
        )
        return reply[0] == "closed"

    async def waiting(self) -> list[Ticket]:
        """Waiting tickets, the most urgent first."""
        sessions: Any = await self._redis.zrange(self._config.waiting_key, 0, -1)
        return [ticket for ticket, _ in await self._tickets(list(sessions))]

    async def live(self) -> list[LiveConversation]:
        """Conversations staff hold now."""
        claimed: Any = await self._redis.zrange(self._config.claimed_key, 0, -1, withscores=True)
        deadlines = {session: float(score) for session, score in claimed}
        return [
            LiveConversation(
                ticket=ticket,
                staff=fields["staff"],
                claimed_at=int(fields["claimed_at"]) / 1000,
                lease_until=deadlines[ticket.session] / 1000,
            )
            for ticket, fields in await self._tickets(list(deadlines))
            if fields.get("state") == "claimed"
        ]

    async def _tickets(self, sessions: list[str]) -> list[tuple[Ticket, dict[str, str]]]:
        pipe = self._redis.pipeline(transaction=False)
        for session in sessions:
            pipe.hgetall(self._config.ticket_key(session))
        found: list[dict[str, str]] = await pipe.execute()
        # A ticket can expire or close between the two reads; skip those.
        return [(Ticket.from_fields(fields), fields) for fields in found if fields]

    # --- housekeeping (any instance, every few seconds) ---

    async def reap_expired_leases(self) -> list[str]:
        returned, _no_staff = await self._reap_leases()
        return returned

    async def _reap_leases(self) -> tuple[list[str], list[str]]:
        reply: list[str] = await self._scripts.run("reap_leases")
        pairs_part, no_staff = split_sections(reply)
        returned = pairs_part[::2]  # (session, staff) pairs; the script wrote the audit
        if no_staff:
            await self._stats.count_no_staff(ended=len(no_staff))
        return returned, no_staff

    async def housekeeping(self) -> HousekeepingReport:
        """Return lapsed leases, drop staff whose heartbeat stopped (ending waiting tickets if
        nobody is left), keep waiting tickets alive and tell people whose place changed."""
        returned, no_staff = await self._reap_leases()
        gone: OffDutyResult = await self.presence.reap()
        per_place = await self._wait_per_place_ms()
        told = await self._scripts.run("announce", -1 if per_place is None else per_place)
        return HousekeepingReport(
            returned=returned,
            no_staff=no_staff + gone.no_staff,
            staff_gone=gone.gone,
            told_position=int(told),
        )

    async def keep_house(self, every: float = 5.0) -> None:
        """Run ``housekeeping`` every few seconds until the task is cancelled. Any number of
        instances may run it at once; a failed round (Redis away) is retried on the next."""
        while True:
            try:
                await self.housekeeping()
            except RedisError as error:
                log.warning("handover_housekeeping_failed", error=type(error).__name__)
            await asyncio.sleep(every)

    # --- the wait estimate ---

    async def _estimate_basis(self) -> tuple[int | None, int]:
        now = self._config.now_ms()
        pipe = self._redis.pipeline(transaction=False)
        pipe.lrange(self._config.recent_waits_key, 0, -1)
        pipe.zcount(self._config.on_duty_key, f"({now}", "+inf")
        entries, staff = await pipe.execute()
        per_place = wait_per_place_ms(
            (ObservedWait.parse(entry) for entry in entries),
            now_ms=now,
            window_ms=self._config.estimate_window * 1000,
            staff_now=int(staff),
        )
        return per_place, int(staff)

    async def _wait_per_place_ms(self) -> int | None:
        per_place, _staff = await self._estimate_basis()
        return per_place

    async def _position_at(self, session: str, place: int) -> QueuePosition:
        per_place, staff = await self._estimate_basis()
        return QueuePosition(
            session=session,
            place=place,
            estimate_minutes=minutes_for_place(place, per_place),
            staff_on_duty=staff,
        )
