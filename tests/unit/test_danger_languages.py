"""How the shipped lexicons judge single messages in en, sv, ar, fa, so and ti.

Messages are written the way people write in a chat (no diacritics, dialect, Latin-script
Arabic/Persian/Tigrinya); none of them is a copy of a lexicon pattern.
"""

from __future__ import annotations

import pytest

from nlu.danger import assess
from nlu.types import DangerLevel

ACUTE, HIGH, NONE = DangerLevel.ACUTE, DangerLevel.HIGH, DangerLevel.NONE


def level_of(text: str) -> DangerLevel:
    return assess(text).level


def test_threat_to_kill_in_english_is_acute() -> None:
    assessment = assess("he texted me that he's going to kill me tonight")
    assert assessment.level is ACUTE
    assert "threat_to_kill" in assessment.categories
    assert "en" in assessment.matched_languages


def test_choking_in_english_is_acute_even_once_and_in_the_past() -> None:
    assert level_of("last summer he choked me once, just for a second") is ACUTE


def test_past_hitting_in_english_is_high() -> None:
    assert level_of("my boyfriend has slapped me a couple of times") is HIGH


@pytest.mark.parametrize(
    "text",
    ["this commute is killing me", "lol i'm dying of laughter", "is there a killer app for notes"],
)
def test_english_idioms_are_not_danger(text: str) -> None:
    assert level_of(text) is NONE


def test_strangling_in_swedish_without_diacritics_is_acute() -> None:
    assert level_of("han strypte mig igar tills jag inte kunde andas") is ACUTE


def test_threat_to_kill_in_swedish_youth_spelling_is_acute() -> None:
    assert level_of("han sa att han ska doda mej om ja gar till polisen") is ACUTE


def test_past_violence_in_swedish_is_high() -> None:
    assert level_of("min sambo har knuffat och slagit mig flera ganger") is HIGH


@pytest.mark.parametrize("text", ["plugget dödar mig", "jag dog av skratt", "vad är kontaktförbud?"])
def test_swedish_idioms_and_questions_are_not_danger(text: str) -> None:
    assert level_of(text) is NONE


def test_hitting_now_in_levantine_arabic_is_acute() -> None:
    assert level_of("زوجي عم يضربني هلق") is ACUTE


def test_threat_to_kill_in_arabizi_is_acute() -> None:
    assert level_of("2al ra7 y2telni iza tla3et mn el bet") is ACUTE


def test_past_beating_in_arabic_is_high() -> None:
    assert level_of("ابوي بيضربني كل ما يعصب") is HIGH


def test_arabic_love_idiom_with_dying_is_not_danger() -> None:
    assert level_of("بموت فيكي") is NONE


def test_threat_to_kill_in_persian_is_acute() -> None:
    assert level_of("شوهرم گفت اگه برم پیش پلیس میکشمت") is ACUTE


def test_strangling_in_finglish_is_acute() -> None:
    assert level_of("dishab khafam kard") is ACUTE


def test_beating_in_persian_is_high() -> None:
    assert level_of("وقتی عصبانی میشه کتکم میزنه") is HIGH


@pytest.mark.parametrize("text", ["این امتحان داره منو میکشه", "بابام سیگار میکشه", "از خنده مردم"])
def test_persian_idioms_with_kill_and_die_are_not_danger(text: str) -> None:
    assert level_of(text) is NONE


def test_threat_to_kill_in_somali_is_acute() -> None:
    assert level_of("wuxuu igu hanjabay inuu i dilayo") is ACUTE


def test_knife_threat_in_somali_is_acute() -> None:
    assert level_of("mindi ayuu igu hanjabay shalay") is ACUTE


def test_beating_in_somali_is_high() -> None:
    assert level_of("ninkaygu wuu i garaacaa") is HIGH


def test_hunger_killing_me_in_somali_is_not_danger() -> None:
    assert level_of("gaajo ayaa i dilaysa") is NONE


def test_threat_to_kill_in_tigrinya_is_acute() -> None:
    assert level_of("ክቐትለኒ እዩ ኢሉ") is ACUTE


def test_strangling_in_tigrinya_is_acute() -> None:
    assert level_of("ትማሊ ሓኒቑኒ") is ACUTE


def test_hitting_in_tigrinya_is_high() -> None:
    assert level_of("ሰብኣየ ይወቕዓኒ") is HIGH


def test_dying_of_laughter_in_tigrinya_is_not_danger() -> None:
    assert level_of("ብስሓቕ ሞይተ") is NONE


def test_an_english_message_written_by_a_polish_user_is_still_read() -> None:
    # All lexicons run on every message: the language the user chose does not matter.
    assert level_of("prosze help he has a gun in the car") is ACUTE


def test_empty_and_whitespace_messages_are_no_danger() -> None:
    assert level_of("") is NONE
    assert level_of("   \n") is NONE
