"""The web chat in real headless Chromium against the real bot process, Redis and Rasa."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import redis.asyncio as aioredis
from aiohttp import web
from playwright.async_api import Browser, Page, expect
from pytest_aiohttp.plugin import AiohttpServer

from bot.anonymize import Anonymizer
from devstack.services import PROJECT_ROOT, Service, http_answers, wait_until
from flows.content import load_catalog
from handover.console.app import create_app
from handover.console.keys import SERVICES
from tests.e2e.test_console_browser import log_in
from tests.integration.test_console_fixtures import PASSWORD, console_settings, keys_mentioning
from tests.support.bot_process import BotProcess, start_bot

pytestmark = [pytest.mark.rasa, pytest.mark.browser]
# A bound on waiting, not a timing assertion: the machine may be busy.
expect.set_options(timeout=20_000)
catalog = load_catalog()


@pytest.fixture
async def neutral_site() -> AsyncIterator[str]:
    """An everyday site the person came from, and where quick exit takes them."""
    async def page(request: web.Request) -> web.Response:
        bodies = {
            "/": "<h1>Väder</h1>",
            "/news": "<h1>Nyheter</h1>",
            # The municipality's page with the snippet, as its web team would paste it.
            "/kommun": f'<html lang="sv"><h1>Exempelkommun</h1><script src="{request.query.get("chat", "")}'
                       '/chat/static/embed.js" defer></script></html>',
        }
        return web.Response(text=bodies[request.path], content_type="text/html")

    app = web.Application()
    for path in ("/", "/news", "/kommun"):
        app.router.add_get(path, page)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"  # type: ignore[union-attr]
    await runner.cleanup()


@pytest.fixture
def webchat(
    redis_url: str, rasa_server: Service, bot_secrets: dict[str, str], neutral_site: str, tmp_path: Path
) -> Iterator[BotProcess]:
    env = {"WEBCHAT_EXIT_URL": f"{neutral_site}/news", "WEBCHAT_ALLOWED_ORIGINS": f'["{neutral_site}"]'}
    bot = start_bot(redis_url=redis_url, rasa_url=rasa_server.url, telegram_api_url=None, token=None,
                    log_dir=tmp_path, secrets=bot_secrets, extra_env=env)
    wait_until(lambda: http_answers(f"{bot.webchat_url}/chat"), bot_service(bot), timeout=60)
    yield bot
    bot.stop()
    print(f"--- bot log ---\n{bot.log()[-4000:]}")  # shown by pytest only when the test failed


def bot_service(bot: BotProcess) -> Service:
    return Service("bot", bot.webchat_url, bot.process, bot.log_path)


async def bot_lines(page: Page) -> list[str]:
    return [line.strip() for line in await page.locator(".msg.bot, .msg.staff").all_inner_texts()]


async def send(page: Page, text: str) -> None:
    await page.fill("#message", text)
    await page.keyboard.press("Enter")


async def test_a_person_chats_in_swedish_then_arabic_gets_112_first_and_quick_exit_leaves_nothing(
    browser: Browser, webchat: BotProcess, neutral_site: str, redis: aioredis.Redis
) -> None:
    context = await browser.new_context(locale="sv-SE")
    page = await context.new_page()
    await page.goto(neutral_site)
    await page.goto(f"{webchat.webchat_url}/chat")

    await expect(page.locator(".msg.bot").first).to_contain_text(catalog.text("sv", "welcome").splitlines()[0])
    await page.get_by_role("button", name="Svenska").click()
    await expect(page.locator(".msg.bot").last).to_have_text(re.compile(re.escape(catalog.text("sv", "ask_who"))))

    await send(page, "vad är kontaktförbud och hur ansöker man")
    await expect(page.locator(".msg.me").last).to_have_text("vad är kontaktförbud och hur ansöker man")
    await expect(page.locator(".msg.bot").last).to_have_text(catalog.text("sv", "topic.contact_ban"))

    await page.select_option("#language", "ar")
    await expect(page.locator("html")).to_have_attribute("dir", "rtl")
    await expect(page.locator("html")).to_have_attribute("lang", "ar")
    await expect(page.locator("#quick-exit")).to_have_text(catalog.text("ar", "web.quick_exit"))

    await expect(page.locator(".msg.bot").last).to_have_text(
        catalog.text("ar", "language_set", language_name=catalog.meta("ar").name))

    await send(page, "زوجي يخنقني الآن")
    # The first thing after the person's own words is the emergency text.
    emergency = page.locator(".msg.me", has_text="زوجي يخنقني الآن").locator("xpath=following-sibling::div[1]")
    await expect(emergency).to_have_text(catalog.text("ar", "emergency"))
    await expect(emergency).to_have_class(re.compile("urgent"))

    token = await page.evaluate("sessionStorage.getItem('tc_token')")
    assert token
    await page.screenshot(path=str(PROJECT_ROOT / "var" / "webchat-arabic.png"))

    await page.keyboard.press("Escape")
    await page.wait_for_url(f"{neutral_site}/news")
    await page.go_back()
    assert not page.url.startswith(webchat.webchat_url), "Back must not return to the chat"
    assert await page.evaluate("sessionStorage.length") == 0

    keys = [key async for key in redis.scan_iter("conv:*")]
    assert keys == []
    assert "زوجي" not in webchat.log() and "kontaktförbud" not in webchat.log()
    await context.close()


async def test_the_chat_page_on_a_phone(browser: Browser, webchat: BotProcess) -> None:
    context = await browser.new_context(viewport={"width": 390, "height": 780}, device_scale_factor=2,
                                        is_mobile=True, has_touch=True, locale="sv-SE")
    page = await context.new_page()
    await page.goto(f"{webchat.webchat_url}/chat")
    await page.get_by_role("button", name="Svenska").click()
    await expect(page.locator(".msg.bot").last).to_have_text(re.compile(re.escape(catalog.text("sv", "ask_who"))))
    exit_box = await page.locator("#quick-exit").bounding_box()
    assert exit_box is not None and exit_box["height"] >= 44 and exit_box["y"] < 80
    # For a person to look at (the docs' copy in docs/img/ is updated by hand from here):
    # a test run must not change tracked files.
    (PROJECT_ROOT / "var" / "screenshots").mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(PROJECT_ROOT / "var" / "screenshots" / "webchat-phone.png"))
    await context.close()


async def test_another_site_cannot_open_the_chat_socket(webchat: BotProcess) -> None:
    import aiohttp

    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await session.ws_connect(f"{webchat.webchat_url}/chat/ws", headers={"Origin": "https://evil.example"})
        assert refused.value.status == 403


async def test_a_person_on_the_web_reaches_a_social_worker_and_quick_exit_leaves_nothing(
    browser: Browser, webchat: BotProcess, neutral_site: str, redis: aioredis.Redis, redis_url: str,
    aiohttp_server: AiohttpServer, bot_secrets: dict[str, str],
) -> None:
    app = create_app(console_settings(redis_url), redis)
    console = str((await aiohttp_server(app)).make_url("")).rstrip("/")
    await app[SERVICES].accounts.add("anna", "staff", PASSWORD)
    staff_context = await browser.new_context()
    staff = await staff_context.new_page()
    await log_in(staff, console, "anna")
    await staff.click("#duty-button")
    await expect(staff.locator("#duty-status")).to_have_text("Du är i tjänst.")

    person_context = await browser.new_context(locale="en-GB")
    page = await person_context.new_page()
    await page.goto(neutral_site)
    await page.goto(f"{webchat.webchat_url}/chat")
    await page.get_by_role("button", name="English").click()
    await send(page, "I want to talk to a real person please")
    await expect(page.locator(".msg.bot").last).to_contain_text("number 1")

    ticket = staff.locator("#waiting li.ticket")
    await expect(ticket).to_have_count(1)
    staff_text = await staff.locator("main").inner_text()
    assert "web" not in staff_text.lower().split() and "127.0.0.1" not in staff_text
    await ticket.get_by_role("button", name="Ta detta").click()
    await expect(page.locator(".msg.bot").last).to_have_text(catalog.text("en", "human.staff_joined"))

    await send(page, "he is asleep now, I can write")
    await expect(staff.locator("#messages .msg.from-user .text")).to_contain_text(["he is asleep now, I can write"])
    await staff.fill("#text", "Thank you for writing. Are the children with you?")
    await staff.press("#text", "Enter")
    await expect(page.locator(".msg.staff").last).to_have_text("Thank you for writing. Are the children with you?")

    token = await page.evaluate("sessionStorage.getItem('tc_token')")
    pseudonym = Anonymizer(bot_secrets["SESSION_SECRET"].encode(), bot_secrets["REPLY_KEY"].encode()).pseudonym(
        "web", token)
    await page.get_by_role("button", name=catalog.text("en", "web.quick_exit")).click()
    await page.wait_for_url(f"{neutral_site}/news")

    # What stays by design is the audit line and the consoles' hour-long event feed: the
    # pseudonym, never a word. The conversation, its ticket and its transcript are gone.
    kept = {"{hq}:audit", "{hq}:events"}
    assert await keys_mentioning(redis, pseudonym) <= kept
    for words in ("asleep now", "children with you", "real person"):
        assert await keys_mentioning(redis, words) == set()
    await person_context.close()
    await staff_context.close()


async def test_the_snippet_on_the_municipalitys_site_opens_the_chat_and_it_works_with_the_keyboard(
    browser: Browser, webchat: BotProcess, neutral_site: str
) -> None:
    context = await browser.new_context(locale="sv-SE")
    page = await context.new_page()
    await page.goto(f"{neutral_site}/kommun?chat={webchat.webchat_url}")
    opener = page.get_by_role("button", name="Chatta anonymt / Chat anonymously")
    await opener.focus()
    await page.keyboard.press("Enter")
    chat = page.frame_locator("iframe")
    await expect(chat.locator(".msg.bot").first).to_contain_text(catalog.text("sv", "welcome").splitlines()[0])

    # Every control is a real button or text box: focused, it acts on Enter like any other.
    frame = page.frames[1]
    await frame.focus("#message")
    await frame.locator(".choices button").first.focus()
    await page.keyboard.press("Enter")
    await expect(chat.locator(".msg.bot").last).to_have_text(re.compile(re.escape(catalog.text("sv", "ask_who"))))
    await frame.focus("#message")
    await page.keyboard.type("vad är skyddade personuppgifter")
    await page.keyboard.press("Enter")
    await expect(chat.locator(".msg.me").last).to_have_text("vad är skyddade personuppgifter")
    await expect(chat.locator("#log")).to_have_attribute("role", "log")
    await expect(chat.locator("#log")).to_have_attribute("aria-live", "polite")
    await context.close()
