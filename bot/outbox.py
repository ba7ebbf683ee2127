"""What a channel must do with the conversation's actions. Telegram and the web chat implement it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from flows.model import Action, Say


class Outbox(Protocol):
    async def say(self, message: Say) -> None:
        """Show a text (and its buttons). Urgent texts must never be dropped."""

    async def perform(self, actions: Sequence[Action]) -> None:
        """Carry out actions in order: texts, deleting history, quiet mode, language."""
