"""The console's Swedish words for enumerated values, from labels.sv.yaml, checked at load.

Every danger level, category, language, intake-card value, role, audit action and wait bucket
must have a label, so no value ever reaches a social worker as a bare code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Final, get_args

import yaml

from handover.console.accounts import ROLES
from handover.stats import WAIT_BUCKETS, WAIT_LONGEST
from handover.ticket import Need, Relation, SafeToWrite, Topic, WhoFor
from nlu.types import DANGER_CATEGORIES, SUPPORTED_LANGUAGES, DangerLevel

LABELS_FILE: Final = Path(__file__).with_name("labels.sv.yaml")
CARD_FIELDS: Final = {
    "who_for": get_args(WhoFor),
    "relation": get_args(Relation),
    "topics": get_args(Topic),
    "needs": get_args(Need),
    "safe_to_write": get_args(SafeToWrite),
}
STATS_FIELDS: Final = (
    "conversations", "handovers", "young", "children_affected", "handover_refused_no_staff",
    "handover_ended_no_staff", "wait_count", "wait_mean_minutes",
)
# Why a conversation left a social worker's hands: the reasons of the queue's events.
ENDED_REASONS: Final = (
    "closed", "returned_to_bot", "user_left", "cancelled", "no_staff", "transfer", "take_over",
    "lease_expired", "off_duty",
)
SENT_KINDS: Final = ("resource_card", "unknown_resource", "emergency_info")
UI_KEYS: Final = (
    "take_this", "take_over", "open", "waited", "talking_since", "held_by", "minutes",
    "seconds", "you", "person", "young", "children", "nobody_waiting", "no_conversations",
    "no_colleagues", "on_duty", "off_duty", "go_on_duty", "go_off_duty", "acute_waiting",
    "alert_new", "alert_mine", "alert_other", "assigned", "notification_title", "reconnecting",
    "connected", "sending", "send_failed",
)
# What the queue's scripts write to the audit log (handover/audit.py).
AUDIT_ACTIONS: Final = (
    "claimed", "took_over", "transferred", "closed", "returned_to_bot", "lease_expired",
    "released_off_duty",
)
CHART_KEYS: Final = ("languages", "levels", "categories", "waits")
MESSAGE_KEYS: Final = (
    "login_failed", "login_locked_now", "login_locked", "login_throttled", "not_on_duty",
    "queue_empty", "taken", "gone", "transfer_failed", "empty_message", "too_long",
    "unknown_choice",
)


class LabelsError(ValueError):
    """labels.sv.yaml misses a label or has one for a value that does not exist."""


@dataclass(frozen=True)
class CardLabels:
    title: str
    values: Mapping[str, str]


@dataclass(frozen=True)
class Labels:
    levels: Mapping[str, str]
    categories: Mapping[str, str]
    languages: Mapping[str, str]
    card: Mapping[str, CardLabels]
    roles: Mapping[str, str]
    audit_actions: Mapping[str, str]
    ended: Mapping[str, str]
    stats: Mapping[str, str]
    wait_buckets: Mapping[str, str]
    sent: Mapping[str, str]
    errors: Mapping[str, str]
    messages: Mapping[str, str]
    charts: Mapping[str, str]
    ui: Mapping[str, str]

    def message(self, key: str, **values: object) -> str:
        return self.messages[key].format(**values)

    def error(self, status: int) -> str:
        return self.errors.get(str(status), self.errors["other"])


def _exactly(section: str, found: Mapping[str, Any], expected: tuple[str, ...]) -> list[str]:
    problems = []
    missing = [value for value in expected if value not in found]
    extra = [value for value in found if value not in expected]
    if missing:
        problems.append(f"{section}: no label for {missing}")
    if extra:
        problems.append(f"{section}: labels for unknown values {extra}")
    return problems


@cache
def load_labels(path: Path = LABELS_FILE) -> Labels:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    card = {
        name: CardLabels(title=raw["card"][name]["title"], values=raw["card"][name]["values"])
        for name in raw["card"]
    }
    wait_buckets = (*(name for _bound, name in WAIT_BUCKETS), WAIT_LONGEST)
    problems = [
        *_exactly("levels", raw["levels"], tuple(level.label for level in DangerLevel)),
        *_exactly("categories", raw["categories"], DANGER_CATEGORIES),
        *_exactly("languages", raw["languages"], SUPPORTED_LANGUAGES),
        *_exactly("card", card, tuple(CARD_FIELDS)),
        *_exactly("roles", raw["roles"], ROLES),
        *_exactly("audit_actions", raw["audit_actions"], AUDIT_ACTIONS),
        *_exactly("stats", raw["stats"], STATS_FIELDS),
        *_exactly("wait_buckets", raw["wait_buckets"], wait_buckets),
        *_exactly("ended", raw["ended"], ENDED_REASONS),
        *_exactly("sent", raw["sent"], SENT_KINDS),
        *_exactly("messages", raw["messages"], MESSAGE_KEYS),
        *_exactly("charts", raw["charts"], CHART_KEYS),
        *_exactly("ui", raw["ui"], UI_KEYS),
    ]
    if "other" not in raw["errors"]:
        problems.append("errors: no label 'other' for the statuses without their own")
    for name, labels in card.items():
        problems += _exactly(f"card.{name}", labels.values, CARD_FIELDS.get(name, ()))
    if problems:
        raise LabelsError(f"{path.name}: " + "; ".join(problems))
    return Labels(
        levels=raw["levels"],
        categories=raw["categories"],
        languages=raw["languages"],
        card=card,
        roles=raw["roles"],
        audit_actions=raw["audit_actions"],
        ended=raw["ended"],
        stats=raw["stats"],
        wait_buckets=raw["wait_buckets"],
        sent=raw["sent"],
        errors=raw["errors"],
        messages=raw["messages"],
        charts=raw["charts"],
        ui=raw["ui"],
    )
