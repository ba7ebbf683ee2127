"""Anonymous statistics for the yearly report to the committee: counters per day, nothing else.

One Redis hash per calendar day (Swedish time), ``{hq}:stats:day:YYYY-MM-DD``, holding only
counters: no session, no time of day, no combination that points at one person. Kept 800 days
by default so last year's report can still be made; these are not session keys.

Who counts what (each fact once per conversation; the caller remembers what it counted, since
this module keeps no per-person state):
- flows: ``count_conversation`` when a conversation starts, ``count_danger`` when the assessed
  danger grows, ``count_young`` / ``count_children_affected`` when first learned.
- the handover queue: ``count_handover`` on enqueue, ``count_no_staff`` when nobody was on duty,
  and the wait of a ticket's first claim (inside the claim script, into ``day_key()``; the
  key shares the queue's hash tag for that, and the histogram comes from ``histogram_spec``).

Fields: conversations, lang:<code>, level:<concern|high|acute> (conversations that reached at
least that level), danger:<category>, young, children_affected, handovers,
handover_lang:<code>, handover_level:<level>, who_for:<x>, topic:<x>, need:<x>,
handover_refused_no_staff, handover_ended_no_staff, wait_count, wait_seconds_sum and the
wait histogram wait:<bucket>. The reader sums days into day, ISO week, month or year rows;
``to_csv`` writes them, showing counts 1–4 as "< 5" (``shown``).
"""

from __future__ import annotations

import csv
import io
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final, Literal, get_args
from zoneinfo import ZoneInfo

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from handover.scripts import require_decoded_responses
from handover.ticket import Need, Ticket, Topic, WhoFor
from nlu.types import DANGER_CATEGORIES, SUPPORTED_LANGUAGES, DangerAssessment, DangerLevel

Period = Literal["day", "week", "month", "year"]

SMALL_COUNT: Final = 5
# Upper bounds of the wait histogram in seconds; the last bucket takes everything longer.
WAIT_BUCKETS: Final = ((60, "wait:0-1min"), (300, "wait:1-5min"), (900, "wait:5-15min"),
                       (1800, "wait:15-30min"), (3600, "wait:30-60min"))
WAIT_LONGEST: Final = "wait:over-60min"
_LEVELS: Final = tuple(level for level in DangerLevel if level > DangerLevel.NONE)


def wait_bucket(seconds: float) -> str:
    for bound, name in WAIT_BUCKETS:
        if seconds < bound:
            return name
    return WAIT_LONGEST


def report_fields() -> list[str]:
    """Every known counter, in the column order of the CSV."""
    return [
        "conversations",
        *(f"lang:{code}" for code in SUPPORTED_LANGUAGES),
        *(f"level:{level.label}" for level in _LEVELS),
        *(f"danger:{category}" for category in DANGER_CATEGORIES),
        "young",
        "children_affected",
        "handovers",
        *(f"handover_lang:{code}" for code in SUPPORTED_LANGUAGES),
        *(f"handover_level:{level.label}" for level in DangerLevel),
        *(f"who_for:{value}" for value in get_args(WhoFor)),
        *(f"topic:{value}" for value in get_args(Topic)),
        *(f"need:{value}" for value in get_args(Need)),
        "handover_refused_no_staff",
        "handover_ended_no_staff",
        "wait_count",
        "wait_seconds_sum",
        *(name for _bound, name in WAIT_BUCKETS),
        WAIT_LONGEST,
    ]


def wait_counts(seconds: float) -> dict[str, int]:
    """The counters one observed wait adds."""
    # Rounded half up, as claim.lua does.
    return {"wait_count": 1, "wait_seconds_sum": int(seconds + 0.5), wait_bucket(seconds): 1}


def histogram_spec() -> str:
    """The histogram for claim.lua: 'bound|field|...|longest field' (seconds)."""
    parts = [f"{bound}|{name}" for bound, name in WAIT_BUCKETS]
    return "|".join([*parts, WAIT_LONGEST])


def shown(count: int) -> str:
    """A count as the report may show it: 1–4 hide as "< 5" so no one can be singled out."""
    return f"< {SMALL_COUNT}" if 0 < count < SMALL_COUNT else str(count)


@dataclass(frozen=True)
class StatsRow:
    period: str
    counts: Mapping[str, int]

    def wait_mean_minutes(self) -> float | None:
        waits = self.counts.get("wait_count", 0)
        if waits == 0:
            return None
        return self.counts.get("wait_seconds_sum", 0) / waits / 60


def period_label(day: date, period: Period) -> str:
    if period == "day":
        return day.isoformat()
    if period == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if period == "month":
        return f"{day.year}-{day.month:02d}"
    return str(day.year)


