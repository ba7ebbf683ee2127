"""Danger assessment: every language's rules on the folded text, a second opinion from a
small model (it may raise the level, never lower it), then the conversation rules.

Deterministic and in-process on purpose: the emergency answer must never wait for, or depend
on, Rasa, Redis or the network.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from nlu.danger.combos import COMBOS_PATH, Combo, apply_combos, load_combos
from nlu.danger.lexicon import LEXICON_DIR, Group, Lexicon, load_lexicons, matching_form, scene_spans
from nlu.danger.prefilter import word_starts
from nlu.danger.second_opinion import SecondOpinion
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
    # What the second opinion raised this message to, if it raised it above the rules.
    raised_by_model: DangerLevel | None = None

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


# A guarded stretch of text, and the categories whose rules it silences (None: all).
Guard = tuple[int, int, frozenset[str] | None]


def _group_hit(group: Group, lexicon: Lexicon, text: str, guards: list[Guard]) -> Hit | None:
    spans = [(start, end) for start, end, categories in guards
             if categories is None or group.category in categories]
    name = _first_unguarded(group.regex, text, spans)
    if name is None and spans:
        # The alternation tried only the first alternative at each place; a longer one that
        # reaches past the guard would be missed. Rare, so check rule by rule only here.
        name = next((f"r{i}" for i, rx in enumerate(group.rule_regexes)
                     if _first_unguarded(rx, text, spans) is not None), None)
    if name is None:
        return None
    rule_id = group.rule_ids[int(name[1:])] if name.startswith("r") else group.rule_ids[0]
    return Hit(lexicon.lang, rule_id, group.level, group.category)


def guard_spans(text: str, lexicons: Iterable[Lexicon]) -> list[Guard]:
    """Where any language's guard or a shared scene matches. A guard marks a harmless phrase
    ("this exam is killing me", "namus şiddeti hakkında ödev"), whichever language's rule
    fires inside it. Each guard is tried alone only in lexicons whose combined guard regex
    matched at all."""
    lexicons = list(lexicons)
    guards: list[Guard] = [
        (*match.span(), None) for lexicon in lexicons
        if lexicon.guard is not None and lexicon.guard.search(text) is not None
        for pattern in lexicon.guard_patterns for match in pattern.finditer(text)]
    scenes = {id(scene): scene for lexicon in lexicons for scene in lexicon.scenes}
    for scene in scenes.values():
        guards.extend((start, end, scene.categories) for start, end in scene_spans(text, scene))
    return guards


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


def hits_in(folded: str, entries: Iterable[tuple[Lexicon, Group]], guards: list[Guard]) -> list[Hit]:
    """Search these rule groups in already folded text (``matching_form``), ignoring matches
    inside the guard spans (``guard_spans``)."""
    hits: list[Hit] = []
    for lexicon, group in entries:
        if group.regex.search(folded) is None:
            continue
        hit = _group_hit(group, lexicon, folded, guards)
        if hit is not None:
            hits.append(hit)
    return hits


def summarise(hits: list[Hit]) -> DangerAssessment:
    if not hits:
        return NO_DANGER
    return DangerAssessment(
        level=max(hit.level for hit in hits),
        categories=frozenset(hit.category for hit in hits if hit.category),
        matched_languages=frozenset(hit.lang for hit in hits),
    )


# A message this short that says no more than "he is coming home" is all context signal.
CONTEXT_SIGNAL_MAX_WORDS = 8


def _context_signal_only(hits: list[Hit], folded: str) -> bool:
    """Only "he is coming home" and the like: a sign the rules file at concern because it means
    danger only after earlier messages (``_combos.yaml``). The conversation rules decide it;
    the model, which sees one message, is not asked. A longer message says more than that
    ("he's on his way home drunk and said tonight I'll see"), and the model reads the rest."""
    return (bool(hits) and len(folded.split()) <= CONTEXT_SIGNAL_MAX_WORDS
            and all(hit.level is DangerLevel.CONCERN and hit.category == "violence_now" for hit in hits))


class Engine:
    def __init__(self, lexicons: tuple[Lexicon, ...], combos: tuple[Combo, ...],
                 second_opinion: SecondOpinion | None = None) -> None:
        self.lexicons = lexicons
        self.combos = combos
        self.second_opinion = second_opinion
        self._index = _GroupIndex(lexicons)

    @classmethod
    def from_files(cls, directory: Path = LEXICON_DIR, combos: Path = COMBOS_PATH,
                   second_opinion: SecondOpinion | None = None) -> Engine:
        return cls(load_lexicons(directory), load_combos(combos), second_opinion)

    def judge(self, text: str, previous: DangerAssessment | None = None) -> Judgement:
        folded = matching_form(text)
        guards = guard_spans(folded, self.lexicons) if folded else []
        hits = hits_in(folded, self._index.candidates(folded), guards) if folded else []
        own = summarise(hits)
        previous = previous or NO_DANGER
        assessment, fired = apply_combos(own, previous, self.combos)
        raised = None if _context_signal_only(hits, folded) else self._model_level(folded, bool(guards))
        if raised is None or raised <= own.level:
            return Judgement(assessment, tuple(hits), tuple(fired))
        # The conversation rules read the message's own level ("coming home" at concern after
        # violence is acute), so they run on the rules' view and on the raised one; the
        # higher outcome stands, and the model can never lower what the rules said.
        with_model, fired_with_model = apply_combos(
            DangerAssessment(raised, own.categories, own.matched_languages), previous, self.combos)
        if with_model.level <= assessment.level:
            return Judgement(assessment, tuple(hits), tuple(fired))
        return Judgement(with_model, tuple(hits), tuple(fired_with_model), raised)

    def _model_level(self, folded: str, guarded: bool) -> DangerLevel | None:
        if self.second_opinion is None or not folded:
            return None
        if guarded:
            # The rules recognised a figure of speech ("this exam is killing me") or a denial
            # ("he doesn't hit me"): exactly where n-grams of "kill" or "hit" mislead the
            # model. Whatever else the rules found in the message still counts.
            return None
        return self.second_opinion.level(folded)

    def assess(self, text: str, previous: DangerAssessment | None = None) -> DangerAssessment:
        return self.judge(text, previous).assessment
