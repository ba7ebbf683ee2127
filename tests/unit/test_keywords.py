"""The keyword fallback: what still understands people when Rasa is down."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlu.keywords import (
    CHOSEN_LANGUAGE_CONFIDENCE,
    KEYWORDS_DIR,
    KeywordDataError,
    KeywordMatcher,
    default_matcher,
    domain_intents,
    load_keywords,
    match_keywords,
)
from nlu.types import SUPPORTED_LANGUAGES


def write(directory: Path, lang: str, body: str) -> None:
    (directory / f"{lang}.yaml").write_text(f"lang: {lang}\nintents:\n{body}", encoding="utf-8")


def matcher_from(directory: Path) -> KeywordMatcher:
    return load_keywords(directory, domain_intents())


# --- the shipped files -------------------------------------------------------------------

def test_every_supported_language_has_a_keyword_file_that_loads() -> None:
    assert {path.stem for path in KEYWORDS_DIR.glob("*.yaml")} == set(SUPPORTED_LANGUAGES)
    assert default_matcher().languages == frozenset(SUPPORTED_LANGUAGES)


# Asking for a person is what most needs to work while Rasa is down.
ASKING_FOR_A_PERSON = {
    "sv": "Kan jag få prata med en människa?",
    "en": "Can I talk to a real person please",
    "ar": "بدي احكي مع انسان",
    "fa": "میخوام با یه آدم واقعی حرف بزنم",
    "so": "Waxaan rabaa inaan la hadlo qof dhab ah",
    "ti": "ምስ ሰብ ክዛረብ እደሊ",
    "pl": "Chcę porozmawiać z człowiekiem",
    "tr": "Bir insanla konuşmak istiyorum",
    "uk": "Можна поговорити зі справжньою людиною?",
    "fi": "Haluan puhua ihmisen kanssa",
    "es": "Quiero hablar con una persona real",
    "bs": "Hoću da razgovaram sa čovjekom",
}


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_asking_for_a_person_is_understood_in_every_language(lang: str) -> None:
    intent = match_keywords(ASKING_FOR_A_PERSON[lang], lang)
    assert intent is not None
    assert (intent.name, intent.confidence) == ("request_human", CHOSEN_LANGUAGE_CONFIDENCE)


def test_asking_for_a_real_person_in_english_is_request_human() -> None:
    intent = match_keywords("I want to talk to a real person", "en")
    assert intent is not None
    assert (intent.name, intent.source) == ("request_human", "keywords")


def test_asking_for_a_human_in_swedish_without_diacritics_is_request_human() -> None:
    intent = match_keywords("jag vill prata med en manniska nu", "sv")
    assert intent is not None and intent.name == "request_human"


def test_swedish_request_is_found_even_when_the_chosen_language_is_english() -> None:
    intent = match_keywords("Kan jag prata med en människa?", "en")
    assert intent is not None and intent.name == "request_human"


# --- matching ----------------------------------------------------------------------------

def test_case_and_punctuation_do_not_hide_a_phrase(tmp_path: Path) -> None:
    write(tmp_path, "en", "  request_human: [real person]\n")
    intent = matcher_from(tmp_path).match("A REAL-person, please!!", "en")
    assert intent is not None and intent.name == "request_human"


def test_a_phrase_inside_a_longer_word_does_not_match(tmp_path: Path) -> None:
    write(tmp_path, "en", "  request_human: [person]\n")
    matcher = matcher_from(tmp_path)
    assert matcher.match("it is personal", "en") is None
    assert matcher.match("a real person", "en") is not None


def test_the_longest_phrase_wins_over_a_short_one(tmp_path: Path) -> None:
    write(tmp_path, "en", '  deny: ["no"]\n  request_human: [real person]\n')
    intent = matcher_from(tmp_path).match("no, I want a real person", "en")
    assert intent is not None and intent.name == "request_human"


def test_among_one_word_phrases_the_longer_word_wins(tmp_path: Path) -> None:
    write(tmp_path, "en", "  greet: [hi]\n  ask_shelter: [shelter]\n")
    intent = matcher_from(tmp_path).match("hi shelter", "en")
    assert intent is not None and intent.name == "ask_shelter"


def test_the_chosen_language_is_searched_before_the_others(tmp_path: Path) -> None:
    write(tmp_path, "sv", "  request_human: [prata med]\n")
    write(tmp_path, "pl", "  greet: [prata med]\n")
    matcher = matcher_from(tmp_path)
    in_swedish = matcher.match("prata med", "sv")
    in_polish = matcher.match("prata med", "pl")
    assert in_swedish is not None and in_swedish.name == "request_human"
    assert in_polish is not None and in_polish.name == "greet"


def test_a_match_in_another_language_is_trusted_less(tmp_path: Path) -> None:
    write(tmp_path, "sv", "  ask_shelter: [skyddat boende]\n")
    write(tmp_path, "en", "  ask_shelter: [shelter]\n")
    matcher = matcher_from(tmp_path)
    own = matcher.match("skyddat boende", "sv")
    foreign = matcher.match("skyddat boende", "en")
    assert own is not None and foreign is not None
    assert foreign.confidence < own.confidence


def test_a_short_word_of_another_language_does_not_fire(tmp_path: Path) -> None:
    # Polish "pa" (bye) is Swedish "på" once folded; a Swede living "pa landet" is not leaving.
    write(tmp_path, "pl", "  goodbye: [pa]\n")
    write(tmp_path, "sv", "  greet: [hej]\n")
    matcher = matcher_from(tmp_path)
    assert matcher.match("jag bor på landet", "sv") is None
    said_in_polish = matcher.match("pa", "pl")
    assert said_in_polish is not None and said_in_polish.name == "goodbye"


def test_without_a_chosen_language_only_specific_phrases_count(tmp_path: Path) -> None:
    write(tmp_path, "en", "  affirm: [ok]\n  request_human: [real person]\n")
    matcher = matcher_from(tmp_path)
    assert matcher.match("ok", None) is None
    found = matcher.match("real person", None)
    assert found is not None and found.name == "request_human"


def test_a_message_of_only_emoji_matches_nothing(tmp_path: Path) -> None:
    write(tmp_path, "en", "  thanks: [thanks]\n")
    assert matcher_from(tmp_path).match("🙏🙏 !!", "en") is None


# --- broken files fail at load time, with a message that says what to change -----------

def test_an_unknown_intent_name_is_refused_with_the_file_named(tmp_path: Path) -> None:
    write(tmp_path, "sv", "  request_humans: [riktig person]\n")
    with pytest.raises(KeywordDataError, match=r"sv\.yaml.*request_humans"):
        matcher_from(tmp_path)


def test_an_unquoted_yes_read_as_true_is_refused_with_a_hint(tmp_path: Path) -> None:
    write(tmp_path, "en", "  affirm: [yes, sure]\n")
    with pytest.raises(KeywordDataError, match="quotes"):
        matcher_from(tmp_path)


def test_a_file_whose_lang_differs_from_its_name_is_refused(tmp_path: Path) -> None:
    (tmp_path / "sv.yaml").write_text("lang: fi\nintents:\n  greet: [moi]\n", encoding="utf-8")
    with pytest.raises(KeywordDataError, match="match the file name"):
        matcher_from(tmp_path)


def test_one_phrase_under_two_intents_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "en", "  greet: [hey there]\n  goodbye: [\"Hey, there!\"]\n")
    with pytest.raises(KeywordDataError, match="both greet and goodbye"):
        matcher_from(tmp_path)
