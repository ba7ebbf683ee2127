"""The Rasa client's breaker and fallback, against a stand-in Rasa (the real one: integration/)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from structlog.testing import capture_logs

from devstack.services import free_port
from nlu.client import CircuitBreaker, RasaClient

REQUEST_HUMAN_EN = "I want to talk to a real person"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# --- the breaker on its own ------------------------------------------------------------

def test_breaker_opens_after_three_failures_in_a_row() -> None:
    breaker = CircuitBreaker(3, 15.0, FakeClock())
    for _ in range(2):
        assert breaker.allow_call()
        breaker.record_failure()
    assert breaker.state == "closed"
    breaker.record_failure()
    assert breaker.state == "open"
    assert not breaker.allow_call()


def test_a_success_in_between_starts_the_count_again() -> None:
    breaker = CircuitBreaker(3, 15.0, FakeClock())
    breaker.record_failure()
    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()
    breaker.record_failure()
    assert breaker.state == "closed"


def test_after_the_pause_exactly_one_trial_call_goes_out() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(1, 15.0, clock)
    breaker.record_failure()
    clock.now += 14.9
    assert not breaker.allow_call()
    clock.now += 0.2
    assert breaker.allow_call()
    assert not breaker.allow_call()


def test_a_good_trial_closes_the_breaker() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(1, 15.0, clock)
    breaker.record_failure()
    clock.now += 15
    assert breaker.allow_call()
    breaker.record_success()
    assert breaker.state == "closed"
    assert breaker.allow_call() and breaker.allow_call()


def test_a_failed_trial_opens_the_breaker_for_another_full_pause() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(3, 15.0, clock)
    for _ in range(3):
        breaker.record_failure()
    clock.now += 15
    assert breaker.allow_call()
    breaker.record_failure()
    clock.now += 14.9
    assert breaker.state == "open"
    clock.now += 0.2
    assert breaker.allow_call()


def test_a_cancelled_trial_lets_the_next_call_try() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(1, 15.0, clock)
    breaker.record_failure()
    clock.now += 15
    assert breaker.allow_call()
    breaker.record_abandoned()
    assert breaker.allow_call()


# --- the client against a stand-in Rasa ----------------------------------------------------

@dataclass
class FakeRasa:
    """Answers /model/parse as told: an intent, an HTTP status, garbage, or never."""

    intent: str = "greet"
    confidence: float = 0.93
    status: int = 200
    garbage: bool = False
    hang: bool = False
    requests: int = 0
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    never: asyncio.Event = field(default_factory=asyncio.Event)

    async def parse(self, request: web.Request) -> web.StreamResponse:
        self.requests += 1
        self.arrived.set()
        await request.json()
        if self.hang:
            await self.never.wait()
        if self.status != 200:
            return web.Response(status=self.status, text="trouble")
        if self.garbage:
            return web.Response(text="<html>proxy error</html>")
        return web.json_response(
            {"intent": {"name": self.intent, "confidence": self.confidence}, "entities": []}
        )


@pytest.fixture
async def rasa() -> AsyncIterator[tuple[FakeRasa, str]]:
    fake = FakeRasa()
    app = web.Application()
    app.router.add_post("/model/parse", fake.parse)
    server = TestServer(app)
    await server.start_server()
    yield fake, str(server.make_url("")).rstrip("/")
    fake.never.set()
    await server.close()


@pytest.fixture
async def client_for() -> AsyncIterator[Callable[..., RasaClient]]:
    made: list[RasaClient] = []

    def make(url: str, *, timeout: float = 0.8, failure_threshold: int = 3,
             reset_after: float = 15.0) -> RasaClient:
        made.append(RasaClient(url, timeout=timeout, failure_threshold=failure_threshold,
                               reset_after=reset_after))
        return made[-1]

    yield make
    for client in made:
        await client.close()


async def fail_times(client: RasaClient, times: int) -> None:
    for _ in range(times):
        await client.parse("hello", "en")


async def test_a_confident_rasa_answer_is_passed_on(
    rasa: tuple[FakeRasa, str], client_for: Callable[..., RasaClient]
) -> None:
    _, url = rasa
    intent = await client_for(url).parse("hi there", "en")
    assert (intent.name, intent.confidence, intent.source) == ("greet", 0.93, "rasa")


async def test_rasas_fallback_lets_keywords_recognise_a_request_for_a_human(
    rasa: tuple[FakeRasa, str], client_for: Callable[..., RasaClient]
) -> None:
    fake, url = rasa
    fake.intent, fake.confidence = "nlu_fallback", 0.45
    intent = await client_for(url).parse(REQUEST_HUMAN_EN, "en")
    assert (intent.name, intent.source) == ("request_human", "keywords")


async def test_an_unsure_answer_with_no_keyword_is_out_of_scope(
    rasa: tuple[FakeRasa, str], client_for: Callable[..., RasaClient]
) -> None:
    fake, url = rasa
    fake.intent, fake.confidence = "ask_shelter", 0.3
    intent = await client_for(url).parse("qwxz blorp", "en")
    assert (intent.name, intent.source) == ("out_of_scope", "rasa")


async def test_an_intent_name_we_do_not_know_is_not_passed_on(
    rasa: tuple[FakeRasa, str], client_for: Callable[..., RasaClient]
) -> None:
    fake, url = rasa
    fake.intent = "chitchat_weather"
    intent = await client_for(url).parse("qwxz blorp", "en")
    assert intent.name == "out_of_scope"


async def test_a_hanging_rasa_times_out_and_keywords_answer(
    rasa: tuple[FakeRasa, str], client_for: Callable[..., RasaClient]
) -> None:
    fake, url = rasa
    fake.hang = True
    intent = await client_for(url, timeout=0.1).parse(REQUEST_HUMAN_EN, "en")
    assert (intent.name, intent.source) == ("request_human", "keywords")


@pytest.mark.parametrize("trouble", ["status", "garbage"])
async def test_an_error_or_nonsense_answer_falls_back_to_keywords(
    trouble: str, rasa: tuple[FakeRasa, str], client_for: Callable[..., RasaClient]
) -> None:
    fake, url = rasa
    fake.status = 500 if trouble == "status" else 200
    fake.garbage = trouble == "garbage"
    intent = await client_for(url).parse(REQUEST_HUMAN_EN, "en")
    assert (intent.name, intent.source) == ("request_human", "keywords")


async def test_nothing_listening_gives_the_unknown_intent_when_no_keyword_fits(
    client_for: Callable[..., RasaClient]
) -> None:
    intent = await client_for(f"http://127.0.0.1:{free_port()}").parse("qwxz blorp", "en")
    assert (intent.name, intent.confidence, intent.source) == ("out_of_scope", 0.0, "none")


async def test_after_three_failures_rasa_is_left_alone(
    rasa: tuple[FakeRasa, str], client_for: Callable[..., RasaClient]
) -> None:
    fake, url = rasa
    fake.status = 503
    client = client_for(url)
    await fail_times(client, 3)
    assert not client.available
    intent = await client.parse(REQUEST_HUMAN_EN, "en")
    assert fake.requests == 3
    assert (intent.name, intent.source) == ("request_human", "keywords")


async def test_once_rasa_is_back_a_trial_call_closes_the_circuit(
    rasa: tuple[FakeRasa, str], client_for: Callable[..., RasaClient]
) -> None:
    fake, url = rasa
    fake.status = 503
    client = client_for(url, reset_after=0.0)  # the pause is over at once: no waiting here
    await fail_times(client, 3)
    assert not client.available
    fake.status = 200
    intent = await client.parse("hi", "en")
    assert intent.source == "rasa"
    assert client.available


async def test_a_caller_giving_up_does_not_count_against_rasa(
    rasa: tuple[FakeRasa, str], client_for: Callable[..., RasaClient]
) -> None:
    fake, url = rasa
    fake.hang = True
    client = client_for(url, failure_threshold=1, timeout=5.0)
    call = asyncio.ensure_future(client.parse("hi", "en"))
    await asyncio.wait_for(fake.arrived.wait(), timeout=5)
    call.cancel()
    with pytest.raises(asyncio.CancelledError):
        await call
    assert client.available


async def test_logs_never_contain_the_message(
    rasa: tuple[FakeRasa, str], client_for: Callable[..., RasaClient]
) -> None:
    fake, url = rasa
    secret = "han slog mig igår kväll"
    client = client_for(url, timeout=0.1)
    with capture_logs() as logs:
        await client.parse(secret, "sv")
        fake.hang = True
        await client.parse(secret, "sv")
    assert {entry["event"] for entry in logs} == {"rasa.parsed", "rasa.failed"}
    assert all(secret not in str(value) for entry in logs for value in entry.values())

