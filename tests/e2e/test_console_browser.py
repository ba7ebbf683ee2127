"""A social worker's shift in a real headless Chromium: log in, go on duty, see the acute
alert, take the person, talk both ways, send a resource card, close. A message written as
HTML stays text; the page breaks none of its own security rules and calls no other site."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
import redis.asyncio as aioredis
from aiohttp.test_utils import TestServer
from playwright.async_api import Browser, ConsoleMessage, Page, Request, expect
from pytest_aiohttp.plugin import AiohttpServer

from handover.console.app import create_app
from handover.console.keys import SERVICES
from handover.console.services import Services
from handover.relay import Delivery, Relay
from handover.ticket import IntakeCard, Ticket
from nlu.types import DangerAssessment, DangerLevel
from tests.integration.test_console_fixtures import PASSWORD, console_settings

pytestmark = pytest.mark.browser

PERSON = "7c1e4b9a20d35f6e8a7b1c2d3e4f5a6b"
XSS = "<img src=x onerror=alert(1)>"
WAIT_MS = 10_000


@dataclass
class RunningConsole:
    url: str
    services: Services
    bot: Relay

    async def delivered(self) -> list[Delivery]:
        sent = await self.bot.deliveries("bot-browser-test", block_ms=1)
        for delivery in sent:
            await self.bot.ack(delivery)
        return sent


@pytest.fixture
async def running_console(
    redis: aioredis.Redis, redis_url: str, aiohttp_server: AiohttpServer
) -> RunningConsole:
    app = create_app(console_settings(redis_url), redis)
    server: TestServer = await aiohttp_server(app)
    services = app[SERVICES]
    bot = Relay(redis, services.config)
    await bot.ensure_group()
    return RunningConsole(str(server.make_url("")).rstrip("/"), services, bot)


@dataclass
class Watched:
    """What the page did besides what the test asked: errors, dialogs, foreign requests."""

    errors: list[str]
    dialogs: list[str]
    foreign: list[str]


@pytest.fixture
async def page(browser: Browser, running_console: RunningConsole) -> AsyncIterator[tuple[Page, Watched]]:
    context = await browser.new_context()
    page = await context.new_page()
    watched = Watched([], [], [])

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            watched.errors.append(message.text)

    def on_request(request: Request) -> None:
        if not request.url.startswith((running_console.url, "ws://127.0.0.1")):
            watched.foreign.append(request.url)

    async def on_dialog(dialog: object) -> None:
        watched.dialogs.append(str(dialog))
        await dialog.dismiss()  # type: ignore[attr-defined]

    page.on("console", on_console)
    page.on("pageerror", lambda error: watched.errors.append(str(error)))
    page.on("request", on_request)
    page.on("dialog", on_dialog)
    yield page, watched
    await context.close()


async def log_in(page: Page, base: str, staff_name: str) -> None:
    await page.goto(f"{base}/login")
    await page.fill("#staff_name", staff_name)
    await page.fill("#password", PASSWORD)
    await page.click("button[type=submit]")


async def test_a_social_worker_takes_an_acute_person_talks_sends_a_card_and_closes(
    running_console: RunningConsole, page: tuple[Page, Watched]
) -> None:
    tab, watched = page
    console = running_console
    await console.services.accounts.add("anna", "staff", PASSWORD)

    await log_in(tab, console.url, "anna")
    await expect(tab).to_have_url(f"{console.url}/queue")
    await tab.click("#duty-button")
    await expect(tab.locator("#duty-status")).to_have_text("Du är i tjänst.", timeout=WAIT_MS)

    # The bot hands over someone in acute danger who writes Somali.
    await console.services.queue.enqueue(Ticket(
        session=PERSON, language="so",
        danger=DangerAssessment(DangerLevel.ACUTE, frozenset({"threat_to_kill", "weapon"})),
        children_affected=True, card=IntakeCard(relation="partner", safe_to_write="no"),
    ))

    banner = tab.locator("#alert-banner")
    await expect(banner).to_be_visible(timeout=WAIT_MS)
    await expect(banner).to_contain_text("AKUT")
    ticket = tab.locator("#waiting li.ticket.level-acute")
    await expect(ticket).to_have_count(1)
    await expect(ticket.locator(".level")).to_have_text("AKUT fara")
    await expect(ticket).to_contain_text("Hot om att döda · Vapen")
    await expect(ticket).to_contain_text("somaliska")
    await expect(ticket).to_contain_text("BARN berörda")
    await expect(ticket).to_contain_text("NEJ – någon kan läsa med")

    await ticket.get_by_role("button", name="Ta detta").click()
    await expect(tab).to_have_url(f"{console.url}/conversation/{PERSON}", timeout=WAIT_MS)
    await expect(tab.locator("#ticket-level")).to_have_text("AKUT fara")
    assert [d.kind for d in await console.delivered()] == ["staff_joined"]

    # The person writes, and one message is HTML: it must show as text and run nothing.
    await console.services.relay.from_person(PERSON, "Waan baqayaa")
    await console.services.relay.from_person(PERSON, XSS)
    from_person = tab.locator("#messages .msg.from-user .text")
    await expect(from_person).to_have_text(["Waan baqayaa", XSS], timeout=WAIT_MS)
    assert await tab.locator("#messages img").count() == 0

    await tab.fill("#text", "Ma badbaadsan tahay hadda?")
    await tab.press("#text", "Enter")
    await expect(tab.locator("#messages .msg.from-staff .text")).to_have_text(
        ["Ma badbaadsan tahay hadda?"], timeout=WAIT_MS
    )
    await expect(tab.locator("#text")).to_have_value("")

    await tab.locator("button[data-resource=kvinnofridslinjen]").click()
    await expect(tab.locator("#messages .msg.kind-resource_card")).to_contain_text(
        "Kvinnofridslinjen, 020-50 50 50", timeout=WAIT_MS
    )
    sent = [(d.kind, d.text) for d in await console.delivered()]
    assert sent == [("text", "Ma badbaadsan tahay hadda?"), ("resource_card", "kvinnofridslinjen")]

    await tab.get_by_text("Avsluta samtalet …").click()
    await tab.click("#close")
    await expect(tab).to_have_url(f"{console.url}/queue", timeout=WAIT_MS)
    assert [d.kind for d in await console.delivered()] == ["closed"]
    await expect(tab.locator("#waiting")).to_contain_text("Ingen väntar just nu.")

    assert watched.dialogs == []  # the HTML message never ran
    assert watched.foreign == []  # nothing was asked of another site
    assert [e for e in watched.errors if re.search("Content.Security.Policy", e)] == []
    assert watched.errors == []


async def test_a_colleague_on_duty_is_alerted_while_in_another_conversation(
    running_console: RunningConsole, page: tuple[Page, Watched]
) -> None:
    tab, _watched = page
    console = running_console
    await console.services.accounts.add("bo", "staff", PASSWORD)
    await log_in(tab, console.url, "bo")
    await tab.click("#duty-button")
    await expect(tab.locator("#duty-status")).to_have_text("Du är i tjänst.", timeout=WAIT_MS)
    calm = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
    await console.services.queue.enqueue(Ticket(session=calm, language="sv"))
    await expect(tab.locator("#waiting li.ticket")).to_have_count(1, timeout=WAIT_MS)
    await tab.click("#take-next")
    await expect(tab).to_have_url(f"{console.url}/conversation/{calm}", timeout=WAIT_MS)
    await expect(tab.locator("#connection")).to_be_hidden(timeout=WAIT_MS)

    await console.services.queue.enqueue(Ticket(
        session=PERSON, language="ar",
        danger=DangerAssessment(DangerLevel.ACUTE, frozenset({"strangulation"})),
    ))

    banner = tab.locator("#alert-banner")
    await expect(banner).to_be_visible(timeout=WAIT_MS)
    await expect(banner).to_contain_text("AKUT fara: en person väntar (arabiska). Strypning")
