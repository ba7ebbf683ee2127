"""What the pages and sockets show: tickets, messages and resources as plain dicts.

The same dicts fill the Jinja templates (autoescaped) and go to the browser as JSON (where the
scripts only ever set textContent). A ticket shows a short pseudonym and enumerated values;
nothing here can carry a name, a Telegram id or the channel.
"""

from __future__ import annotations

from typing import Any, Final

from flows.content import Catalog
from flows.resources import LOCAL_CONTACTS, Resources
from handover.console.labels import Labels
from handover.queue import LiveConversation
from handover.relay import RelayMessage
from handover.ticket import IntakeCard, Ticket
from nlu.types import DANGER_CATEGORIES, DangerLevel

SHORT_PSEUDONYM: Final = 6
CANNED_KEYS: Final = (
    "canned.hello", "canned.are_you_safe", "canned.take_your_time", "canned.call_112",
    "canned.goodbye",
)
STAFF_LANGUAGE: Final = "sv"

View = dict[str, Any]


def short(session: str) -> str:
    return session[:SHORT_PSEUDONYM]


def _card_rows(card: IntakeCard, labels: Labels) -> list[View]:
    values: dict[str, list[str]] = {
        "who_for": [card.who_for],
        "relation": [card.relation],
        "topics": sorted(card.topics),
        "needs": sorted(card.needs),
        "safe_to_write": [card.safe_to_write],
    }
    return [
        {
            "field": name,
            "title": labels.card[name].title,
            "value": ", ".join(labels.card[name].values[v] for v in chosen) or "–",
            "warn": name == "safe_to_write" and card.safe_to_write == "no",
        }
        for name, chosen in values.items()
    ]


def ticket_view(ticket: Ticket, labels: Labels, live: LiveConversation | None = None) -> View:
    order = {category: index for index, category in enumerate(DANGER_CATEGORIES)}
    return {
        "session": ticket.session,
        "short": short(ticket.session),
        "language": ticket.language,
        "language_name": labels.languages[ticket.language],
        "level": ticket.level.label,
        "level_name": labels.levels[ticket.level.label],
        "acute": ticket.level is DangerLevel.ACUTE,
        "categories": [
            labels.categories[c] for c in sorted(ticket.danger.categories, key=order.__getitem__)
        ],
        "young": ticket.young,
        "children_affected": ticket.children_affected,
        "card": _card_rows(ticket.card, labels),
        "since": ticket.since,
        "staff": live.staff if live else None,
        "claimed_at": live.claimed_at if live else None,
    }


def resource_choices(resources: Resources) -> list[View]:
    """The cards a social worker can send: the national lines, then the municipality's own."""
    cards = [
        {"id": line.id, "name": line.name, "number": line.number, "hours": line.hours,
         "local": False}
        for line in resources.national.values()
    ]
    for key in LOCAL_CONTACTS:
        contact = getattr(resources.municipality, key)
        cards.append({"id": key, "name": contact.name, "number": contact.number,
                      "hours": contact.hours, "local": True})
    return cards


def resource_ids(resources: Resources) -> frozenset[str]:
    return frozenset(card["id"] for card in resource_choices(resources))


def canned_choices(catalog: Catalog, language: str) -> list[View]:
    """Each canned reply: what the social worker reads (Swedish) and what the person gets."""
    return [
        {
            "key": key,
            "label": catalog.text(STAFF_LANGUAGE, key),
            "text": catalog.text(language, key),
        }
        for key in CANNED_KEYS
    ]


def message_view(
    message: RelayMessage, labels: Labels, resources: Resources, language: str
) -> View:
    text = message.text
    if message.kind == "resource_card":
        card = next((c for c in resource_choices(resources) if c["id"] == message.text), None)
        text = (
            labels.sent["resource_card"].format(name=card["name"], number=card["number"])
            if card else labels.sent["unknown_resource"]
        )
    elif message.kind == "emergency_info":
        text = labels.sent["emergency_info"].format(language=labels.languages[language])
    return {
        "id": message.stream_id,
        "from": message.sender,
        "staff": message.staff,
        "kind": message.kind,
        "text": text,
        "at": message.at,
    }