class Stats:
    def __init__(
        self,
        redis: Redis,
        *,
        ttl_days: int = 800,
        timezone: str = "Europe/Stockholm",
        clock: Callable[[], float] = time.time,
        key_prefix: str = "{hq}:",
    ) -> None:
        require_decoded_responses(redis)
        self._redis = redis
        self.ttl = ttl_days * 86400
        self._prefix = f"{key_prefix}stats:day:"
        self._zone = ZoneInfo(timezone)
        self._clock = clock

    def today(self) -> date:
        return datetime.fromtimestamp(self._clock(), self._zone).date()

    def day_key(self, day: date | None = None) -> str:
        return self._prefix + (day or self.today()).isoformat()

    def add_to(self, pipe: Pipeline, counts: Mapping[str, int]) -> None:
        """Queue the increments on a caller's pipeline (one round trip with other writes)."""
        key = self.day_key()
        for name, amount in counts.items():
            pipe.hincrby(key, name, amount)
        pipe.expire(key, self.ttl)

    async def _add(self, counts: Mapping[str, int]) -> None:
        pipe = self._redis.pipeline(transaction=False)
        self.add_to(pipe, counts)
        await pipe.execute()

    async def count_conversation(self, language: str) -> None:
        _check_language(language)
        await self._add({"conversations": 1, f"lang:{language}": 1})

    async def count_danger(self, before: DangerAssessment, after: DangerAssessment) -> None:
        """Count what is new in ``after``: levels first reached and categories first seen."""
        reached = [level for level in _LEVELS if before.level < level <= after.level]
        counts = {f"level:{level.label}": 1 for level in reached}
        for category in after.categories - before.categories:
            if category not in DANGER_CATEGORIES:
                raise ValueError(f"unknown danger category {category!r}")
            counts[f"danger:{category}"] = 1
        if counts:
            await self._add(counts)

    async def count_young(self) -> None:
        await self._add({"young": 1})

    async def count_children_affected(self) -> None:
        await self._add({"children_affected": 1})

    async def count_handover(self, ticket: Ticket) -> None:
        counts = Counter({
            "handovers": 1,
            f"handover_lang:{ticket.language}": 1,
            f"handover_level:{ticket.level.label}": 1,
            f"who_for:{ticket.card.who_for}": 1,
        })
        counts.update(f"topic:{topic}" for topic in ticket.card.topics)
        counts.update(f"need:{need}" for need in ticket.card.needs)
        await self._add(counts)

    async def count_no_staff(self, *, refused: int = 0, ended: int = 0) -> None:
        counts = {"handover_refused_no_staff": refused, "handover_ended_no_staff": ended}
        await self._add({name: amount for name, amount in counts.items() if amount})

    async def count_wait(self, seconds: float) -> None:
        await self._add(wait_counts(seconds))

    async def day(self, day: date) -> dict[str, int]:
        fields: dict[str, str] = await self._redis.hgetall(self.day_key(day))  # type: ignore[assignment]
        return {name: int(value) for name, value in fields.items()}

    async def rows(self, start: date, end: date, period: Period = "day") -> list[StatsRow]:
        """One row per day/week/month/year from start to end (inclusive), zeros included."""
        days = [start + timedelta(days=offset) for offset in range((end - start).days + 1)]
        pipe = self._redis.pipeline(transaction=False)
        for day in days:
            pipe.hgetall(self.day_key(day))
        replies: list[dict[str, str]] = await pipe.execute()
        totals: dict[str, Counter[str]] = {}
        for day, fields in zip(days, replies, strict=True):
            row = totals.setdefault(period_label(day, period), Counter())
            row.update({name: int(value) for name, value in fields.items()})
        return [StatsRow(period=label, counts=dict(counts)) for label, counts in totals.items()]


def to_csv(rows: Iterable[StatsRow], *, suppress_small: bool = True) -> str:
    rows = list(rows)
    # The wait sum is only there to make the mean; the mean column carries it.
    known = [name for name in report_fields() if name != "wait_seconds_sum"]
    extra = sorted({name for row in rows for name in row.counts} - set(report_fields()))
    columns = [*known, *extra]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["period", *columns, "wait_mean_minutes"])
    for row in rows:
        counts = [row.counts.get(name, 0) for name in columns]
        mean = row.wait_mean_minutes()
        few_waits = row.counts.get("wait_count", 0) < SMALL_COUNT
        # A mean over fewer than five people could give away one person's wait.
        mean_text = "" if mean is None or (suppress_small and few_waits) else f"{mean:.1f}"
        cells = [shown(n) if suppress_small else str(n) for n in counts]
        writer.writerow([row.period, *cells, mean_text])
    return out.getvalue()


def _check_language(language: str) -> None:
    if language not in SUPPORTED_LANGUAGES:
        raise ValueError(f"language {language!r} is not supported")
