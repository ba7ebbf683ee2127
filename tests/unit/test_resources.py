"""The helplines and chat hours a person is told about, and a coordinator's mistakes in them."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from flows.resources import DEFAULT_PATH, Resources, ResourcesError, load_resources

STOCKHOLM = ZoneInfo("Europe/Stockholm")
SHIPPED = DEFAULT_PATH.read_text(encoding="utf-8")


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM)


def variant(tmp_path: Path, old: str, new: str) -> Path:
    """The shipped file with one edit, as a coordinator might make it."""
    assert old in SHIPPED, f"the shipped file no longer contains {old!r}"
    path = tmp_path / "resources.yaml"
    path.write_text(SHIPPED.replace(old, new, 1), encoding="utf-8")
    return path


def load_variant(tmp_path: Path, old: str, new: str) -> Resources:
    return load_resources(variant(tmp_path, old, new))


def error_for(tmp_path: Path, old: str, new: str) -> str:
    with pytest.raises(ResourcesError) as caught:
        load_variant(tmp_path, old, new)
    return str(caught.value)


@pytest.fixture
def shipped() -> Resources:
    return load_resources()


# --- the shipped lines -------------------------------------------------------------------


def test_kvinnofridslinjen_is_told_as_name_and_number(shipped: Resources) -> None:
    assert shipped.placeholders()["kvinnofridslinjen"] == "Kvinnofridslinjen, 020-50 50 50"


def test_every_helpline_the_texts_use_has_a_name_and_number(shipped: Resources) -> None:
    texts = shipped.placeholders()
    for key in ("kvinnofridslinjen", "bris", "polisen", "brottsofferjouren", "sjalvmordslinjen",
                "vardguiden", "ratt_att_valja", "terrafem", "valj_att_sluta",
                "social_services", "social_emergency", "womens_shelter"):
        assert re.fullmatch(r".+, [0-9][0-9 -]*", texts[key]), key


def test_kvinnofridslinjen_is_free_always_open_with_interpreters(shipped: Resources) -> None:
    line = shipped.national["kvinnofridslinjen"]
    assert (line.always_open, line.free, line.languages) == (True, True, "many")


def test_bris_is_the_line_for_children(shipped: Resources) -> None:
    assert shipped.national["bris"].audience == "under_18"
    assert shipped.national["bris"].number == "116 111"


def test_the_professionals_only_honour_line_is_not_offered(shipped: Resources) -> None:
    numbers = {re.sub(r"\D", "", line.number) for line in shipped.national.values()}
    assert "0102235760" not in numbers
    assert shipped.national["ratt_att_valja"].audience == "honour"


def test_lines_open_all_hours_include_112_kvinnofridslinjen_and_bris(shipped: Resources) -> None:
    ids = [line.id for line in shipped.lines_24_7()]
    assert {"sos_alarm", "kvinnofridslinjen", "bris"} <= set(ids)
    assert "ratt_att_valja" not in ids  # open 07-21 only


def test_the_shipped_municipality_is_marked_as_a_fictional_example(shipped: Resources) -> None:
    assert shipped.municipality.example is True
    assert "Exempelkommun" in shipped.placeholders()["social_services"]


def test_a_line_unchecked_for_over_a_year_is_listed_for_reverification(tmp_path: Path) -> None:
    resources = load_variant(tmp_path, "audience: under_18\n    verified: 2025-01-01",
                             "audience: under_18\n    verified: 2023-01-01")
    assert [line.id for line in resources.lines_to_reverify(date(2025, 6, 1))] == ["bris"]


# --- chat hours --------------------------------------------------------------------------


def test_chat_is_open_on_a_tuesday_morning(shipped: Resources) -> None:
    assert shipped.chat_is_open(at(2026, 11, 24, 10))


def test_chat_is_closed_on_a_tuesday_evening_and_at_weekends(shipped: Resources) -> None:
    assert not shipped.chat_is_open(at(2026, 11, 24, 17))
    assert not shipped.chat_is_open(at(2026, 11, 28, 11))


def test_chat_opens_at_eight_and_closes_at_half_past_four(shipped: Resources) -> None:
    assert not shipped.chat_is_open(at(2026, 11, 24, 7, 59))
    assert shipped.chat_is_open(at(2026, 11, 24, 8, 0))
    assert shipped.chat_is_open(at(2026, 11, 24, 16, 29))
    assert not shipped.chat_is_open(at(2026, 11, 24, 16, 30))


def test_chat_is_closed_on_christmas_eve_though_it_is_a_thursday(shipped: Resources) -> None:
    assert not shipped.chat_is_open(at(2026, 12, 24, 10))


def test_a_utc_time_is_read_in_stockholm_time(shipped: Resources) -> None:
    assert shipped.chat_is_open(datetime(2026, 11, 24, 7, 30, tzinfo=ZoneInfo("UTC")))  # 08:30 CET


def test_after_friday_closing_the_next_opening_is_monday_morning(shipped: Resources) -> None:
    assert shipped.next_chat_opening(at(2026, 11, 27, 18)) == at(2026, 11, 30, 8)


def test_over_christmas_the_next_opening_skips_the_closed_days(shipped: Resources) -> None:
    assert shipped.next_chat_opening(at(2026, 12, 23, 17)) == at(2026, 12, 28, 8)


def test_next_opening_across_the_change_to_summer_time_is_eight_local(shipped: Resources) -> None:
    opening = shipped.next_chat_opening(at(2026, 3, 27, 20))
    assert opening == at(2026, 3, 30, 8)
    assert opening is not None and opening.utcoffset() == timedelta(hours=2)


def test_while_open_the_next_opening_is_now(shipped: Resources) -> None:
    now = at(2026, 11, 24, 10)
    assert shipped.next_chat_opening(now) == now


def test_a_chat_with_no_staffed_days_never_opens(tmp_path: Path) -> None:
    path = variant(tmp_path, 'mon: "08:00-16:30"\n    tue: "08:00-16:30"\n    wed: "08:00-16:30"\n'
                   '    thu: "08:00-16:30"\n    fri: "08:00-15:00"', "mon: closed")
    resources = load_resources(path)
    assert resources.next_chat_opening(at(2026, 11, 24, 10)) is None
    assert not resources.chat_is_open(at(2026, 11, 24, 10))


def test_split_days_are_open_in_both_periods_only(tmp_path: Path) -> None:
    resources = load_variant(tmp_path, 'mon: "08:00-16:30"', 'mon: "08:00-12:00, 13:00-16:30"')
    assert resources.chat_is_open(at(2026, 11, 23, 11))
    assert not resources.chat_is_open(at(2026, 11, 23, 12, 30))
    assert resources.next_chat_opening(at(2026, 11, 23, 12, 30)) == at(2026, 11, 23, 13)


def test_a_time_without_timezone_is_refused(shipped: Resources) -> None:
    with pytest.raises(ValueError, match="aware"):
        shipped.chat_is_open(datetime(2026, 11, 24, 10))


def test_a_local_number_typed_in_shows_up_in_the_texts(tmp_path: Path) -> None:
    resources = load_variant(tmp_path, '"000-000 00 01"', '"0771-11 22 33"')
    assert resources.placeholders()["social_emergency"] == (
        "Socialjouren i Exempelkommun, 0771-11 22 33"
    )


# --- a coordinator's mistakes, each named with where and how to fix ------------------------


def test_hours_written_as_8_16_are_refused_with_an_example(tmp_path: Path) -> None:
    message = error_for(tmp_path, 'mon: "08:00-16:30"', 'mon: "8-16"')
    expected = "municipality.chat_hours.mon: '8-16' is not HH:MM-HH:MM, write e.g. 08:00-16:30"
    assert expected in message
    assert message.startswith(str(tmp_path / "resources.yaml"))


def test_unquoted_hours_that_yaml_reads_as_a_number_ask_for_quotes(tmp_path: Path) -> None:
    message = error_for(tmp_path, 'sat: closed', 'sat: 10:00')
    assert "municipality.chat_hours.sat" in message and "in quotes" in message


def test_a_period_ending_before_it_starts_is_refused(tmp_path: Path) -> None:
    message = error_for(tmp_path, 'tue: "08:00-16:30"', 'tue: "16:30-08:00"')
    assert "chat_hours.tue: '16:30-08:00' ends before it starts" in message


def test_a_time_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    assert "does not exist" in error_for(tmp_path, 'wed: "08:00-16:30"', 'wed: "08:00-25:00"')


def test_a_removed_national_line_is_named(tmp_path: Path) -> None:
    shipped_block = SHIPPED.split("  kvinnofridslinjen:\n")[1].split("  bris:\n")[0]
    message = error_for(tmp_path, "  kvinnofridslinjen:\n" + shipped_block, "")
    assert "national: kvinnofridslinjen missing" in message


def test_a_line_without_number_is_named(tmp_path: Path) -> None:
    message = error_for(tmp_path, '    number: "116 111"\n', "")
    assert "national.bris.number: is missing" in message


def test_letters_in_a_phone_number_are_refused(tmp_path: Path) -> None:
    message = error_for(tmp_path, '"020-50 50 50"', '"020-50 50 5O"')
    assert "national.kvinnofridslinjen.number: '020-50 50 5O' is not a phone number" in message


def test_the_professionals_only_line_cannot_be_added(tmp_path: Path) -> None:
    message = error_for(tmp_path, '"020-52 10 10"', '"010-223 57 60"')
    assert "national.terrafem.number" in message and "professionals only" in message


def test_a_misspelt_field_is_named(tmp_path: Path) -> None:
    message = error_for(tmp_path, "    always_open: false\n    free: true\n    languages: [sv]\n"
                        "    audience: honour", "    alwaysopen: false\n    free: true\n"
                        "    languages: [sv]\n    audience: honour")
    assert "national.ratt_att_valja.alwaysopen: is not a field Tryggchatt knows" in message
    assert "national.ratt_att_valja.always_open: is missing" in message


def test_an_unknown_audience_lists_the_allowed_ones(tmp_path: Path) -> None:
    message = error_for(tmp_path, "audience: under_18", "audience: children")
    assert "national.bris.audience: 'children' must be one of" in message and "under_18" in message


def test_yes_for_free_must_be_true_or_false(tmp_path: Path) -> None:
    message = error_for(tmp_path, "    free: true        # also", '    free: "yes"       # also')
    assert "national.kvinnofridslinjen.free: 'yes' must be true or false" in message


def test_languages_must_be_codes_or_many(tmp_path: Path) -> None:
    message = error_for(tmp_path, "languages: many   # about 70", "languages: lots   # about 70")
    assert "national.terrafem.languages: 'lots' must be a list of language codes" in message


def test_an_unknown_timezone_is_refused(tmp_path: Path) -> None:
    message = error_for(tmp_path, "timezone: Europe/Stockholm", "timezone: Stockholm")
    assert "chat_hours.timezone: 'Stockholm' is not a known timezone" in message


def test_a_closed_date_in_another_format_asks_for_yyyy_mm_dd(tmp_path: Path) -> None:
    message = error_for(tmp_path, "- 2026-12-24", '- "24/12"')
    assert "chat_hours.closed_dates.0: '24/12' is not a date, write YYYY-MM-DD" in message


def test_broken_yaml_is_reported_with_the_file(tmp_path: Path) -> None:
    message = error_for(tmp_path, "national:\n", "national:\n  - [\n")
    assert "is not valid YAML" in message


def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ResourcesError, match="cannot be read"):
        load_resources(tmp_path / "nowhere.yaml")


def test_every_mistake_in_a_file_is_reported_at_once(tmp_path: Path) -> None:
    path = variant(tmp_path, 'mon: "08:00-16:30"', 'mon: "8-16"')
    text = path.read_text(encoding="utf-8").replace('"020-50 50 50"', '"ring oss"')
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ResourcesError) as caught:
        load_resources(path)
    assert "chat_hours.mon" in str(caught.value) and "kvinnofridslinjen.number" in str(caught.value)

