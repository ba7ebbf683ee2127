"""One message's way through the core, the same for every channel.

1. Danger is assessed in process, and an acute message gets the emergency text at once —
   before Redis or Rasa are touched, so neither being down can delay it.
2. Then the conversation engine answers, asking Rasa for the intent only when it needs one.
   If Redis is down, it still answers from the message alone.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections import defaultdict, deque
from dataclasses import replace

import structlog
from redis.exceptions import RedisError

from bot.outbox import Outbox
from bot.safety_cache import SafetyCache
from flows.engine import FlowEngine
from flows.model import Incoming, Say
from flows.session import Session
from nlu.client import RasaClient
from nlu.danger import assess
from nlu.language import identify
from nlu.normalize import clean
from nlu.types import DEFAULT_LANGUAGE, NO_DANGER, SUPPORTED_LANGUAGES, DangerAssessment, Intent

log = structlog.get_logger("bot.pipeline")


class FloodGuard:
    """At most `limit` messages per session per minute get full answers; danger is still
    assessed on every one. Over the limit, the person is told once per minute."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._seen: defaultdict[str, deque[float]] = defaultdict(deque)
        self._warned_at: dict[str, float] = {}

    def allow(self, session: str) -> bool:
        now = time.monotonic()
        seen = self._seen[session]
        while seen and now - seen[0] > 60:
            seen.popleft()
        seen.append(now)
        return len(seen) <= self._limit

    def should_warn(self, session: str) -> bool:
        now = time.monotonic()
        if now - self._warned_at.get(session, -1e9) < 60:
            return False
        self._warned_at[session] = now
        return True

    def forget(self, session: str) -> None:
        self._seen.pop(session, None)
        self._warned_at.pop(session, None)


class Pipeline:
    def __init__(
        self,
        engine: FlowEngine,
        rasa: RasaClient,
        *,
        session_ttl: int,
        max_chars: int = 4096,
        flood_limit: int = 20,
        reply_timeout: float = 5.0,
    ) -> None:
        self.engine = engine
        self.rasa = rasa
        self.known = SafetyCache(session_ttl)
        # One message at a time per conversation (after the emergency text): a quick /human
        # right behind an acute message must see the danger that message recorded.
        self._turns: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()
        self.flood = FloodGuard(flood_limit)
        self.max_chars = max_chars
        # Past this, the answer is made without the session (Redis hanging, not refusing).
        self.reply_timeout = reply_timeout

    def prepare(self, message: Incoming) -> Incoming:
        """Clean the text, cap its length, and call an empty text what it is."""
        if message.kind != "text":
            return message
        text = clean(message.text)
        if not text:
            return replace(message, kind="empty", text="")
        if len(text) > self.max_chars:
            return replace(message, text=text[: self.max_chars], truncated=True)
        return replace(message, text=text)

    async def handle(self, message: Incoming, outbox: Outbox, reply: str | None = None) -> None:
        message = self.prepare(message)
        known = self.known.get(message.session)
        lang = known.lang if known else self._guess_language(message)
        young = known.young if known else False
        assessment = assess(message.text, known.danger if known else None) if message.kind == "text" else NO_DANGER

        for say in self.engine.urgent(lang, young, assessment):
            await outbox.say(say)

        if message.kind == "text" and not self.flood.allow(message.session):
            if self.flood.should_warn(message.session):
                await outbox.say(Say(self.engine.catalog.text(lang, "flood")))
            self._remember(message.session, lang, young, assessment)
            return

        async def intent_of(session_lang: str) -> Intent:
            return await self.rasa.parse(message.text, session_lang)

        if message.kind == "exit":
            message = replace(message, language_hint=lang)
        turn = self._turns.setdefault(message.session, asyncio.Lock())
        async with turn:
            try:
                actions, session = await asyncio.wait_for(
                    self.engine.handle(message, assessment, intent_of, reply), self.reply_timeout
                )
            except (RedisError, OSError, TimeoutError) as error:
                log.warning("session_store_unavailable", error=type(error).__name__)
                actions = await self.engine.handle_offline(message, assessment, intent_of, lang, young)
                session = None
            await outbox.perform(actions)

        if message.kind == "exit":
            self.known.forget(message.session)
            self.flood.forget(message.session)
        elif session is not None:
            self._remember_session(session)
        else:
            self._remember(message.session, lang, young, assessment)

    def _remember_session(self, session: Session) -> None:
        self.known.put(session.id, session.lang or DEFAULT_LANGUAGE, session.young, session.danger, session.quiet)

    def _remember(self, session: str, lang: str, young: bool, assessment: DangerAssessment) -> None:
        previous = self.known.get(session)
        danger = previous.danger.merged_with(assessment) if previous else assessment
        self.known.put(session, lang, young, danger, previous.quiet if previous else False)

    @staticmethod
    def _guess_language(message: Incoming) -> str:
        if message.text:
            guess = identify(message.text)
            if guess.lang is not None and guess.confidence >= 0.5:
                return guess.lang
        if message.language_hint in SUPPORTED_LANGUAGES:
            return message.language_hint
        return DEFAULT_LANGUAGE
