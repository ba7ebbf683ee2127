"""The statistics report: periods, histogram buckets and hiding counts that could single out."""

from __future__ import annotations

import csv
import io
from datetime import date

from handover.stats import StatsRow, period_label, report_fields, shown, to_csv, wait_bucket


def test_counts_from_one_to_four_are_shown_as_fewer_than_five() -> None:
    assert [shown(n) for n in (0, 1, 4, 5, 130)] == ["0", "< 5", "< 5", "5", "130"]


def test_days_fall_into_iso_weeks_months_and_years() -> None:
    new_years_eve = date(2024, 12, 31)  # a Tuesday in ISO week 1 of 2025
    assert period_label(new_years_eve, "day") == "2024-12-31"
    assert period_label(new_years_eve, "week") == "2025-W01"
    assert period_label(new_years_eve, "month") == "2024-12"
    assert period_label(new_years_eve, "year") == "2024"


def test_waits_fall_into_their_histogram_bucket() -> None:
    assert wait_bucket(0) == "wait:0-1min"
    assert wait_bucket(59.9) == "wait:0-1min"
    assert wait_bucket(60) == "wait:1-5min"
    assert wait_bucket(3599) == "wait:30-60min"
    assert wait_bucket(7200) == "wait:over-60min"


def test_the_csv_has_every_language_and_category_and_hides_small_counts() -> None:
    rows = [
        StatsRow("2025-03", {"conversations": 41, "lang:ar": 3, "danger:strangulation": 7,
                             "wait_count": 3, "wait_seconds_sum": 600}),
        StatsRow("2025-04", {"conversations": 12, "wait_count": 6, "wait_seconds_sum": 1800}),
    ]

    table = list(csv.DictReader(io.StringIO(to_csv(rows))))

    assert set(table[0]) >= {"lang:ti", "lang:bs", "danger:child_witness", "wait:over-60min"}
    assert (table[0]["conversations"], table[0]["lang:ar"], table[0]["lang:sv"]) == ("41", "< 5", "0")
    assert table[0]["danger:strangulation"] == "7"
    assert table[0]["wait_mean_minutes"] == ""  # a mean over three people is not shown
    assert table[1]["wait_mean_minutes"] == "5.0"
    assert "wait_seconds_sum" not in table[0]


def test_the_unsuppressed_csv_is_for_internal_checks_only() -> None:
    row = StatsRow("2025-03-01", {"lang:ar": 3, "wait_count": 1, "wait_seconds_sum": 60})
    [line] = list(csv.DictReader(io.StringIO(to_csv([row], suppress_small=False))))
    assert (line["lang:ar"], line["wait_mean_minutes"]) == ("3", "1.0")


def test_a_counter_unknown_to_this_version_still_reaches_the_report() -> None:
    row = StatsRow("2025", {"some_future_counter": 9})
    header = to_csv([row]).splitlines()[0].split(",")
    assert header[-2:] == ["some_future_counter", "wait_mean_minutes"]
    assert "conversations" in report_fields()
