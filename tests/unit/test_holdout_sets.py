"""The held-out sets (tests/data/*_holdout.jsonl) are well-formed and really held out.

Only the shape is checked here: languages, counts per kind, valid labels, intent names that
exist, no line copied from the development set. Never the scores: a test that asserts how
well the rules or the model do on these messages would invite tuning against them, and then
they would no longer say anything about messages nobody has seen (see docs/holdout.md).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from nlu.normalize import fold

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
DANGER_HOLDOUT = DATA / "danger_holdout.jsonl"
DANGER_DEV = DATA / "danger_dev.jsonl"
NLU_HOLDOUT = DATA / "nlu_holdout.jsonl"
DOMAIN = ROOT / "nlu" / "rasa" / "domain.yml"

LANGUAGES = {"sv", "en", "ar", "fa", "so", "ti", "pl", "tr", "uk", "fi", "es", "bs"}
LEVELS = {"acute", "high", "concern", "none"}
KINDS = {"acute", "high", "benign", "idiom", "context", "concern"}
# Minimum per language: expected level -> count, and kind -> count.
MIN_EXPECTED = {"acute": 12, "high": 9, "none": 11}
MIN_KIND = {"idiom": 4, "context": 3}
NLU_PER_INTENT = 2


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            row = json.loads(line)
            assert isinstance(row, dict), f"{path.name}:{number} is not an object"
            rows.append(row)
    return rows


def key(lang: str, text: str) -> tuple[str, str]:
    return lang, " ".join(fold(text).split()).strip(" ?!.,")


@pytest.fixture(scope="module")
def danger_rows() -> list[dict[str, Any]]:
    return read_jsonl(DANGER_HOLDOUT)


@pytest.fixture(scope="module")
def nlu_rows() -> list[dict[str, Any]]:
    return read_jsonl(NLU_HOLDOUT)


def domain_intents() -> set[str]:
    domain = yaml.safe_load(DOMAIN.read_text(encoding="utf-8"))
    return {str(name) for name in domain["intents"]}


def test_danger_holdout_lines_have_the_dev_set_format(danger_rows: list[dict[str, Any]]) -> None:
    for row in danger_rows:
        assert set(row) == {"lang", "text", "expected", "kind", "context"}, row
        assert row["lang"] in LANGUAGES, row
        assert isinstance(row["text"], str) and row["text"].strip(), row
        assert row["expected"] in LEVELS, row
        assert row["kind"] in KINDS, row
        assert isinstance(row["context"], list), row
        assert all(isinstance(m, str) and m.strip() for m in row["context"]), row
        # A kind says what the case is about; it must agree with the label.
        if row["kind"] in {"benign", "idiom"}:
            assert row["expected"] == "none", row
        if row["kind"] in {"acute", "high", "concern"}:
            assert row["expected"] == row["kind"], row
        if row["kind"] == "context":
            assert row["context"], row
        else:
            assert not row["context"], row


def test_danger_holdout_covers_every_language_with_the_minimum_counts(
    danger_rows: list[dict[str, Any]],
) -> None:
    assert {row["lang"] for row in danger_rows} == LANGUAGES
    expected = Counter((row["lang"], row["expected"]) for row in danger_rows)
    kinds = Counter((row["lang"], row["kind"]) for row in danger_rows)
    short = [
        f"{lang}: {label} {expected[(lang, label)]} < {minimum}"
        for lang in sorted(LANGUAGES)
        for label, minimum in MIN_EXPECTED.items()
        if expected[(lang, label)] < minimum
    ] + [
        f"{lang}: kind {kind} {kinds[(lang, kind)]} < {minimum}"
        for lang in sorted(LANGUAGES)
        for kind, minimum in MIN_KIND.items()
        if kinds[(lang, kind)] < minimum
    ]
    assert not short, short


def test_danger_holdout_has_no_duplicates(danger_rows: list[dict[str, Any]]) -> None:
    keys = Counter(key(row["lang"], row["text"]) for row in danger_rows)
    assert not [k for k, n in keys.items() if n > 1]


def test_danger_holdout_shares_no_message_with_the_dev_set(
    danger_rows: list[dict[str, Any]],
) -> None:
    dev = {key(row["lang"], row["text"]) for row in read_jsonl(DANGER_DEV)}
    copied = [row["text"] for row in danger_rows if key(row["lang"], row["text"]) in dev]
    # The texts are not printed: whoever reads a failure here should replace the line
    # with a fresh one, not study the dev set.
    assert not copied, f"{len(copied)} held-out message(s) also in danger_dev.jsonl"


def test_nlu_holdout_lines_are_well_formed(nlu_rows: list[dict[str, Any]]) -> None:
    intents = domain_intents()
    for row in nlu_rows:
        assert set(row) == {"lang", "text", "intent"}, row
        assert row["lang"] in LANGUAGES, row
        assert isinstance(row["text"], str) and row["text"].strip(), row
        assert row["intent"] in intents, row


def test_nlu_holdout_has_every_intent_in_every_language(nlu_rows: list[dict[str, Any]]) -> None:
    intents = domain_intents()
    counts = Counter((row["lang"], row["intent"]) for row in nlu_rows)
    short = [
        f"{lang}:{intent} {counts[(lang, intent)]}"
        for lang in sorted(LANGUAGES)
        for intent in sorted(intents)
        if counts[(lang, intent)] < NLU_PER_INTENT
    ]
    assert not short, short


def test_nlu_holdout_has_no_duplicates(nlu_rows: list[dict[str, Any]]) -> None:
    keys = Counter(key(row["lang"], row["text"]) for row in nlu_rows)
    assert not [k for k, n in keys.items() if n > 1]


def training_texts() -> set[tuple[str, str]]:
    texts = set()
    for path in sorted((ROOT / "nlu" / "rasa" / "data").glob("nlu_*.yml")):
        lang = path.stem.removeprefix("nlu_")
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            for line in str(block.get("examples", "")).splitlines():
                if line.strip().startswith("- "):
                    texts.add(key(lang, line.strip()[2:]))
    return texts


def test_nlu_holdout_shares_no_message_with_the_training_data(
    nlu_rows: list[dict[str, Any]],
) -> None:
    training = training_texts()
    copied = [row["text"] for row in nlu_rows if key(row["lang"], row["text"]) in training]
    # Not printed, for the same reason as above: replace the held-out line, or take the
    # training example out again.
    assert not copied, f"{len(copied)} held-out message(s) also in nlu/rasa/data"
