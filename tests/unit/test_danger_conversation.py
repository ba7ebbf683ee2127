"""Conversation-aware assessment: earlier messages change what a message means.

Callers keep only the running assessment (levels and categories), never earlier text.
These are properties of the conversation rules, so they run on the rules alone: the
second-opinion model may raise a single message further (tests/unit/test_second_opinion.py).
"""

from __future__ import annotations

from nlu.danger import Engine
from nlu.types import NO_DANGER, DangerAssessment, DangerLevel

assess = Engine.from_files().assess  # rules and conversation rules, no model


def running(*messages: str) -> DangerAssessment:
    """The running assessment a caller would hold after these messages."""
    state = NO_DANGER
    for message in messages:
        state = state.merged_with(assess(message, state))
    return state


def test_a_knife_after_he_is_angry_is_acute() -> None:
    before = running("my husband is really angry tonight")
    assert before.level is DangerLevel.CONCERN
    assert assess("there's a knife on the table next to him", before).level is DangerLevel.ACUTE


def test_coming_home_is_no_danger_alone_but_acute_after_a_threat_to_kill() -> None:
    assert assess("he is coming home now").level < DangerLevel.HIGH
    before = running("he said he would kill me if I ever left")
    assert assess("he is coming home now", before).level is DangerLevel.ACUTE


def test_fear_after_a_past_strangulation_is_acute() -> None:
    before = running("han tog strypgrepp på mig förra året")
    assert assess("jag är så rädd").level is DangerLevel.CONCERN
    assert assess("jag är så rädd", before).level is DangerLevel.ACUTE


def test_coming_home_after_past_beatings_is_acute_in_somali() -> None:
    before = running("ninkaygu wuu i garaacaa")
    assert assess("wuu soo socdaa hadda", before).level is DangerLevel.ACUTE


def test_travel_after_forced_marriage_talk_is_acute_in_arabic() -> None:
    before = running("اهلي بيجبروني اتزوج ابن عمي")
    after = assess("اخذوا جوازي", before)
    assert after.level is DangerLevel.ACUTE
    assert "forced_marriage_abroad" in after.categories


def test_a_plain_question_after_an_acute_message_is_judged_on_its_own() -> None:
    # The result is for this message; the caller's merge keeps the conversation acute.
    before = running("he is hitting me right now")
    question = assess("how do I get a contact ban?", before)
    assert question.level is DangerLevel.NONE
    assert before.merged_with(question).level is DangerLevel.ACUTE


def test_without_context_a_weapon_word_alone_is_only_a_concern() -> None:
    assessment = assess("kniven")
    assert assessment.level is DangerLevel.CONCERN
    assert assessment.categories == frozenset({"weapon"})


def test_a_weapon_in_the_same_message_as_a_threat_is_acute() -> None:
    assert assess("he threatened me, there is a gun in his car").level is DangerLevel.ACUTE
    assert assess("han hotade mig och det finns en kniv i köket").level is DangerLevel.ACUTE


def test_an_eerie_calm_after_a_threat_to_kill_is_acute_but_only_then() -> None:
    # Rounds M and O: writers who had not seen the rules labelled "he has been so quiet all
    # evening" after a death threat acute, in four languages.
    for threat, calm in [
        ("he said he would kill me if I ever left", "he's been really quiet all evening"),
        ("han sa att han ska döda mig om jag går", "han var jättelugn när han kom hem"),
        ("se sano että se tappaa mut jos mä lähden", "se on ollu koko illan tosi hiljaa"),
    ]:
        assert assess(calm).level < DangerLevel.HIGH
        assert assess(calm, running(threat)).level is DangerLevel.ACUTE
