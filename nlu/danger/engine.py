"""Danger assessment: every language's rules on the folded text, then the conversation rules.

Deterministic and in-process on purpose: the emergency answer must never wait for, or depend
on, Rasa, Redis or the network.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from nlu.danger.combos import COMBOS_PATH, Combo, apply_combos, load_combos
from nlu.danger.lexicon import LEXICON_DIR, Group, Lexicon, load_lexicons, matching_form
from nlu.danger.prefilter import word_starts
from nlu.types import NO_DANGER, DangerAssessment, DangerLevel


@dataclass(frozen=True)
class Hit:
    """One rule that fired: which language's lexicon, which rule, what it means."""

    lang: str
    rule_id: str
    level: DangerLevel
    category: str | None


@dataclass(frozen=True)
class Judgement:
    """The assessment of one message and why: the rules and conversation rules that fired."""

    assessment: DangerAssessment
    hits: tuple[Hit, ...]
    combos: tuple[str, ...]

    @property
    def lang(self) -> str | None:
        """The language of the strongest rule that fired (first listed on a tie)."""
        if not self.hits:
            return None
        return max(self.hits, key=lambda hit: hit.level).lang


def _inside(span: tuple[int, int], guards: list[tuple[int, int]]) -> bool:
    return any(start <= span[0] and span[1] <= end for start, end in guards)


Span = tuple[int, int]


def _first_unguarded(regex: re.Pattern[str], text: str, guards: list[Span]) -> str | None:
    """Name of the rule group of the first match not inside a guard, or "" if unnamed."""
    position = 0
    while (match := regex.search(text, position)) is not None:
        if not _inside(match.span(), guards):
            return match.lastgroup or ""
        position = match.start() + 1
    return None


def _group_hit(group: Group, lexicon: Lexicon, text: str) -> Hit | None:
    if group.regex.search(text) is None:
        return None
    guards = [m.span() for m in lexicon.guard.finditer(text)] if lexicon.guard else []
    name = _first_unguarded(group.regex, text, guards)
    if name is None and guards:
        # The alternation tried only the first alternative at each place; a longer one that
        # reaches past the guard would be missed. Rare, so check rule by rule only here.
        name = next((f"r{i}" for i, rx in enumerate(group.rule_regexes)
                     if _first_unguarded(rx, text, guards) is not None), None)
    if name is None:
        return None
    rule_id = group.rule_ids[int(name[1:])] if name.startswith("r") else group.rule_ids[0]
    return Hit(lexicon.lang, rule_id, group.level, group.category)


class _GroupIndex:
    """Which rule groups can match a text, looked up by the text's word beginnings.

    Searching every group of every language costs far more than the few that can match;
    this keeps assess() well under a millisecond with twelve lexicons.
    """

    def __init__(self, lexicons: tuple[Lexicon, ...]) -> None:
        self.entries = [(lexicon, group) for lexicon in lexicons for group in lexicon.groups]
        self.always: set[int] = set()
        self.by_head: dict[str, list[int]] = {}
        for position, (_, group) in enumerate(self.entries):
            if group.prefixes is None:
                self.always.add(position)
                continue
            for head in group.prefixes:
                self.by_head.setdefault(head, []).append(position)

    def candidates(self, text: str) -> list[tuple[Lexicon, Group]]:
        chosen = set(self.always)
        for head in word_starts(text):
            chosen.update(self.by_head.get(head, ()))
        return [self.entries[position] for position in sorted(chosen)]


def hits_in(folded: str, entries: Iterable[tuple[Lexicon, Group]]) -> list[Hit]:
    """Search these rule groups in already folded text (``matching_form``)."""
    hits: list[Hit] = []
    for lexicon, group in entries:
        hit = _group_hit(group, lexicon, folded)
        if hit is not None:
            hits.append(hit)
    return hits


def find_hits(text: str, index: _GroupIndex) -> list[Hit]:
    folded = matching_form(text)
    return hits_in(folded, index.candidates(folded)) if folded else []


def summarise(hits: list[Hit]) -> DangerAssessment:
    if not hits:
        return NO_DANGER
    return DangerAssessment(
        level=max(hit.level for hit in hits),
        categories=frozenset(hit.category for hit in hits if hit.category),
        matched_languages=frozenset(hit.lang for hit in hits),
    )


class Engine:
    def __init__(self, lexicons: tuple[Lexicon, ...], combos: tuple[Combo, ...]) -> None:
        self.lexicons = lexicons
        self.combos = combos
        self._index = _GroupIndex(lexicons)

    @classmethod
    def from_files(cls, directory: Path = LEXICON_DIR, combos: Path = COMBOS_PATH) -> Engine:
        return cls(load_lexicons(directory), load_combos(combos))

    def judge(self, text: str, previous: DangerAssessment | None = None) -> Judgement:
        hits = find_hits(text, self._index)
        own = summarise(hits)
        assessment, fired = apply_combos(own, previous or NO_DANGER, self.combos)
        return Judgement(assessment, tuple(hits), tuple(fired))

    def assess(self, text: str, previous: DangerAssessment | None = None) -> DangerAssessment:
        return self.judge(text, previous).assessment
