"""Lexicon files: how patterns are folded and bounded, guards, and errors that name the fix."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from nlu.danger import Engine, LexiconError, load_lexicons
from nlu.danger.combos import load_combos
from nlu.danger.engine import guard_spans, hits_in
from nlu.danger.lexicon import LEXICON_DIR, matching_form
from nlu.types import DangerLevel

DEV_SET = Path(__file__).resolve().parents[1] / "data" / "danger_dev.jsonl"


def write(directory: Path, name: str, body: str) -> Path:
    path = directory / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def engine_for(directory: Path) -> Engine:
    return Engine(load_lexicons(directory), load_combos())


SV_THREAT = """\
    lang: sv
    rules:
      - id: threat_to_kill.explicit
        category: threat_to_kill
        level: acute
        patterns:
          - 'ska döda mig'
    guards:
      - 'läxorna ska döda mig'
    """


def test_patterns_with_diacritics_match_text_without_them(tmp_path: Path) -> None:
    write(tmp_path, "sv.yaml", SV_THREAT)
    assert engine_for(tmp_path).assess("han ska doda mig").level is DangerLevel.ACUTE


def test_patterns_match_whole_words_only(tmp_path: Path) -> None:
    write(tmp_path, "sv.yaml", SV_THREAT)
    assert engine_for(tmp_path).assess("han ska döda migrationsverket").level is DangerLevel.NONE


def test_a_match_inside_a_guard_is_ignored(tmp_path: Path) -> None:
    write(tmp_path, "sv.yaml", SV_THREAT)
    assert engine_for(tmp_path).assess("läxorna ska döda mig").level is DangerLevel.NONE


def test_the_same_words_outside_the_guard_still_count(tmp_path: Path) -> None:
    write(tmp_path, "sv.yaml", SV_THREAT)
    text = "läxorna ska döda mig, men han sa att han ska döda mig"
    assert engine_for(tmp_path).assess(text).level is DangerLevel.ACUTE


def test_a_guard_covers_the_rules_of_every_language(tmp_path: Path) -> None:
    # A guard marks a harmless phrase; a rule of another language firing inside it (a
    # romanised word that happens to match) is just as wrong there.
    write(tmp_path, "sv.yaml", SV_THREAT)
    write(tmp_path, "en.yaml", """\
        lang: en
        rules:
          - id: weird.swedish_words
            category: threat_to_kill
            level: acute
            patterns: ['döda mig']
        """)
    judgement = engine_for(tmp_path).judge("läxorna ska döda mig")
    assert judgement.hits == ()
    assert [hit.lang for hit in engine_for(tmp_path).judge("han ska döda mig").hits] == ["en", "sv"]


def test_the_engine_loads_every_lexicon_file_but_not_the_conversation_rules(tmp_path: Path) -> None:
    write(tmp_path, "sv.yaml", SV_THREAT)
    write(tmp_path, "_combos.yaml", "combos: []\n")
    assert [lexicon.lang for lexicon in load_lexicons(tmp_path)] == ["sv"]


@pytest.mark.parametrize(
    ("rule", "complaint"),
    [
        ("category: threat_to_life\n    level: acute", "unknown category 'threat_to_life'"),
        ("category: threat_to_kill\n    level: severe", "unknown level 'severe'"),
        ("category: threat_to_kill\n    level: none", "unknown level 'none'"),
        ("level: acute", "needs a category"),
    ],
)
def test_a_bad_rule_is_named_with_file_rule_id_and_problem(
    tmp_path: Path, rule: str, complaint: str
) -> None:
    path = tmp_path / "sv.yaml"
    path.write_text(f"lang: sv\nrules:\n  - id: broken.rule\n    {rule}\n    patterns: ['x y']\n")
    with pytest.raises(LexiconError) as error:
        load_lexicons(tmp_path)
    assert str(path) in str(error.value)
    assert "broken.rule" in str(error.value)
    assert complaint in str(error.value)


@pytest.mark.parametrize(
    ("pattern", "complaint"),
    [
        (r"'(hota\w* mig'", "does not compile"),
        (r"'hot\W+mig'", "uppercase escape"),
        (r"'\S+ dödar'", "uppercase escape"),
        (r"'(mig)?'", "matches empty text"),
    ],
)
def test_a_bad_pattern_is_named_with_file_rule_id_and_problem(
    tmp_path: Path, pattern: str, complaint: str
) -> None:
    path = tmp_path / "sv.yaml"
    path.write_text(
        "lang: sv\nrules:\n  - id: bad.pattern\n    category: weapon\n    level: high\n"
        f"    patterns:\n      - {pattern}\n"
    )
    with pytest.raises(LexiconError) as error:
        load_lexicons(tmp_path)
    assert str(path) in str(error.value)
    assert "bad.pattern" in str(error.value)
    assert complaint in str(error.value)


def test_an_escaped_backslash_before_a_capital_is_not_an_uppercase_escape(tmp_path: Path) -> None:
    write(tmp_path, "sv.yaml", """\
        lang: sv
        rules:
          - id: literal.backslash
            category: escalation
            level: high
            patterns: ['a\\\\Sb']
        """)
    assert engine_for(tmp_path).assess("a\\sb").level is DangerLevel.HIGH


def test_a_duplicate_rule_id_is_an_error(tmp_path: Path) -> None:
    rule = "  - id: same\n    category: weapon\n    level: high\n    patterns: ['kniv']\n"
    (tmp_path / "sv.yaml").write_text(f"lang: sv\nrules:\n{rule}{rule}")
    with pytest.raises(LexiconError, match="rule same: id used twice"):
        load_lexicons(tmp_path)


def test_a_file_whose_lang_is_not_its_name_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "sv.yaml", SV_THREAT.replace("lang: sv", "lang: en"))
    with pytest.raises(LexiconError, match="must be the file's name"):
        load_lexicons(tmp_path)


def test_the_shipped_lexicons_and_conversation_rules_load() -> None:
    languages = {lexicon.lang for lexicon in load_lexicons(LEXICON_DIR)}
    assert {"en", "sv", "ar", "fa", "so", "ti"} <= languages
    assert load_combos()


def test_skipping_groups_by_word_beginnings_never_loses_a_match() -> None:
    # The index only saves work: searching every group must give the very same hits.
    engine = Engine(load_lexicons(LEXICON_DIR), load_combos())
    every_group = [(lexicon, group) for lexicon in engine.lexicons for group in lexicon.groups]
    texts = [json.loads(line)["text"] for line in DEV_SET.read_text(encoding="utf-8").splitlines()]
    assert texts
    for text in texts:
        fast = list(engine.judge(text).hits)
        folded = matching_form(text)
        assert fast == hits_in(folded, every_group, guard_spans(folded, engine.lexicons)), text


def test_overlapping_guards_each_count(tmp_path: Path) -> None:
    # One alternation finds only non-overlapping matches: the short guard would hide the
    # longer one that starts inside it and covers the rule's match.
    write(tmp_path, "sv.yaml", """\
        lang: sv
        rules:
          - id: threat_to_kill.explicit
            category: threat_to_kill
            level: acute
            patterns: ['döda mig']
        guards:
          - 'jag skriver'
          - 'skriver en uppsats om hur man säger döda mig'
        """)
    text = "jag skriver en uppsats om hur man säger döda mig"
    assert engine_for(tmp_path).assess(text).level is DangerLevel.NONE


def test_a_shared_scene_word_makes_its_sentence_harmless_in_every_language(tmp_path: Path) -> None:
    write(tmp_path, "sv.yaml", SV_THREAT)
    write(tmp_path, "_guards.yaml", "scenes: ['fortnite']\n")
    engine = engine_for(tmp_path)
    assert engine.assess("han ska döda mig i fortnite ikväll").level is DangerLevel.NONE
    assert engine.assess("i fortnite ska döda mig").level is DangerLevel.NONE
    # Only its own sentence: the next one still counts.
    assert engine.assess("vi spelar fortnite. han ska döda mig").level is DangerLevel.ACUTE
    assert engine.assess("han ska döda mig").level is DangerLevel.ACUTE


def test_a_scene_limited_to_categories_silences_only_those(tmp_path: Path) -> None:
    write(tmp_path, "sv.yaml", """\
        lang: sv
        rules:
          - id: threat_to_kill.explicit
            category: threat_to_kill
            level: acute
            patterns: ['döda mig']
          - id: violence_now.ongoing
            category: violence_now
            level: acute
            patterns: ['slår mig nu']
        """)
    write(tmp_path, "_guards.yaml", """\
        scenes:
          - pattern: 'haha'
            categories: [threat_to_kill]
        """)
    engine = engine_for(tmp_path)
    assert engine.assess("syrran kommer döda mig om jag tar laddaren haha").level is DangerLevel.NONE
    assert engine.assess("han slår mig nu haha").level is DangerLevel.ACUTE
    assert engine.assess("han ska döda mig").level is DangerLevel.ACUTE


def test_the_shipped_laughter_scene_keeps_violence_but_not_a_joking_kill() -> None:
    rules = Engine(load_lexicons(LEXICON_DIR), load_combos())
    assert rules.assess("my sister will kill me if i take her charger, took it haha").level < DangerLevel.HIGH
    assert rules.assess("he is hitting me right now haha").level is DangerLevel.ACUTE


def test_a_short_game_name_inside_an_ordinary_word_is_no_game() -> None:
    # "gta" inside Somali "toogtay" (he shot) or "xigta" (next) once made the whole sentence
    # play and silenced a shooting and a strangling.
    rules = Engine(load_lexicons(LEXICON_DIR), load_combos())
    assert rules.assess("wuu i toogtay").level is DangerLevel.ACUTE
    assert rules.assess("qoorta ayuu iga qabtay, wuxuu yiri marka xigta ma sii deyn doono").level \
        is DangerLevel.ACUTE
    assert rules.assess("my brother killed me 20 times in gta 5 lol").level is DangerLevel.NONE
