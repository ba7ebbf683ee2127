"""An honest estimate of how long a waiting person will wait, or none when there is no basis.

What it uses: the last waits people actually went through (``{hq}:recent_waits``: when the
ticket was claimed, how long it had waited, at which place it had entered the queue, how many
staff were on duty; no session) and how many staff are on duty now.

How: each observed wait is turned into staff-minutes per place in the queue
(wait / place at arrival × staff on duty then). The median of those, divided by the staff on
duty now, is the expected wait per place; a person at place p is told p times that, rounded up
to whole minutes, at least 1. The median keeps one long night from skewing it.

When it says nothing: with fewer than three waits observed within ``estimate_window`` (the
start of a shift, a quiet week) there is no honest number, and the person is told only their
place. It is an estimate from the recent past; a sudden acute case moves people back.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from statistics import median

MIN_OBSERVATIONS = 3


@dataclass(frozen=True)
class ObservedWait:
    claimed_at_ms: int
    wait_ms: int
    entered_at_place: int
    staff_on_duty: int

    @classmethod
    def parse(cls, entry: str) -> ObservedWait:
        claimed_at, wait, place, staff = entry.split("|")
        return cls(int(claimed_at), int(wait), int(place), int(staff))


def wait_per_place_ms(
    observed: Iterable[ObservedWait], *, now_ms: int, window_ms: int, staff_now: int
) -> int | None:
    """Expected wait per place in the queue, whole ms (announce.lua computes with it too)."""
    recent = [o for o in observed if now_ms - o.claimed_at_ms <= window_ms]
    if len(recent) < MIN_OBSERVATIONS or staff_now < 1:
        return None
    staff_ms_per_place = [
        o.wait_ms / max(1, o.entered_at_place) * max(1, o.staff_on_duty) for o in recent
    ]
    return round(median(staff_ms_per_place) / staff_now)


def minutes_for_place(place: int, per_place_ms: int | None) -> int | None:
    """Same rounding as announce.lua, so a told estimate matches what position() says."""
    if per_place_ms is None:
        return None
    return max(1, math.ceil(place * per_place_ms / 60000))
