"""The intent fallback for when Rasa is down or unsure: phrases from nlu/keywords/<lang>.yaml.

Each file reads ``{lang: sv, intents: {request_human: [prata med en människa, ...], ...}}``.
Text and phrases are both folded (nlu.normalize.fold) and split into words, and a phrase
matches when its words appear together in the message: "Real-person!" matches "real person",
"manniska" matches "människa", "realperson" matches nothing.

The chosen language is searched first. Only if nothing matches there are the other languages
searched, and then only for phrases specific enough to mean the same in any of them
(two words or more, or one long word): a short word of one language is often an everyday
word of another (Polish "pa" is Swedish "på" without its ring).
The longest phrase wins (most words, then most letters).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Final

import yaml

from nlu.normalize import fold
from nlu.types import SUPPORTED_LANGUAGES, Intent

KEYWORDS_DIR: Final = Path(__file__).with_name("keywords")
DOMAIN_PATH: Final = Path(__file__).parent / "rasa" / "domain.yml"
CHOSEN_LANGUAGE_CONFIDENCE: Final = 0.6
OTHER_LANGUAGE_CONFIDENCE: Final = 0.5
MIN_LETTERS_ACROSS_LANGUAGES: Final = 5
"""A one-word phrase must be at least this long to count outside its own language."""

_WORD: Final = re.compile(r"\w+")


class KeywordDataError(ValueError):
    """A keyword file is malformed; the message names the file and what to change."""


@dataclass(frozen=True)
class Phrase:
    intent: str
    words: tuple[str, ...]

    @property
    def specificity(self) -> tuple[int, int]:
        return len(self.words), sum(len(word) for word in self.words)

    @property
    def means_the_same_everywhere(self) -> bool:
        return len(self.words) > 1 or len(self.words[0]) >= MIN_LETTERS_ACROSS_LANGUAGES


def words_of(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(fold(text)))


class KeywordMatcher:
    def __init__(self, phrases: Mapping[str, Iterable[Phrase]]) -> None:
        self._by_language = {lang: {phrase.words: phrase for phrase in found}
                             for lang, found in phrases.items()}
        self._longest = {lang: max((len(words) for words in table), default=0)
                         for lang, table in self._by_language.items()}

    @property
    def languages(self) -> frozenset[str]:
        return frozenset(self._by_language)

    def match(self, text: str, lang: str | None) -> Intent | None:
        words = words_of(text)
        if not words:
            return None
        if lang in self._by_language:
            own = self._best_in(lang, words, everywhere_only=False)
            if own is not None:
                return Intent(own.intent, CHOSEN_LANGUAGE_CONFIDENCE, "keywords")
        others = (self._best_in(other, words, everywhere_only=True)
                  for other in self._by_language if other != lang)
        best = max((phrase for phrase in others if phrase is not None),
                   key=lambda phrase: phrase.specificity, default=None)
        return None if best is None else Intent(best.intent, OTHER_LANGUAGE_CONFIDENCE, "keywords")

    def _best_in(self, lang: str, words: tuple[str, ...], *, everywhere_only: bool) -> Phrase | None:
        table = self._by_language[lang]
        for size in range(min(self._longest[lang], len(words)), 0, -1):
            found = [table[window] for start in range(len(words) - size + 1)
                     if (window := words[start:start + size]) in table]
            if everywhere_only:
                found = [phrase for phrase in found if phrase.means_the_same_everywhere]
            if found:
                return max(found, key=lambda phrase: phrase.specificity)
        return None


def match_keywords(text: str, lang: str | None) -> Intent | None:
    """The intent the shipped keyword files point at, or None. source="keywords"."""
    return default_matcher().match(text, lang)


@cache
def default_matcher() -> KeywordMatcher:
    """Loaded and checked once per process; a broken file fails here, at start-up."""
    return load_keywords(KEYWORDS_DIR, domain_intents())


@cache
def domain_intents(path: Path = DOMAIN_PATH) -> frozenset[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    intents = data.get("intents") if isinstance(data, dict) else None
    if not isinstance(intents, list) or not all(isinstance(name, str) for name in intents):
        raise KeywordDataError(f"{path}: expected `intents:` with a list of intent names")
    return frozenset(intents)


def load_keywords(directory: Path, known_intents: frozenset[str]) -> KeywordMatcher:
    phrases = {}
    for path in sorted(directory.glob("*.yaml")):
        lang, found = _load_file(path, known_intents)
        phrases[lang] = found
    return KeywordMatcher(phrases)


def _load_file(path: Path, known_intents: frozenset[str]) -> tuple[str, list[Phrase]]:
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise KeywordDataError(f"{path}: not valid YAML ({error})") from error
    if not isinstance(data, dict) or set(data) != {"lang", "intents"}:
        raise KeywordDataError(f"{path}: expected exactly two keys, `lang:` and `intents:`")
    lang = data["lang"]
    if lang not in SUPPORTED_LANGUAGES or path.stem != lang:
        raise KeywordDataError(
            f"{path}: `lang: {lang}` must be one of {SUPPORTED_LANGUAGES} and match the file name"
        )
    if not isinstance(data["intents"], dict):
        raise KeywordDataError(f"{path}: `intents:` must map intent names to lists of phrases")
    seen: dict[tuple[str, ...], str] = {}
    for intent, raw_phrases in data["intents"].items():
        if intent not in known_intents:
            raise KeywordDataError(
                f"{path}: intent {intent!r} is not in {DOMAIN_PATH.name}; use one of "
                f"{sorted(known_intents)}"
            )
        if not isinstance(raw_phrases, list) or not raw_phrases:
            raise KeywordDataError(f"{path}: `{intent}:` must be a non-empty list of phrases")
        for raw in raw_phrases:
            words = _phrase_words(path, intent, raw)
            if seen.get(words, intent) != intent:
                raise KeywordDataError(
                    f"{path}: {raw!r} is listed under both {seen[words]} and {intent}; keep it "
                    "under one"
                )
            seen[words] = intent
    return lang, [Phrase(intent, words) for words, intent in seen.items()]


def _phrase_words(path: Path, intent: str, raw: object) -> tuple[str, ...]:
    if not isinstance(raw, str):
        raise KeywordDataError(
            f"{path}: under {intent}, {raw!r} is read as {type(raw).__name__}, not text; "
            'put it in quotes ("yes", "no", "114 14")'
        )
    words = words_of(raw)
    if not words:
        raise KeywordDataError(f"{path}: under {intent}, {raw!r} has no letters or digits")
    return words
