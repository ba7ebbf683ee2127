"""Conversation rules: what an earlier message makes of this one (``_combos.yaml``).

A message can be harmless alone and acute in context: "he is coming home now" after a threat
to kill. The caller keeps only the running assessment (levels and categories, never text),
so every rule here is stated in those terms and works for every language alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from nlu.danger.lexicon import LEXICON_DIR, LexiconError
from nlu.types import DANGER_CATEGORIES, DangerAssessment, DangerLevel

COMBOS_PATH = LEXICON_DIR / "_combos.yaml"


@dataclass(frozen=True)
class Condition:
    """Holds for an assessment at or above min_level that has one of the categories."""

    min_level: DangerLevel
    max_level: DangerLevel
    any_category: frozenset[str]  # empty: any category, or none at all

    def holds(self, assessment: DangerAssessment) -> bool:
        if not self.min_level <= assessment.level <= self.max_level:
            return False
        return not self.any_category or bool(self.any_category & assessment.categories)


@dataclass(frozen=True)
class Combo:
    id: str
    previous: Condition | None  # None: a rule about this message alone
    current: Condition
    level: DangerLevel
    adds: frozenset[str]


def _condition(where: str, raw: object) -> Condition:
    if not isinstance(raw, Mapping):
        raise LexiconError(f"{where}: needs a mapping with min_level and/or categories")
    low = _level(where, raw.get("min_level", "concern"))
    high = _level(where, raw.get("max_level", "acute"))
    categories = frozenset(_categories(where, raw.get("categories", [])))
    if low is DangerLevel.NONE and not categories:
        raise LexiconError(f"{where}: would hold for every message; give a level or categories")
    return Condition(min_level=low, max_level=high, any_category=categories)


def _level(where: str, raw: object) -> DangerLevel:
    try:
        return DangerLevel.parse(str(raw))
    except KeyError:
        raise LexiconError(f"{where}: unknown level {raw!r}") from None


def _categories(where: str, raw: object) -> list[str]:
    if not isinstance(raw, list):
        raise LexiconError(f"{where}: categories must be a list")
    unknown = [c for c in raw if c not in DANGER_CATEGORIES]
    if unknown:
        raise LexiconError(f"{where}: unknown categories {unknown} (see DANGER_CATEGORIES)")
    return [str(c) for c in raw]


def _combo(path: Path, index: int, raw: object) -> Combo:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("id"), str):
        raise LexiconError(f"{path}: combo #{index + 1} needs an id")
    where = f"{path}: combo {raw['id']}"
    level = _level(where, raw.get("level"))
    return Combo(
        id=raw["id"],
        previous=(
            _condition(f"{where}: previous", raw["previous"]) if "previous" in raw else None
        ),
        current=_condition(f"{where}: current", raw.get("current")),
        level=level,
        adds=frozenset(_categories(where, raw.get("adds", []))),
    )


@lru_cache(maxsize=4)
def load_combos(path: Path = COMBOS_PATH) -> tuple[Combo, ...]:
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise LexiconError(f"{path}: cannot read conversation rules: {error}") from None
    combos = data.get("combos") if isinstance(data, Mapping) else None
    if not isinstance(combos, list):
        raise LexiconError(f"{path}: expected a mapping with a list 'combos'")
    return tuple(_combo(path, index, raw) for index, raw in enumerate(combos))


def apply_combos(
    current: DangerAssessment, previous: DangerAssessment, combos: tuple[Combo, ...]
) -> tuple[DangerAssessment, list[str]]:
    """Raise this message's assessment by every rule it or its context triggers."""
    fired: list[str] = []
    level, categories = current.level, set(current.categories)
    for combo in combos:
        context_holds = combo.previous is None or combo.previous.holds(previous)
        if context_holds and combo.current.holds(current):
            fired.append(combo.id)
            level = max(level, combo.level)
            categories |= combo.adds
    if not fired:
        return current, fired
    raised = DangerAssessment(level, frozenset(categories), current.matched_languages)
    return raised, fired
