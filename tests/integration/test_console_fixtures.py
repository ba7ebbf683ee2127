"""Fixtures for the console's integration tests: a running console on the real Redis and
social workers with their own browser-like sessions (cookie jar, CSRF token, sockets).

The bot's side is played through the handover layer itself (enqueue, from_person, deliveries),
exactly as the bot process calls it. Other test modules import the ``*_fixture`` functions;
pytest knows them by their short names.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
import redis.asyncio as aioredis
from aiohttp.test_utils import TestClient, TestServer
from pytest_aiohttp.plugin import AiohttpClient, AiohttpServer

from handover.config import HandoverConfig, ManualClock
from handover.console.app import create_app
from handover.console.keys import SERVICES
from handover.console.services import Services
from handover.console.settings import ConsoleSettings
from handover.relay import Delivery, Relay
from handover.ticket import IntakeCard, Ticket
from nlu.types import DangerAssessment, DangerLevel

PASSWORD = "a long enough password"
SECRET = "console-test-secret-" + "x" * 32
CSRF_META = re.compile(r'name="csrf-token" content="([^"]+)"')
CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')


def console_settings(redis_url: str, **overrides: Any) -> ConsoleSettings:
    values: dict[str, Any] = {
        "app_env": "test",
        "session_secret": SECRET,
        "redis_url": redis_url,
        "console_login_max_failures": 3,
        **overrides,
    }
    settings: ConsoleSettings = ConsoleSettings(_env_file=None, **values)  # type: ignore[call-arg]
    return settings


def person(
    session: str,
    level: DangerLevel = DangerLevel.CONCERN,
    *categories: str,
    language: str = "sv",
    young: bool = False,
    card: IntakeCard | None = None,
) -> Ticket:
    return Ticket(
        session=session,
        language=language,
        danger=DangerAssessment(level=level, categories=frozenset(categories)),
        young=young,
        card=card or IntakeCard(),
    )


@dataclass
class StaffMember:
    """One social worker's browser: own cookies, own CSRF token, the console's Origin."""

    client: TestClient[Any, Any]
    staff_name: str
    csrf: str = ""
    sockets: list[aiohttp.ClientWebSocketResponse] = field(default_factory=list)

    @property
    def origin(self) -> str:
        return str(self.client.make_url("")).rstrip("/")

    async def login(self, password: str = PASSWORD) -> aiohttp.ClientResponse:
        form = await (await self.client.get("/login")).text()
        token = CSRF_FIELD.search(form)
        assert token is not None
        response = await self.client.post(
            "/login",
            data={"staff_name": self.staff_name, "password": password, "csrf": token[1]},
            allow_redirects=False,
        )
        if response.status == 303:
            page = await (await self.client.get("/")).text()
            found = CSRF_META.search(page)
            self.csrf = found[1] if found else ""
        return response

    async def post(self, path: str, **data: str) -> tuple[int, dict[str, Any]]:
        response = await self.client.post(
            path, data={"csrf": self.csrf, **data}, headers={"Accept": "application/json"},
            allow_redirects=False,
        )
        return response.status, await response.json()

    async def on_duty(self) -> None:
        status, _ = await self.post("/duty", on="1")
        assert status == 200

    async def socket(self, path: str) -> aiohttp.ClientWebSocketResponse:
        ws = await self.client.ws_connect(path, headers={"Origin": self.origin})
        self.sockets.append(ws)
        return ws


async def next_of(
    ws: aiohttp.ClientWebSocketResponse, kind: str, timeout: float = 10.0,
    where: Callable[[dict[str, Any]], bool] = lambda _message: True,
) -> dict[str, Any]:
    """The next message of this type on the socket (others are skipped), or fail."""
    while True:
        message: dict[str, Any] = await ws.receive_json(timeout=timeout)
        if message["type"] == kind and where(message):
            return message


async def keys_mentioning(redis: aioredis.Redis, text: str) -> set[str]:
    """Every key whose name or content holds text, of any type."""
    found = set()
    async for key in redis.scan_iter("*"):
        kind = await redis.type(key)
        if kind == "string":
            content = str(await redis.get(key))
        elif kind == "hash":
            content = str(await redis.hgetall(key))
        elif kind == "list":
            content = str(await redis.lrange(key, 0, -1))
        elif kind == "set":
            content = str(await redis.smembers(key))
        elif kind == "zset":
            content = str(await redis.zrange(key, 0, -1))
        else:
            content = str(await redis.xrange(key))
        if text in key or text in content:
            found.add(key)
    return found


@dataclass
class Console:
    server: TestServer
    services: Services
    clock: ManualClock
    new_client: Callable[[], Awaitable[TestClient[Any, Any]]]
    bot: Relay

    async def staff(self, staff_name: str, role: str = "staff", *, login: bool = True) -> StaffMember:
        await self.services.accounts.add(staff_name, role, PASSWORD)
        member = StaffMember(await self.new_client(), staff_name)
        if login:
            assert (await member.login()).status == 303
        return member

    async def delivered(self) -> list[Delivery]:
        """What a bot worker would send people now (acknowledged as sent)."""
        sent = await self.bot.deliveries("bot-test", block_ms=1)
        for delivery in sent:
            await self.bot.ack(delivery)
        return sent


@pytest.fixture(name="clock")
def clock_fixture() -> ManualClock:
    return ManualClock()


@pytest.fixture(name="console_overrides")
def console_overrides_fixture() -> dict[str, Any]:
    """Settings a test module can change by defining its own ``console_overrides``."""
    return {}


@pytest.fixture(name="console")
async def console_fixture(
    redis: aioredis.Redis,
    redis_url: str,
    aiohttp_server: AiohttpServer,
    aiohttp_client: AiohttpClient,
    clock: ManualClock,
    console_overrides: dict[str, Any],
) -> Console:
    settings = console_settings(redis_url, **console_overrides)
    config = HandoverConfig(
        clock=clock, lease_seconds=30, presence_seconds=600, session_ttl=3600,
        audit_retention_days=settings.audit_retention_days,
    )
    app = create_app(settings, redis, handover_config=config)
    server = await aiohttp_server(app)
    bot = Relay(redis, config)
    await bot.ensure_group()

    async def new_client() -> TestClient[Any, Any]:
        return await aiohttp_client(server)

    return Console(server, app[SERVICES], clock, new_client, bot)
