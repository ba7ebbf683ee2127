"""Language identification and when to offer someone another language."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from nlu.language import identify, main, proposed_switch
from nlu.types import SUPPORTED_LANGUAGES

DATA = Path(__file__).resolve().parent.parent / "data"


def eval_rows() -> list[dict[str, str]]:
    rows = []
    for name in ("language_dev.jsonl", "language_holdout.jsonl"):
        with (DATA / name).open(encoding="utf-8") as lines:
            rows += [json.loads(line) for line in lines if line.strip()]
    return rows


def sentences() -> list[dict[str, str]]:
    return [row for row in eval_rows() if len(row["text"].split()) >= 3]


# --- identify: script first ----------------------------------------------------------------

def test_ethiopic_script_is_tigrinya() -> None:
    guess = identify("ሰብኣየይ ይወቕዓኒ")
    assert (guess.lang, guess.by) == ("ti", "script")


def test_letters_only_persian_has_make_it_persian() -> None:
    guess = identify("می‌خواهم با یک نفر صحبت کنم")
    assert (guess.lang, guess.by) == ("fa", "script")


def test_letters_only_arabic_has_make_it_arabic() -> None:
    guess = identify("هل هذه المحادثة سرية")
    assert (guess.lang, guess.by) == ("ar", "script")


def test_ukrainian_letters_make_it_ukrainian() -> None:
    guess = identify("мені страшно")
    assert (guess.lang, guess.by) == ("uk", "script")


def test_serbian_cyrillic_letters_make_it_bosnian() -> None:
    guess = identify("бојим се")
    assert (guess.lang, guess.by) == ("bs", "script")


def test_russian_looking_cyrillic_goes_to_a_cyrillic_language_we_have() -> None:
    assert identify("я очень боюсь своего мужа").lang in {"uk", "bs"}


def test_croatian_and_serbian_in_latin_letters_count_as_bosnian() -> None:
    assert identify("Ne znam šta da radim, muž me tuče svaki dan").lang == "bs"
    assert identify("Ne znam što da radim, muž me tuče svaki dan").lang == "bs"


def test_tigrinya_typed_in_latin_letters_is_tigrinya() -> None:
    assert identify("selam kemey aleki, hagez deliye").lang == "ti"


def test_somali_sentence_is_somali() -> None:
    assert identify("Ninkaygu wuu i garaacay shalay, waan baqayaa").lang == "so"


@pytest.mark.parametrize("text", ["🙂🙂", "112", "  ", "!!! ???", "x"])
def test_no_letters_means_no_language(text: str) -> None:
    guess = identify(text)
    assert (guess.lang, guess.confidence, guess.by) == (None, 0.0, "none")


def test_every_answer_is_a_supported_language_or_none() -> None:
    for row in eval_rows():
        assert identify(row["text"]).lang in (*SUPPORTED_LANGUAGES, None)


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_sentences_of_three_words_or_more_are_mostly_identified_right(lang: str) -> None:
    ours = [row for row in sentences() if row["lang"] == lang]
    right = sum(identify(row["text"]).lang == lang for row in ours)
    assert len(ours) >= 10
    assert right / len(ours) >= 0.85, f"{lang}: {right}/{len(ours)}"


# --- proposed_switch: the user's choice wins unless the evidence is clear -----------------

@pytest.mark.parametrize(
    ("text", "chosen"),
    [("ok", "sv"), ("hej", "en"), ("🙂", "ar"), ("112", "fi"), ("hjälp", "en"),
     ("police", "sv"), ("ok thanks", "ar"), ("Ahmed", "fa"), ("Hello", None), ("🙂", None)],
)
def test_the_users_choice_stands_against_short_or_empty_messages(
    text: str, chosen: str | None
) -> None:
    assert proposed_switch(text, chosen) is None


def test_an_english_sentence_while_swedish_is_chosen_offers_english() -> None:
    assert proposed_switch("I don't understand Swedish, can we talk in English", "sv") == "en"


def test_a_swedish_sentence_while_swedish_is_chosen_offers_nothing() -> None:
    assert proposed_switch("Jag vet inte vad jag ska göra", "sv") is None


def test_a_single_ethiopic_word_while_swedish_is_chosen_offers_tigrinya() -> None:
    assert proposed_switch("ሰላም", "sv") == "ti"


def test_a_single_persian_word_while_arabic_is_chosen_offers_nothing() -> None:
    # Same script: one word is not enough evidence against what the person chose.
    assert proposed_switch("پلیس", "ar") is None


def test_persian_typed_on_an_arabic_keyboard_is_not_offered_arabic() -> None:
    assert proposed_switch("من از او ميترسم", "fa") is None


def test_serbian_cyrillic_while_bosnian_is_chosen_offers_nothing() -> None:
    assert proposed_switch("Бојим се да ће ме убити", "bs") is None


def test_a_clear_somali_sentence_before_any_choice_offers_somali() -> None:
    assert proposed_switch("waxaan rabaa inaan la hadlo qof", None) == "so"


def test_an_unknown_language_code_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown language code"):
        proposed_switch("hej", "xx")


def test_nobody_writing_a_sentence_in_the_language_they_chose_is_offered_another() -> None:
    offered = [(row["lang"], row["text"], proposed_switch(row["text"], row["lang"]))
               for row in sentences()]
    assert [case for case in offered if case[2] is not None] == []


def test_a_sentence_in_another_language_than_the_chosen_one_is_mostly_offered() -> None:
    rows = sentences()
    offered = sum(proposed_switch(row["text"], "en" if row["lang"] != "en" else "sv") == row["lang"]
                  for row in rows)
    assert offered / len(rows) >= 0.85


# --- the command line ---------------------------------------------------------------------

def test_the_command_line_answers_one_json_line_per_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("jag är så rädd för honom\n🙂\nሓገዝ\n"))
    main()
    answers = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [answer["lang"] for answer in answers] == ["sv", None, "ti"]
    assert all(0.0 <= answer["confidence"] <= 1.0 for answer in answers)
