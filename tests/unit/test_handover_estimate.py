"""The wait estimate: from waits people really had, scaled by staff on duty, or nothing."""

from __future__ import annotations

from handover.estimate import ObservedWait, minutes_for_place, wait_per_place_ms

NOW = 1_760_000_000_000
MINUTE = 60_000


def waited(minutes: float, *, place: int = 1, staff: int = 1, ago_minutes: int = 10) -> ObservedWait:
    return ObservedWait(NOW - ago_minutes * MINUTE, int(minutes * MINUTE), place, staff)


def test_the_median_of_recent_waits_sets_the_wait_per_place() -> None:
    observed = [waited(1), waited(2), waited(30)]  # one long night does not skew it
    per_place = wait_per_place_ms(observed, now_ms=NOW, window_ms=3 * 60 * MINUTE, staff_now=1)
    assert per_place == 2 * MINUTE
    assert minutes_for_place(3, per_place) == 6


def test_a_wait_at_a_later_place_counts_per_place() -> None:
    observed = [waited(6, place=3), waited(4, place=2), waited(2, place=1)]
    per_place = wait_per_place_ms(observed, now_ms=NOW, window_ms=3 * 60 * MINUTE, staff_now=1)
    assert per_place == 2 * MINUTE


def test_more_staff_on_duty_now_shortens_the_estimate() -> None:
    observed = [waited(4, staff=1)] * 3
    alone = wait_per_place_ms(observed, now_ms=NOW, window_ms=3 * 60 * MINUTE, staff_now=1)
    four = wait_per_place_ms(observed, now_ms=NOW, window_ms=3 * 60 * MINUTE, staff_now=4)
    assert (minutes_for_place(1, alone), minutes_for_place(1, four)) == (4, 1)


def test_too_few_or_too_old_observations_give_no_estimate() -> None:
    two = [waited(3), waited(5)]
    stale = [waited(3, ago_minutes=400)] * 5
    window = 3 * 60 * MINUTE
    assert wait_per_place_ms(two, now_ms=NOW, window_ms=window, staff_now=1) is None
    assert wait_per_place_ms(stale, now_ms=NOW, window_ms=window, staff_now=1) is None
    assert minutes_for_place(1, None) is None


def test_an_instant_pickup_still_promises_at_least_a_minute() -> None:
    observed = [waited(0)] * 3
    per_place = wait_per_place_ms(observed, now_ms=NOW, window_ms=3 * 60 * MINUTE, staff_now=1)
    assert minutes_for_place(1, per_place) == 1


def test_an_observed_wait_reads_back_from_its_redis_form() -> None:
    assert ObservedWait.parse(f"{NOW}|90000|2|3") == ObservedWait(NOW, 90000, 2, 3)
