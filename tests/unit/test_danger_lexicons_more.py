"""How the shipped lexicons judge single messages in pl, tr, uk, fi, es and bs.

Messages are written the way people write in a chat (no diacritics, spoken forms, Russian
next to Ukrainian, Serbian Cyrillic next to Latin); none of them is a copy of a lexicon
pattern or a dev-set line.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from nlu.danger import Engine
from nlu.types import DangerAssessment, DangerLevel

# These test the lexicons, so they run on the rules alone; what the second-opinion model adds
# (and the false alarms it costs) is measured by `make danger-eval`, not asserted message by
# message: a retrained model moves single borderline messages either way.
assess = Engine.from_files().assess

ACUTE, HIGH, NONE = DangerLevel.ACUTE, DangerLevel.HIGH, DangerLevel.NONE
BS_LEXICON = Path(__file__).resolve().parents[2] / "nlu" / "danger" / "bs.yaml"


def level_of(text: str) -> DangerLevel:
    return assess(text).level


# --- Polish ---------------------------------------------------------------------------


def test_threat_to_kill_in_polish_without_polish_letters_is_acute() -> None:
    assessment = assess("napisal mi ze mnie zabije jak pojde na policje")
    assert assessment.level is ACUTE
    assert "threat_to_kill" in assessment.categories
    assert "pl" in assessment.matched_languages


def test_grabbing_the_throat_in_polish_is_acute_even_in_the_past() -> None:
    assert level_of("w zeszłym roku złapał mnie za gardło, tylko raz") is ACUTE


def test_past_hitting_in_polish_is_high() -> None:
    assert level_of("mój facet parę razy mnie uderzył") is HIGH


@pytest.mark.parametrize(
    "text",
    [
        "ten upał mnie zabija",
        "mama mnie zabije jak zobaczy świadectwo",
        "serce mi wali przed sprawdzianem",
        "jak złożyć wniosek o zakaz zbliżania się?",
    ],
)
def test_polish_idioms_and_questions_are_not_danger(text: str) -> None:
    assert level_of(text) is NONE


def test_a_question_about_social_services_and_children_in_polish_is_not_a_threat() -> None:
    assert level_of("czy opieka społeczna zabierze mi dzieci?") < HIGH


# --- Turkish --------------------------------------------------------------------------


def test_knife_to_the_throat_in_turkish_is_acute() -> None:
    assessment = assess("kocam dün gece bıçağı boynuma dayadı")
    assert assessment.level is ACUTE
    assert "weapon" in assessment.categories


def test_threat_to_kill_in_turkish_without_turkish_letters_is_acute() -> None:
    assert level_of("abim beni oldurecegini soyledi") is ACUTE


def test_slapping_in_turkish_is_high() -> None:
    assert level_of("sevgilim geçen hafta beni tokatladı") is HIGH


@pytest.mark.parametrize(
    "text",
    ["bu sıcak beni öldürüyor", "gülmekten öldüm", "boğazım ağrıyor", "silahlı kuvvetlerde çalışıyor"],
)
def test_turkish_idioms_and_ordinary_words_are_not_danger(text: str) -> None:
    assert level_of(text) is NONE


# --- Ukrainian (and the Russian many Ukrainians write) ----------------------------------


def test_threat_to_kill_in_ukrainian_is_acute_with_any_apostrophe() -> None:
    for apostrophe in ("'", "’", "ʼ", ""):
        assert level_of(f"він сказав що вб{apostrophe}є мене") is ACUTE


def test_choking_in_russian_written_by_a_ukrainian_is_acute() -> None:
    assert level_of("муж вчера душил меня") is ACUTE


def test_past_beating_in_ukrainian_is_high() -> None:
    assert level_of("чоловік мене побив минулого тижня") is HIGH


@pytest.mark.parametrize(
    "text",
    ["краще ніж нічого", "ця спека мене вбиває", "серце б'ється швидко", "що таке домашнє насильство?"],
)
def test_ukrainian_idioms_and_questions_are_not_danger(text: str) -> None:
    assert level_of(text) is NONE


# --- Finnish --------------------------------------------------------------------------


def test_threat_to_kill_in_spoken_finnish_is_acute() -> None:
    assessment = assess("se sano et se tappaa mut jos mä lähden")
    assert assessment.level is ACUTE
    assert "fi" in assessment.matched_languages


def test_strangling_in_finnish_is_acute() -> None:
    assert level_of("mieheni kuristi minua viime yönä") is ACUTE


def test_past_hitting_in_finnish_is_high() -> None:
    assert level_of("poikaystävä on lyönyt mua pari kertaa") is HIGH


@pytest.mark.parametrize(
    "text",
    ["tää matikka tappaa mut", "kuolen nauruun", "se loi uuden pelin", "mitä on henkinen väkivalta?"],
)
def test_finnish_idioms_and_questions_are_not_danger(text: str) -> None:
    assert level_of(text) is NONE


# --- Spanish --------------------------------------------------------------------------


def test_threat_to_kill_in_spanish_is_acute() -> None:
    assessment = assess("mi ex me escribio que me va a matar")
    assert assessment.level is ACUTE
    assert "threat_to_kill" in assessment.categories


def test_choking_in_latin_american_spanish_is_acute() -> None:
    assert level_of("anoche mi novio me ahorcó con las manos") is ACUTE


def test_past_hitting_in_spanish_is_high() -> None:
    assert level_of("mi marido me ha pegado varias veces") is HIGH


@pytest.mark.parametrize(
    "text",
    [
        "el examen de mañana me va a matar",
        "me muero de risa",
        "me toca trabajar el domingo",
        "¿qué es la violencia económica?",
    ],
)
def test_spanish_idioms_and_questions_are_not_danger(text: str) -> None:
    assert level_of(text) is NONE


def test_saying_he_does_not_hit_in_spanish_is_not_violence() -> None:
    assert level_of("no me pega, solo me grita") < HIGH


# --- Bosnian / Croatian / Serbian ------------------------------------------------------


def test_threat_to_kill_in_bosnian_without_diacritics_is_acute() -> None:
    assessment = assess("rekao je da ce me ubiti ako ga prijavim")
    assert assessment.level is ACUTE
    assert "bs" in assessment.matched_languages


def test_threat_to_kill_in_serbian_cyrillic_is_acute() -> None:
    assert level_of("рекао је да ће ме убити") is ACUTE


def test_a_cry_for_help_with_a_comma_in_croatian_is_acute() -> None:
    assert level_of("pomozite, sad me tuče") is ACUTE


def test_past_hitting_in_serbian_cyrillic_is_high() -> None:
    assert level_of("муж ме је ударио прошле недеље") is HIGH


@pytest.mark.parametrize(
    "text",
    [
        "ova zadaća me ubija",
        "umirem od smijeha",
        "srce mi lupa prije ispita",
        "mogu li koristiti poštanski pretinac?",
        "кад сам била мала живјели смо у Сарајеву",
    ],
)
def test_bosnian_idioms_and_ordinary_words_are_not_danger(text: str) -> None:
    assert level_of(text) is NONE


# --- Conversation ---------------------------------------------------------------------


def test_he_is_coming_home_after_he_hit_her_is_acute_in_finnish() -> None:
    earlier = assess("se löi mua eilen")
    assert earlier.level is HIGH
    assert assess("se on tulossa kotiin", previous=earlier).level is ACUTE


def test_he_is_coming_home_alone_is_not_acute_in_turkish() -> None:
    assert assess("eşim eve geliyor", previous=DangerAssessment()).level < HIGH


# --- The Bosnian lexicon keeps its Cyrillic half in step with its Latin half -----------

_LATIN_TO_CYRILLIC = str.maketrans(
    {
        "a": "а", "b": "б", "c": "ц", "č": "ч", "ć": "ћ", "d": "д", "đ": "ђ", "e": "е",
        "f": "ф", "g": "г", "h": "х", "i": "и", "j": "ј", "k": "к", "l": "л", "m": "м",
        "n": "н", "o": "о", "p": "п", "r": "р", "s": "с", "š": "ш", "t": "т", "u": "у",
        "v": "в", "z": "з", "ž": "ж",
    }
)
_DIGRAPHS = (("lj", "љ"), ("nj", "њ"), ("dž", "џ"))
_ESCAPE = re.compile(r"\\x[0-9a-f]{2}|\\.")
_CYRILLIC = re.compile("[\u0400-\u04ff]")


def to_serbian_cyrillic(pattern: str) -> str:
    """Letter-by-letter transliteration of a Latin pattern, leaving regex escapes alone."""
    pieces, position = [], 0
    for escape in _ESCAPE.finditer(pattern):
        pieces.append(_transliterate(pattern[position : escape.start()]))
        pieces.append(escape.group())
        position = escape.end()
    pieces.append(_transliterate(pattern[position:]))
    return "".join(pieces)


def _transliterate(text: str) -> str:
    for latin, cyrillic in _DIGRAPHS:
        text = text.replace(latin, cyrillic)
    return text.translate(_LATIN_TO_CYRILLIC)


def _bs_pattern_lists() -> list[tuple[str, list[str]]]:
    data = yaml.safe_load(BS_LEXICON.read_text(encoding="utf-8"))
    lists = [(str(rule["id"]), list(rule["patterns"])) for rule in data["rules"]]
    return [*lists, ("guards", list(data["guards"]))]


@pytest.mark.parametrize(("where", "patterns"), _bs_pattern_lists())
def test_every_latin_bosnian_pattern_has_its_cyrillic_mirror(
    where: str, patterns: list[str]
) -> None:
    latin = [p for p in patterns if not _CYRILLIC.search(p)]
    missing = [p for p in latin if to_serbian_cyrillic(p) not in patterns]
    assert latin, f"{where}: no Latin patterns"
    assert not missing, f"{where}: no Cyrillic mirror for {missing}"


# Round N (2026-12-04): what a fresh blind round showed, as word families.
@pytest.mark.parametrize("text", [
    "dopiero co mnie zgwałcił i poszedł spać",           # pl: raped just now
    "мене щойно зґвалтував колишній",                    # uk
    "vino hace una hora y me forzó, estoy temblando",    # es
    "przed chwilą walnął mnie głową o kafelki",          # pl: hit just now
    "stojim na balkonu osmi sprat i ne mogu više",       # bs: the place and despair
])
def test_what_has_just_happened_is_acute(text: str) -> None:
    assert level_of(text) is DangerLevel.ACUTE


@pytest.mark.parametrize("text", [
    "sjedim na balkonu i pijem kafu",
    "üniversitede ödev yazıyorum, isveçte namus cinayetlerine karşı yasalar hakkında kaynak var mı?",
    "haberlerde eşi tarafından öldürülen kadını okudum, çok üzüldüm",
    "شفت خبر بالتلفزيون عن امرأة قتلها زوجها في مالمو",
    "¿cómo se mata un pulpo para hacerlo a la gallega?",
    "ta sesja mnie zabije serio",
    "цей екзамен з шведської мене вб'є",
    "my character got stabbed to death in elden ring again",
])
def test_topics_news_and_idioms_are_not_flagged(text: str) -> None:
    assert level_of(text) < DangerLevel.HIGH


def test_a_news_guard_does_not_hide_a_threat_to_the_writer_in_the_same_language() -> None:
    assert level_of("haberlerde okudum. kocam beni öldüreceğini söyledi") is DangerLevel.ACUTE
