"""Statistics as the coordinator reads them: counters per day, summed per period."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import redis.asyncio as aioredis

from handover.config import ManualClock
from handover.stats import Stats
from nlu.types import DangerAssessment, DangerLevel

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def at(year: int, month: int, day: int, hour: int) -> ManualClock:
    return ManualClock(datetime(year, month, day, hour, tzinfo=STOCKHOLM).timestamp())


async def test_a_conversation_reaching_acute_counts_every_level_it_passed_once(
    redis: aioredis.Redis,
) -> None:
    clock = at(2025, 3, 10, 14)
    stats = Stats(redis, clock=clock)
    none = DangerAssessment()
    worried = DangerAssessment(DangerLevel.CONCERN, frozenset({"stalking_control"}))
    acute = DangerAssessment(DangerLevel.ACUTE, frozenset({"stalking_control", "strangulation"}))

    await stats.count_conversation("uk")
    await stats.count_danger(none, worried)
    await stats.count_danger(worried, acute)
    await stats.count_danger(acute, acute)  # said again: nothing new
    await stats.count_young()

    assert await stats.day(date(2025, 3, 10)) == {
        "conversations": 1,
        "lang:uk": 1,
        "level:concern": 1,
        "level:high": 1,
        "level:acute": 1,
        "danger:stalking_control": 1,
        "danger:strangulation": 1,
        "young": 1,
    }


async def test_a_late_evening_in_sweden_counts_on_that_swedish_day(redis: aioredis.Redis) -> None:
    clock = at(2025, 6, 30, 23)  # 21:00 UTC; still 30 June in Sweden
    stats = Stats(redis, clock=clock)
    await stats.count_conversation("sv")
    assert (await stats.day(date(2025, 6, 30)))["conversations"] == 1


async def test_days_add_up_to_weeks_and_months_with_empty_days_as_zero(
    redis: aioredis.Redis,
) -> None:
    clock = at(2025, 1, 30, 12)
    stats = Stats(redis, clock=clock)
    for language in ("ar", "ar", "so"):
        await stats.count_conversation(language)
    clock.advance(3 * 86400)  # 2 February
    await stats.count_conversation("ar")
    await stats.count_wait(200)
    await stats.count_children_affected()

    months = await stats.rows(date(2025, 1, 1), date(2025, 2, 28), "month")
    weeks = await stats.rows(date(2025, 1, 27), date(2025, 2, 9), "week")
    days = await stats.rows(date(2025, 1, 30), date(2025, 2, 2), "day")

    assert [(r.period, r.counts.get("lang:ar", 0)) for r in months] == [("2025-01", 2), ("2025-02", 1)]
    assert [(r.period, r.counts.get("conversations", 0)) for r in weeks] == [
        ("2025-W05", 4), ("2025-W06", 0),
    ]
    assert [r.counts.get("conversations", 0) for r in days] == [3, 0, 0, 1]
    assert days[-1].counts["wait:1-5min"] == 1 and days[-1].counts["children_affected"] == 1


async def test_statistics_live_long_but_not_forever(redis: aioredis.Redis) -> None:
    stats = Stats(redis, ttl_days=800, clock=ManualClock())
    await stats.count_conversation("fi")
    [key] = [key async for key in redis.scan_iter("*stats*")]
    assert 799 * 86400 < await redis.ttl(key) <= 800 * 86400
