"""The ticket: ordered by danger then arrival, and holding nothing the person typed."""

from __future__ import annotations

import pytest

from handover.config import check_name, check_session
from handover.ticket import IntakeCard, Ticket, priority_score
from nlu.types import DangerAssessment, DangerLevel

NOW_MS = 1_760_000_000_000


def test_any_acute_ticket_sorts_before_a_high_one_that_waited_for_years() -> None:
    years_ago = NOW_MS - 5 * 365 * 86400 * 1000
    assert priority_score(DangerLevel.ACUTE, NOW_MS) < priority_score(DangerLevel.HIGH, years_ago)
    assert priority_score(DangerLevel.HIGH, NOW_MS) < priority_score(DangerLevel.CONCERN, years_ago)
    assert priority_score(DangerLevel.CONCERN, NOW_MS) < priority_score(DangerLevel.NONE, years_ago)


def test_within_a_level_the_one_waiting_longer_comes_first() -> None:
    assert priority_score(DangerLevel.HIGH, NOW_MS - 1) < priority_score(DangerLevel.HIGH, NOW_MS)


def test_the_largest_score_is_exact_as_a_redis_double() -> None:
    largest = priority_score(DangerLevel.NONE, NOW_MS * 2)
    assert float(largest) == largest and largest < 2**53


def test_a_ticket_survives_its_trip_through_redis_fields() -> None:
    ticket = Ticket(
        session="a1b2c3d4e5f6a7b8",
        language="bs",
        danger=DangerAssessment(DangerLevel.HIGH, frozenset({"honour_threat", "confinement"})),
        young=True,
        children_affected=False,
        card=IntakeCard(who_for="someone_else", relation="family",
                        topics=frozenset({"honour"}), needs=frozenset({"protected_identity"}),
                        safe_to_write="no"),
    )
    fields = dict(zip(
        ["lang", "level", "categories", "young", "children", "card"],
        [str(value) for value in ticket.script_args()],
        strict=True,
    ))
    fields |= {"session": ticket.session, "since": str(NOW_MS)}

    back = Ticket.from_fields(fields)

    assert back.card == ticket.card
    assert back.danger.categories == ticket.danger.categories
    assert (back.level, back.young, back.children_affected) == (DangerLevel.HIGH, True, False)
    assert back.since == NOW_MS / 1000


def test_the_intake_card_takes_no_free_text() -> None:
    with pytest.raises(ValueError, match="topic"):
        IntakeCard(topics=frozenset({"he hits me when he drinks"}))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="who_for"):
        IntakeCard(who_for="my sister Amina")  # type: ignore[arg-type]


def test_a_ticket_refuses_unknown_languages_and_categories() -> None:
    with pytest.raises(ValueError, match="language"):
        Ticket(session="a1b2c3d4e5f6a7b8", language="de")
    with pytest.raises(ValueError, match="categories"):
        Ticket(session="a1b2c3d4e5f6a7b8", language="sv",
               danger=DangerAssessment(DangerLevel.HIGH, frozenset({"his name is Erik"})))


@pytest.mark.parametrize("session", ["short", "has space in it", "{hq}:waiting", "a" * 129,
                                     "+46701234567xx"])
def test_a_session_name_that_could_break_out_of_its_key_is_refused(session: str) -> None:
    with pytest.raises(ValueError):
        check_session(session)


def test_staff_ids_are_plain_names() -> None:
    assert check_name("anna.svensson@eslov") == "anna.svensson@eslov"
    with pytest.raises(ValueError):
        check_name("anna|bo")
