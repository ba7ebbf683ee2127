"""What the conversation needs from the handover side, as small protocols.

flows/ decides; handover/ (Redis queue, relay, statistics) carries out. The adapter that joins
them lives in handover/bridge.py, so flows can be tested with simple fakes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from flows.session import Session
from nlu.types import DangerAssessment


@dataclass(frozen=True)
class HandoverOutcome:
    status: Literal["queued", "no_staff", "already"]
    position: int = 0
    # None when there is no honest basis for an estimate yet: then only the place is told.
    minutes: int | None = None


class Handover(Protocol):
    async def request(self, session: Session) -> HandoverOutcome: ...
    async def cancel(self, session_id: str) -> bool: ...
    async def state(self, session_id: str) -> str | None: ...
    async def relay_from_person(self, session_id: str, text: str) -> None: ...
    async def danger_rose(self, session: Session, assessment: DangerAssessment) -> None: ...
    async def forget(self, session_id: str) -> None: ...


class Statistics(Protocol):
    """Aggregate counters only: never a per-person record (handover.stats.Stats)."""

    async def count_conversation(self, language: str) -> None: ...
    async def count_danger(self, before: DangerAssessment, after: DangerAssessment) -> None: ...
    async def count_young(self) -> None: ...
    async def count_children_affected(self) -> None: ...
