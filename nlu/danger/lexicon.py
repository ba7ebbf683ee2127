"""Loading, checking and compiling the danger lexicons (``nlu/danger/<lang>.yaml``).

Every lexicon file is folded with the same ``fold()`` as the text, checked strictly (a
broken rule must stop the bot from starting, not silently stop detecting danger) and
compiled to one regex alternation per (language, level, category): a handful of regex
searches per language instead of one per pattern.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from nlu.danger.prefilter import prefixes_of
from nlu.normalize import fold
from nlu.types import DANGER_CATEGORIES, SUPPORTED_LANGUAGES, DangerLevel

LEXICON_DIR = Path(__file__).parent
SHARED_GUARDS = "_guards.yaml"

# A backslash and the character after it; everything else is folded like message text.
_ESCAPE = re.compile(r"\\.", re.DOTALL)
_UPPERCASE_ESCAPE = re.compile(r"\\[A-Z]")
# Typographic apostrophes become ASCII ones in both text and patterns ("he’s" = "he's").
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u00b4": "'", "`": "'"})
_RULE_LEVELS = {level.label: level for level in DangerLevel if level is not DangerLevel.NONE}


class LexiconError(ValueError):
    """A lexicon or conversation-rule file that must be fixed before the engine can run."""


@dataclass(frozen=True)
class Group:
    """All rules of one language with the same level and category, as one regex."""

    lang: str
    level: DangerLevel
    category: str | None
    regex: re.Pattern[str]
    # Named group "r<i>" of the regex belongs to rule_ids[i]; rule_regexes[i] is that rule
    # alone, for the rare second look when a guard swallowed the alternation's match.
    rule_ids: tuple[str, ...]
    rule_regexes: tuple[re.Pattern[str], ...]
    # How a match can begin; None: cannot tell, always search (see prefilter.py).
    prefixes: frozenset[str] | None


@dataclass(frozen=True)
class Lexicon:
    lang: str
    path: Path
    groups: tuple[Group, ...]
    guard: re.Pattern[str] | None  # all guards as one regex: does any apply at all?
    # Each guard alone, so overlapping guards all count (one alternation's matches cannot
    # overlap, and a short guard would hide a longer one starting inside it).
    guard_patterns: tuple[re.Pattern[str], ...] = ()
    # Shared by every lexicon of a directory (``_guards.yaml``): words that make their whole
    # sentence harmless (a named video game, laughter); see ``scene_spans``.
    scenes: tuple[Scene, ...] = ()


def matching_form(text: str) -> str:
    """The form rules are matched on: ``fold()`` with one kind of apostrophe."""
    return fold(text).translate(_APOSTROPHES)


def fold_pattern(pattern: str) -> str:
    """Fold a regex like message text, leaving escapes (``\\w``, ``\\.``) untouched."""
    pieces: list[str] = []
    position = 0
    for escape in _ESCAPE.finditer(pattern):
        pieces.append(_fold_keeping_edges(pattern[position : escape.start()]))
        pieces.append(escape.group())
        position = escape.end()
    pieces.append(_fold_keeping_edges(pattern[position:]))
    return "".join(pieces)


def _fold_keeping_edges(chunk: str) -> str:
    # fold() trims the text; inside a pattern a leading or trailing space is meaningful.
    core = chunk.strip()
    if not core:
        return " " if chunk else ""
    lead = " " if chunk[0].isspace() else ""
    tail = " " if chunk[-1].isspace() else ""
    return lead + matching_form(core) + tail


def bounded(pattern: str) -> str:
    return rf"(?<!\w)(?:{pattern})(?!\w)"


def check_pattern(where: str, raw: object) -> str:
    """Return the folded pattern, or raise a LexiconError saying what is wrong and where.

    Only the cheap checks; ``compile_checked`` compiles and finds a pattern that is broken.
    """
    if not isinstance(raw, str) or not raw.strip():
        raise LexiconError(f"{where}: a pattern must be a non-empty string, got {raw!r}")
    for escape in _ESCAPE.finditer(raw):
        if _UPPERCASE_ESCAPE.fullmatch(escape.group()):
            raise LexiconError(
                f"{where}: uppercase escape {escape.group()!r} in {raw!r}; text is case-folded, "
                r"use only lowercase escapes (\b \s \w \d)"
            )
    return fold_pattern(raw)


def compile_checked(where: str, raws: list[Any], folded: list[str]) -> re.Pattern[str]:
    """Compile the patterns as one bounded alternation; name the pattern that breaks it.

    Compiling per rule rather than per pattern keeps start-up short; the patterns are only
    compiled one by one to find the culprit when something is wrong.
    """
    try:
        compiled = re.compile(bounded(_alternation(folded)))
    except re.error:
        for raw, pattern in zip(raws, folded, strict=True):
            try:
                re.compile(bounded(pattern))
            except re.error as error:
                raise LexiconError(f"{where}: regex {raw!r} does not compile: {error}") from None
        raise
    if _fires_on_nothing(compiled):
        culprit = next(raw for raw, pattern in zip(raws, folded, strict=True)
                       if _fires_on_nothing(re.compile(bounded(pattern))))
        raise LexiconError(f"{where}: regex {culprit!r} matches empty text and would fire on anything")
    return compiled


def _alternation(patterns: list[str]) -> str:
    return "|".join(f"(?:{pattern})" for pattern in patterns)


def _fires_on_nothing(regex: re.Pattern[str]) -> bool:
    return regex.search("") is not None or regex.search(" . ") is not None


def _read_yaml(path: Path) -> Mapping[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise LexiconError(f"{path}: not valid YAML: {error}") from None
    if not isinstance(data, Mapping):
        raise LexiconError(f"{path}: expected a mapping with 'lang' and 'rules'")
    return data


@dataclass(frozen=True)
class _Rule:
    id: str
    level: DangerLevel
    category: str | None
    body: str  # the folded patterns as one alternation
    regex: re.Pattern[str]  # body, bounded


def _rule(path: Path, index: int, rule: object) -> _Rule:
    if not isinstance(rule, Mapping):
        raise LexiconError(f"{path}: rule #{index + 1} is not a mapping")
    rule_id = rule.get("id")
    if not isinstance(rule_id, str) or not rule_id:
        raise LexiconError(f"{path}: rule #{index + 1} has no id")
    where = f"{path}: rule {rule_id}"
    level = _RULE_LEVELS.get(str(rule.get("level")))
    if level is None:
        raise LexiconError(
            f"{where}: unknown level {rule.get('level')!r} (use one of {sorted(_RULE_LEVELS)})"
        )
    category = rule.get("category")
    if category is None and level is not DangerLevel.CONCERN:
        raise LexiconError(f"{where}: a {level.label} rule needs a category")
    if category is not None and category not in DANGER_CATEGORIES:
        raise LexiconError(f"{where}: unknown category {category!r} (see DANGER_CATEGORIES)")
    patterns = rule.get("patterns")
    if not isinstance(patterns, list) or not patterns:
        raise LexiconError(f"{where}: needs a non-empty list of patterns")
    folded = [check_pattern(where, pattern) for pattern in patterns]
    regex = compile_checked(where, patterns, folded)
    return _Rule(rule_id, level, category, _alternation(folded), regex)


def load_lexicon(path: Path) -> Lexicon:
    data = _read_yaml(path)
    lang = data.get("lang")
    if lang != path.stem or lang not in SUPPORTED_LANGUAGES:
        raise LexiconError(
            f"{path}: lang {lang!r} must be the file's name and one of {SUPPORTED_LANGUAGES}"
        )
    rules = data.get("rules")
    if not isinstance(rules, list) or not rules:
        raise LexiconError(f"{path}: needs a non-empty list of rules")
    by_key: dict[tuple[DangerLevel, str | None], list[_Rule]] = {}
    seen: set[str] = set()
    for index, raw in enumerate(rules):
        rule = _rule(path, index, raw)
        if rule.id in seen:
            raise LexiconError(f"{path}: rule {rule.id}: id used twice")
        seen.add(rule.id)
        by_key.setdefault((rule.level, rule.category), []).append(rule)
    groups = tuple(
        _compile_group(lang, level, category, members)
        for (level, category), members in sorted(by_key.items(), key=lambda kv: -kv[0][0])
    )
    guard, guard_patterns = _compile_guards(path, data)
    return Lexicon(
        lang=lang,
        path=path,
        groups=groups,
        guard=guard,
        guard_patterns=guard_patterns,
        scenes=_scenes(path.parent / SHARED_GUARDS),
    )


def _compile_group(
    lang: str, level: DangerLevel, category: str | None, members: list[_Rule]
) -> Group:
    combined = "|".join(f"(?P<r{index}>{rule.body})" for index, rule in enumerate(members))
    return Group(
        lang=lang,
        level=level,
        category=category,
        regex=re.compile(bounded(combined)),
        rule_ids=tuple(rule.id for rule in members),
        rule_regexes=tuple(rule.regex for rule in members),
        prefixes=prefixes_of(combined),
    )


def _compile_guards(
    path: Path, data: Mapping[str, Any]
) -> tuple[re.Pattern[str] | None, tuple[re.Pattern[str], ...]]:
    """The lexicon's guards and the shared ones: as one regex, and each alone."""
    guards = data.get("guards") or []
    if not isinstance(guards, list):
        raise LexiconError(f"{path}: guards must be a list of patterns")
    folded = [check_pattern(f"{path}: guard #{i + 1}", g) for i, g in enumerate(guards)]
    if not folded:
        return None, ()
    combined = compile_checked(f"{path}: guards", guards, folded)
    return combined, tuple(re.compile(bounded(pattern)) for pattern in folded)


