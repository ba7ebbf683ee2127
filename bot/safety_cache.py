"""What the instant emergency path must know without asking Redis: per pseudonym, the
conversation's language, young-person mode and danger so far. In process memory only,
bounded, and forgotten after the session TTL — it holds no text and no identifier."""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass

from nlu.types import NO_DANGER, DangerAssessment


@dataclass(frozen=True)
class Known:
    lang: str
    young: bool = False
    danger: DangerAssessment = NO_DANGER
    quiet: bool = False
    stored_at: float = 0.0


class SafetyCache:
    def __init__(self, ttl_seconds: float, max_entries: int = 50_000) -> None:
        self._ttl = ttl_seconds
        self._max = max_entries
        self._entries: OrderedDict[str, Known] = OrderedDict()

    def get(self, session: str) -> Known | None:
        known = self._entries.get(session)
        if known is None or time.monotonic() - known.stored_at > self._ttl:
            self._entries.pop(session, None)
            return None
        return known

    def put(self, session: str, lang: str, young: bool, danger: DangerAssessment, quiet: bool = False) -> None:
        self._entries[session] = Known(lang, young, danger, quiet, time.monotonic())
        self._entries.move_to_end(session)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)

    def forget(self, session: str) -> None:
        self._entries.pop(session, None)
