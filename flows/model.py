"""Channel-neutral messages in and actions out. Channels (bot/) translate to and from these."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# What a person did, as far as the conversation is concerned. Channels map commands, buttons
# and non-text messages to these; nothing about who the person is travels with them.
MessageKind = Literal[
    "text",
    "start",
    "help",
    "language",
    "human",
    "exit",
    "quiet",
    "button",
    "media",
    "contact",
    "location",
    "empty",
]


@dataclass(frozen=True)
class Incoming:
    session: str
    kind: MessageKind
    channel: Literal["telegram", "web"]
    text: str = ""
    button: str | None = None
    truncated: bool = False
    language_hint: str | None = None


@dataclass(frozen=True)
class Button:
    label: str
    payload: str


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True)
class Say:
    text: str
    buttons: Keyboard = ()
    # Urgent texts (emergency) are sent first, never dropped, and always with sound.
    urgent: bool = False


@dataclass(frozen=True)
class StaffSays:
    """A social worker's own words, relayed as they wrote them (shown as from a person)."""

    text: str


@dataclass(frozen=True)
class DeleteHistory:
    """Delete what the channel can of this conversation from the person's device."""

    message_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class SetQuiet:
    on: bool


@dataclass(frozen=True)
class SetLanguage:
    """Tell the channel the language changed (the web chat switches layout and direction)."""

    lang: str
    rtl: bool


Action = Say | StaffSays | DeleteHistory | SetQuiet | SetLanguage
