"""Joins the conversation (flows/) to the handover queue and relay: flows.ports, implemented.

The ticket is built here from the session: language, danger, flags and an intake card of
enumerated values. No reply address and no text goes into it.
"""

from __future__ import annotations

from typing import get_args

from redis.asyncio import Redis

from flows.ports import HandoverOutcome
from flows.session import Session, SessionStore
from handover.config import HandoverConfig
from handover.queue import HandoverQueue, QueuePosition
from handover.relay import Relay
from handover.stats import Stats
from handover.ticket import IntakeCard, Need, Ticket, Topic, WhoFor
from nlu.types import DEFAULT_LANGUAGE, DangerAssessment

_WHO_FOR: dict[str | None, WhoFor] = {"other": "someone_else"}


def intake_card(session: Session) -> IntakeCard:
    topics = set(session.topics)
    if session.who == "own_behaviour":
        topics.add("own_violence")
    return IntakeCard(
        who_for=_WHO_FOR.get(session.who, "self"),
        topics=frozenset(t for t in topics if t in get_args(Topic)),  # type: ignore[misc]
        needs=frozenset(n for n in session.needs if n in get_args(Need)),  # type: ignore[misc]
        safe_to_write="yes" if session.safe_to_write == "yes" else "no" if session.safe_to_write == "no" else "unknown",
    )


def ticket_for(session: Session) -> Ticket:
    return Ticket(
        session=session.id,
        language=session.lang or DEFAULT_LANGUAGE,
        danger=session.danger,
        young=session.young,
        children_affected=session.children_affected,
        card=intake_card(session),
    )


def outcome(status: str, position: QueuePosition | None) -> HandoverOutcome:
    if status == "no_staff":
        return HandoverOutcome("no_staff")
    place = position.place if position else 0
    minutes = position.estimate_minutes if position else None
    return HandoverOutcome("queued" if status == "queued" else "already", place, minutes)


class RedisHandover:
    def __init__(self, redis: Redis, store: SessionStore, *, session_ttl: int) -> None:
        self.config = HandoverConfig(session_ttl=session_ttl)
        self.stats = Stats(redis, clock=self.config.clock)
        self.queue = HandoverQueue(redis, self.config, stats=self.stats)
        self.relay = Relay(redis, self.config)
        self._store = store

    async def request(self, session: Session) -> HandoverOutcome:
        result = await self.queue.enqueue(ticket_for(session))
        return outcome(result.status, result.position)

    async def cancel(self, session_id: str) -> bool:
        return await self.queue.cancel(session_id)

    async def state(self, session_id: str) -> str | None:
        return await self.queue.state(session_id)

    async def relay_from_person(self, session_id: str, text: str) -> None:
        await self.relay.from_person(session_id, text)

    async def danger_rose(self, session: Session, assessment: DangerAssessment) -> None:
        await self.queue.reprioritise(session.id, session.danger.merged_with(assessment))

    async def forget(self, session_id: str) -> None:
        """Quick exit: the ticket, the conversation stream, everything of it goes."""
        await self.queue.close(session_id, None)
