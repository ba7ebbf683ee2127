"""The client of the Rasa NLU server, which never lets Rasa's trouble become the user's.

Every call has a short timeout. After `failure_threshold` failures in a row the circuit
opens: for `reset_after` seconds no call goes to Rasa, then one trial call decides whether
it closes again. Whenever Rasa cannot answer, the keyword matcher (nlu.keywords) does; when
Rasa answers unsure, the keyword matcher gets a say before the answer becomes out_of_scope.

Logs carry status, latency and intent name, never the message.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Final

import aiohttp
import structlog

from nlu.keywords import default_matcher, domain_intents, match_keywords
from nlu.types import UNKNOWN_INTENT, Intent

log = structlog.get_logger("nlu.client")

RASA_FALLBACK_INTENT: Final = "nlu_fallback"


class RasaUnavailable(Exception):
    """Rasa did not give a usable answer: refused, timed out, failed, or answered nonsense."""


class CircuitBreaker:
    """Closed: calls go through. Open: none do. Half-open: exactly one trial call does.

    Opens after `failure_threshold` failures in a row; half-opens `reset_after` seconds later.
    The trial's success closes it, its failure opens it for another `reset_after`.
    """

    def __init__(self, failure_threshold: int, reset_after: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if failure_threshold < 1:
            raise ValueError("failure_threshold must be at least 1")
        self._threshold = failure_threshold
        self._reset_after = reset_after
        self._clock = clock
        self._failures_in_a_row = 0
        self._opened_at: float | None = None
        self._trial_running = False

    @property
    def state(self) -> str:
        if self._opened_at is None:
            return "closed"
        if self._clock() - self._opened_at < self._reset_after:
            return "open"
        return "half_open"

    def allow_call(self) -> bool:
        """May a call go out now? In half-open state, True once, for the trial."""
        state = self.state
        if state == "closed":
            return True
        if state == "half_open" and not self._trial_running:
            self._trial_running = True
            return True
        return False

    def record_success(self) -> None:
        self._failures_in_a_row = 0
        self._opened_at = None
        self._trial_running = False

    def record_failure(self) -> None:
        self._failures_in_a_row += 1
        if self._trial_running or self._failures_in_a_row >= self._threshold:
            self._opened_at = self._clock()
        self._trial_running = False

    def record_abandoned(self) -> None:
        """The call was cancelled by our side: it says nothing about Rasa; free the trial."""
        self._trial_running = False


class RasaClient:
    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 0.8,
        failure_threshold: int = 3,
        reset_after: float = 15.0,
        min_confidence: float = 0.5,
        session: aiohttp.ClientSession | None = None,
    ) -> None:
        self._parse_url = f"{base_url.rstrip('/')}/model/parse"
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._min_confidence = min_confidence
        self._breaker = CircuitBreaker(failure_threshold, reset_after)
        self._session = session
        self._owns_session = session is None
        self._intents = domain_intents()
        default_matcher()  # a broken keyword file should fail at start-up, not in an outage

    @property
    def available(self) -> bool:
        """The circuit is closed: Rasa answered the last calls (or has not failed yet)."""
        return self._breaker.state == "closed"

    async def parse(self, text: str, lang: str | None) -> Intent:
        """The intent of `text`. Never raises for Rasa's trouble: falls back to keywords."""
        if not self._breaker.allow_call():
            log.debug("rasa.skipped", circuit=self._breaker.state)
            return self._fallback(text, lang)
        started = time.perf_counter()
        try:
            status, body = await self._post(text)
        except RasaUnavailable as trouble:
            self._breaker.record_failure()
            log.warning("rasa.failed", reason=str(trouble), latency_ms=_since(started),
                        circuit=self._breaker.state)
            return self._fallback(text, lang)
        except BaseException:
            self._breaker.record_abandoned()
            raise
        self._breaker.record_success()
        intent = self._understood(body, text, lang)
        log.debug("rasa.parsed", status=status, latency_ms=_since(started), intent=intent.name,
                  source=intent.source)
        return intent

    async def close(self) -> None:
        """Close the session this client opened; a session passed in is the caller's to close."""
        if self._owns_session and self._session is not None:
            await self._session.close()
            self._session = None

    async def _post(self, text: str) -> tuple[int, dict[str, Any]]:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        try:
            async with self._session.post(self._parse_url, json={"text": text},
                                          timeout=self._timeout) as response:
                if response.status != 200:
                    raise RasaUnavailable(f"status {response.status}")
                body = await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:
            raise RasaUnavailable(type(error).__name__) from error
        if not isinstance(body, dict) or not isinstance(body.get("intent"), dict):
            raise RasaUnavailable("answer without an intent")
        return response.status, body

    def _understood(self, body: dict[str, Any], text: str, lang: str | None) -> Intent:
        name = body["intent"].get("name")
        confidence = body["intent"].get("confidence")
        if (
            name == RASA_FALLBACK_INTENT
            or name not in self._intents
            or not isinstance(confidence, int | float)
            or confidence < self._min_confidence
        ):
            return match_keywords(text, lang) or Intent("out_of_scope", 0.0, "rasa")
        return Intent(name, float(confidence), "rasa")

    def _fallback(self, text: str, lang: str | None) -> Intent:
        return match_keywords(text, lang) or UNKNOWN_INTENT


def _since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)

