"""The second-opinion danger model: scored exactly as trained, only ever raising the rules.

How well it does is measured by `make danger-eval` on the held-out set (docs/danger-eval.md),
never asserted here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlu.danger import Engine, default_engine
from nlu.danger.combos import load_combos
from nlu.danger.features import tokens
from nlu.danger.lexicon import load_lexicons, matching_form
from nlu.danger.second_opinion import FORMAT, ModelError, SecondOpinion, load, model_path
from nlu.danger.train import DEV_SET, data_hash, export, fit, inputs, settings
from nlu.danger.train import Example as TrainingExample
from nlu.types import NO_DANGER, DangerAssessment, DangerLevel

RULES_ONLY = Engine(load_lexicons(), load_combos())


def always(level: DangerLevel) -> SecondOpinion:
    """A model that says ``level`` about everything, to test how the engine uses it."""
    acute, flagged = {DangerLevel.ACUTE: (9.0, 9.0), DangerLevel.HIGH: (-9.0, 9.0)}.get(level, (-9.0, -9.0))
    return SecondOpinion(table={}, intercepts=(acute, flagged), acute_threshold=0.5,
                         flagged_threshold=0.5, data_hash="test")


def test_the_served_model_is_trained_on_the_current_data() -> None:
    path = model_path()
    assert path.exists(), f"no danger model at {path}: run `make model`"
    model = load()
    assert model is not None
    assert model.data_hash == data_hash(), "danger data changed since training: run `make model`"
    assert default_engine().second_opinion is not None


def test_the_held_out_set_is_never_training_data() -> None:
    names = {path.name for path in inputs()}
    assert "danger_holdout.jsonl" not in names
    assert DEV_SET.name in names


def test_tokens_are_character_and_word_ngrams_of_folded_text() -> None:
    found = tokens(matching_form("Han SLÅR"))
    assert "w:han" in found and "w:slar" in found and "b:han slar" in found
    assert " sla" in found and "lar " in found and " han " in found
    assert tokens("") == []


def test_scoring_matches_scikit_learn_on_the_same_examples() -> None:
    rows = [
        TrainingExample(matching_form(text), acute, flagged, 1.0, None)
        for text, acute, flagged in [
            ("he has a knife", True, True), ("han har en kniv", True, True),
            ("he hit me last week", False, True), ("han slog mig igår", False, True),
            ("hello there", False, False), ("hur söker jag kontaktförbud", False, False),
            ("this homework is killing me", False, False), ("he said he will kill me", True, True),
        ]
    ]
    vectorizer, acute, flagged = fit(rows, float(settings()["C"]))
    model = SecondOpinion.from_dict(export(vectorizer, acute, flagged, settings()))
    for text in ["he has a gun", "han slog mig", "hello", "knife knife kniv", "nothing known here"]:
        folded = matching_form(text)
        matrix = vectorizer.transform([folded])
        scores = model.scores(folded)
        assert scores.acute == pytest.approx(acute.predict_proba(matrix)[0, 1], abs=1e-3)
        assert scores.flagged == pytest.approx(flagged.predict_proba(matrix)[0, 1], abs=1e-3)


def test_the_model_can_raise_a_message_the_rules_miss() -> None:
    engine = Engine(load_lexicons(), load_combos(), always(DangerLevel.ACUTE))
    judgement = engine.judge("something the rules have no word for")
    assert RULES_ONLY.assess("something the rules have no word for").level is DangerLevel.NONE
    assert judgement.assessment.level is DangerLevel.ACUTE
    assert judgement.raised_by_model is DangerLevel.ACUTE


def test_the_model_never_lowers_what_the_rules_said() -> None:
    engine = Engine(load_lexicons(), load_combos(), always(DangerLevel.NONE))
    for text in ["he has a knife", "han slog mig igår", "ዛሬ ክቐትለኪ እየ ኢሉኒ"]:
        assert engine.assess(text).level == RULES_ONLY.assess(text).level >= DangerLevel.HIGH


def test_an_idiom_the_rules_recognise_is_not_handed_to_the_model() -> None:
    engine = Engine(load_lexicons(), load_combos(), always(DangerLevel.ACUTE))
    assert engine.assess("this homework is killing me").level is DangerLevel.NONE
    assert engine.assess("the hangover is killing me").level is DangerLevel.NONE


def test_he_is_coming_home_is_left_to_the_conversation_rules() -> None:
    # A sign the rules keep at concern because only earlier messages make it dangerous: the
    # model, which sees one message, is not asked; after past violence it is acute.
    engine = Engine(load_lexicons(), load_combos(), always(DangerLevel.HIGH))
    before = DangerAssessment(DangerLevel.HIGH, frozenset({"violence_now"}))
    assert engine.assess("he is on his way home now", NO_DANGER).level is DangerLevel.CONCERN
    assert engine.assess("he is on his way home now", before).level is DangerLevel.ACUTE


def test_a_longer_message_that_also_says_he_is_coming_is_read_by_the_model() -> None:
    # "Coming home" is no reason to ignore what else the message says.
    engine = Engine(load_lexicons(), load_combos(), always(DangerLevel.ACUTE))
    text = "he is on his way home now, drunk, and he said tonight i will finally see"
    assert RULES_ONLY.assess(text).level is DangerLevel.CONCERN
    assert engine.assess(text).level is DangerLevel.ACUTE


def test_conversation_rules_run_on_the_rules_view_and_on_the_raised_one(tmp_path: Path) -> None:
    # A conversation rule that reads this message at concern at most must still fire when the
    # model raises the message: both views are tried and the higher stands.
    (tmp_path / "en.yaml").write_text(
        "lang: en\nrules:\n  - id: fear.any\n    category: stalking_control\n    level: concern\n"
        "    patterns: ['scared']\n", encoding="utf-8")
    (tmp_path / "_combos.yaml").write_text(
        "combos:\n  - id: violence.then_fear\n    previous: {min_level: high}\n"
        "    current: {categories: [stalking_control], max_level: concern}\n    level: acute\n",
        encoding="utf-8")
    engine = Engine(load_lexicons(tmp_path), load_combos(tmp_path / "_combos.yaml"),
                    always(DangerLevel.HIGH))
    before = DangerAssessment(DangerLevel.HIGH, frozenset({"violence_now"}))
    assert engine.assess("i am so scared", before).level is DangerLevel.ACUTE
    assert engine.assess("i am so scared", NO_DANGER).level is DangerLevel.HIGH


def test_a_missing_model_means_rules_only_and_a_broken_one_stops_the_start(tmp_path: Path) -> None:
    assert load(tmp_path / "absent.json") is None
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelError):
        load(broken)
    broken.write_text(json.dumps({"format": FORMAT, "features": {"x": [1.0]}}), encoding="utf-8")
    with pytest.raises(ModelError):
        load(broken)
    broken.write_text(json.dumps({"format": "something else"}), encoding="utf-8")
    with pytest.raises(ModelError):
        load(broken)
