"""Values that nlu hands to flows and handover: a language, a danger assessment, an intent.

Kept free of any I/O so every part (bot, flows, handover) can import them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Final, Literal

SUPPORTED_LANGUAGES: Final = ("sv", "en", "ar", "fa", "so", "ti", "pl", "tr", "uk", "fi", "es", "bs")
RTL_LANGUAGES: Final = frozenset({"ar", "fa"})
DEFAULT_LANGUAGE: Final = "sv"

DANGER_CATEGORIES: Final = (
    "violence_now",
    "threat_to_kill",
    "weapon",
    "strangulation",
    "suicide_self_harm",
    "child_at_risk",
    "sexual_violence",
    "confinement",
    "forced_marriage_abroad",
    "honour_threat",
    "stalking_control",
    "escalation",
    "economic_control",
    "child_witness",
)


class DangerLevel(IntEnum):
    NONE = 0
    CONCERN = 1
    HIGH = 2
    ACUTE = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, label: str) -> DangerLevel:
        return cls[label.upper()]


@dataclass(frozen=True)
class DangerAssessment:
    """How dangerous the conversation looks now. Categories are from DANGER_CATEGORIES."""

    level: DangerLevel = DangerLevel.NONE
    categories: frozenset[str] = field(default_factory=frozenset)
    # The lexicon language(s) whose rules fired; for reporting only.
    matched_languages: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_acute(self) -> bool:
        return self.level is DangerLevel.ACUTE

    def merged_with(self, other: DangerAssessment) -> DangerAssessment:
        return DangerAssessment(
            level=max(self.level, other.level),
            categories=self.categories | other.categories,
            matched_languages=self.matched_languages | other.matched_languages,
        )


NO_DANGER: Final = DangerAssessment()


@dataclass(frozen=True)
class Intent:
    """What the person is asking about, and who decided it."""

    name: str
    confidence: float
    source: Literal["rasa", "keywords", "none"]


UNKNOWN_INTENT: Final = Intent(name="out_of_scope", confidence=0.0, source="none")
