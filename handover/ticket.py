"""What a handover ticket holds: who is waiting, how dangerous it looks, a short intake card.

A ticket has no reply address and nothing that identifies the person: the session pseudonym,
the language, the danger assessment, two flags and an intake card whose every field is an
enumerated value (no free text, so nothing the person typed ends up in the queue).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Literal, get_args

from handover.config import check_session
from nlu.types import DANGER_CATEGORIES, SUPPORTED_LANGUAGES, DangerAssessment, DangerLevel

WhoFor = Literal["self", "own_child", "someone_else", "professional"]
Relation = Literal["partner", "ex_partner", "parent", "family", "other", "unknown"]
Topic = Literal[
    "physical",
    "psychological",
    "sexual",
    "material",
    "economic",
    "latent",
    "neglect",
    "honour",
    "digital",
    "own_violence",
    "other",
]
Need = Literal[
    "talk",
    "safety_now",
    "shelter",
    "police_report",
    "contact_ban",
    "protected_identity",
    "child_support",
    "financial_help",
    "support_to_stop",
    "information",
]
SafeToWrite = Literal["yes", "no", "unknown"]


def _check(value: str, allowed: object, what: str) -> None:
    if value not in get_args(allowed):
        raise ValueError(f"{what} {value!r} is not one of {get_args(allowed)}")


@dataclass(frozen=True)
class IntakeCard:
    """What the bot learned before the handover, as choices, for the social worker's first look.

    safe_to_write: whether the person said staff may write first (someone may read along).
    """

    who_for: WhoFor = "self"
    relation: Relation = "unknown"
    topics: frozenset[Topic] = frozenset()
    needs: frozenset[Need] = frozenset()
    safe_to_write: SafeToWrite = "unknown"

    def __post_init__(self) -> None:
        _check(self.who_for, WhoFor, "who_for")
        _check(self.relation, Relation, "relation")
        _check(self.safe_to_write, SafeToWrite, "safe_to_write")
        for topic in self.topics:
            _check(topic, Topic, "topic")
        for need in self.needs:
            _check(need, Need, "need")

    def to_json(self) -> str:
        return json.dumps(
            {
                "who_for": self.who_for,
                "relation": self.relation,
                "topics": sorted(self.topics),
                "needs": sorted(self.needs),
                "safe_to_write": self.safe_to_write,
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str) -> IntakeCard:
        data = json.loads(text)
        return cls(
            who_for=data["who_for"],
            relation=data["relation"],
            topics=frozenset(data["topics"]),
            needs=frozenset(data["needs"]),
            safe_to_write=data["safe_to_write"],
        )


def priority_score(level: DangerLevel, since_ms: int) -> int:
    """Sort key of the waiting queue: lower first. Same formula as priority() in prelude.lua.

    The level takes the digits above 10^13 ms (~317 years), the arrival time those below, so
    every acute ticket sorts before every high one, and within a level the older first. The
    largest score (3·10^13 + now) stays far below 2^53: exact as a Redis score.
    """
    return (DangerLevel.ACUTE - level) * 10**13 + since_ms


@dataclass(frozen=True)
class Ticket:
    session: str
    language: str
    danger: DangerAssessment = field(default_factory=DangerAssessment)
    young: bool = False
    children_affected: bool = False
    card: IntakeCard = field(default_factory=IntakeCard)
    since: float | None = None
    """When the person started waiting (epoch seconds); set by the queue, None before."""

    def __post_init__(self) -> None:
        check_session(self.session)
        if self.language not in SUPPORTED_LANGUAGES:
            raise ValueError(f"language {self.language!r} is not supported")
        unknown = self.danger.categories - set(DANGER_CATEGORIES)
        if unknown:
            raise ValueError(f"unknown danger categories {sorted(unknown)}")

    @property
    def level(self) -> DangerLevel:
        return self.danger.level

    def script_args(self) -> list[str | int]:
        """The arguments of enqueue.lua after the session."""
        return [
            self.language,
            int(self.danger.level),
            categories_field(self.danger.categories),
            int(self.young),
            int(self.children_affected),
            self.card.to_json(),
        ]

    @classmethod
    def from_fields(cls, fields: dict[str, str]) -> Ticket:
        """A ticket from its Redis hash."""
        return cls(
            session=fields["session"],
            language=fields["lang"],
            danger=DangerAssessment(
                level=DangerLevel(int(fields["level"])),
                categories=parse_categories(fields.get("categories", "")),
            ),
            young=fields.get("young") == "1",
            children_affected=fields.get("children") == "1",
            card=IntakeCard.from_json(fields["card"]),
            since=int(fields["since"]) / 1000,
        )


def categories_field(categories: frozenset[str]) -> str:
    return ",".join(sorted(categories))


def parse_categories(text: str) -> frozenset[str]:
    return frozenset(part for part in text.split(",") if part)


def pairs(flat: list[str]) -> dict[str, str]:
    """A Lua HGETALL reply (key, value, key, value, ...) as a dict."""
    return dict(zip(flat[::2], flat[1::2], strict=True))
