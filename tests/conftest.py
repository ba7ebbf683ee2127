"""Real services for the suite: a private Redis and, for tests that ask for it, the Rasa server.

Both run on free loopback ports in temporary directories and stop when the session ends.
Nothing is mocked here: tests that need a fake use one inside the test itself.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import redis.asyncio as aioredis

from devstack.model import model_path
from devstack.services import Service, free_port, start_rasa, start_redis
from tests.support.browser import browser  # noqa: F401  (a fixture for every test)


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    service = start_redis(tmp_path_factory.mktemp("redis"), free_port(), persistent=False)
    yield service.url
    service.stop()


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[aioredis.Redis]:
    client = aioredis.from_url(redis_url, decode_responses=True)
    await client.flushdb()
    yield client
    await client.aclose()


def _trained_model() -> Path:
    path = Path(os.environ.get("TRYGG_RASA_MODEL", "")) if os.environ.get("TRYGG_RASA_MODEL") else model_path()
    if not path.exists():
        pytest.fail(f"No trained Rasa model at {path}: run the suite with `make test`, which trains it.")
    return path


@pytest.fixture(scope="session")
def rasa_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """The real Rasa NLU server, shared by the tests that need one running all along."""
    service = start_rasa(_trained_model(), free_port(), tmp_path_factory.mktemp("rasa") / "rasa.log")
    yield service
    service.stop()


@pytest.fixture
def rasa_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """Start a Rasa server of the test's own, for tests that stop it mid-way."""
    started: list[Service] = []

    def start() -> Service:
        log = tmp_path_factory.mktemp("rasa-own") / "rasa.log"
        service = start_rasa(_trained_model(), free_port(), log)
        started.append(service)
        return service

    yield start
    for service in started:
        service.stop()