@dataclass(frozen=True)
class Scene:
    """Words that make their sentence harmless: for every rule, or only for ``categories``."""

    regex: re.Pattern[str]
    categories: frozenset[str] | None


@lru_cache(maxsize=8)
def _scenes(path: Path) -> tuple[Scene, ...]:
    """The shared scenes (``_guards.yaml``: ``scenes``), if the directory has them."""
    if not path.exists():
        return ()
    raw_scenes = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("scenes") or []
    if not isinstance(raw_scenes, list):
        raise LexiconError(f"{path}: scenes must be a list")
    scenes = []
    for number, raw in enumerate(raw_scenes, start=1):
        where = f"{path}: scene #{number}"
        pattern, categories = (raw.get("pattern"), raw.get("categories")) if isinstance(raw, dict) else (raw, None)
        if categories is not None and (not isinstance(categories, list)
                                       or not set(categories) <= set(DANGER_CATEGORIES)):
            raise LexiconError(f"{where}: categories must be a list of {sorted(DANGER_CATEGORIES)}")
        folded = check_pattern(where, pattern)
        scenes.append(Scene(compile_checked(where, [pattern], [folded]),
                            frozenset(categories) if categories is not None else None))
    return tuple(scenes)


# A scene word covers its sentence, at most this far either side.
SCENE_REACH = 80
_SENTENCE_END = re.compile(r"[.!?\n]")


def scene_spans(text: str, scene: Scene) -> list[tuple[int, int]]:
    """The sentence around each scene word, at most SCENE_REACH characters either side."""
    spans = []
    for match in scene.regex.finditer(text):
        start = max(0, match.start() - SCENE_REACH)
        before = [end.end() for end in _SENTENCE_END.finditer(text, start, match.start())]
        after = _SENTENCE_END.search(text, match.end(), match.end() + SCENE_REACH)
        spans.append((before[-1] if before else start,
                      after.start() if after else min(len(text), match.end() + SCENE_REACH)))
    return spans


def lexicon_paths(directory: Path) -> Iterator[Path]:
    # Files starting with "_" hold language-independent data (conversation rules).
    return (path for path in sorted(directory.glob("*.yaml")) if not path.name.startswith("_"))


@lru_cache(maxsize=8)
def load_lexicons(directory: Path = LEXICON_DIR) -> tuple[Lexicon, ...]:
    """Every lexicon in ``directory``, checked and compiled; cached per directory."""
    lexicons = tuple(load_lexicon(path) for path in lexicon_paths(directory))
    if not lexicons:
        raise LexiconError(f"{directory}: no danger lexicons found")
    return lexicons
