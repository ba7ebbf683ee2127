"""A message's whole way: Telegram protocol → real bot process → language, danger, Rasa →
flows → reply, against real Redis and the real Rasa server; then again with Rasa stopped."""

from __future__ import annotations

import json

import pytest

from devstack.services import Service
from flows.content import load_catalog
from tests.e2e.conftest import BotStarter, polling_started
from tests.support.telegram_standin import Call, Person, TelegramStandIn

pytestmark = pytest.mark.rasa

catalog = load_catalog()


def texts_after(calls: list[Call], chat_id: int, index: int) -> list[str]:
    return [c.text for c in calls if c.method == "sendMessage" and c.chat_id == chat_id and c.result][index:]


async def test_start_question_and_acute_message_go_all_the_way_through(
    telegram: TelegramStandIn, start_telegram_bot: BotStarter, rasa_server: Service
) -> None:
    bot = start_telegram_bot(rasa_server.url)
    await polling_started(telegram, bot)
    maja = Person(chat_id=5550001, first_name="Maja", username="maja_k", language_code="en")

    await telegram.send_text(maja, "/start")
    welcome = (await telegram.wait_for_texts(maja.chat_id, 2))[0]
    assert "anonymous" in welcome.lower() or "anonym" in welcome.lower()
    first_two = telegram.sent_to(maja.chat_id)[:2]
    assert all(str(c.params.get("protect_content")).lower() == "true" for c in first_two)
    buttons = [b["callback_data"] for row in first_two[1].params["reply_markup"]["inline_keyboard"] for b in row]
    assert len(buttons) == 12 and "lang:ar" in buttons and "lang:ti" in buttons

    await telegram.press(maja, "lang:en")
    await telegram.wait_for_texts(maja.chat_id, 4)
    before = len(telegram.sent_to(maja.chat_id))

    await telegram.send_text(maja, "where can I find a womens shelter to stay with my kids?")
    replies = await telegram.wait_for_texts(maja.chat_id, before + 1)
    assert replies[before] == catalog.text("en", "topic.shelter")

    before = len(telegram.sent_to(maja.chat_id))
    await telegram.send_text(maja, "he is hitting me right now")
    replies = await telegram.wait_for_texts(maja.chat_id, before + 1)
    assert replies[before] == catalog.text("en", "emergency")
    assert "112" in replies[before]


async def test_with_rasa_stopped_the_emergency_still_comes_and_questions_get_a_graceful_answer(
    telegram: TelegramStandIn, start_telegram_bot: BotStarter, rasa_factory: object
) -> None:
    rasa: Service = rasa_factory()  # type: ignore[operator]
    bot = start_telegram_bot(rasa.url)
    await polling_started(telegram, bot)
    erik = Person(chat_id=5550002, first_name="Erik", language_code="sv")

    await telegram.send_text(erik, "/start")
    await telegram.wait_for_texts(erik.chat_id, 2)
    await telegram.press(erik, "lang:sv")
    await telegram.wait_for_texts(erik.chat_id, 4)

    rasa.stop()

    before = len(telegram.sent_to(erik.chat_id))
    await telegram.send_text(erik, "han slår mig just nu")
    # The emergency text, then "safe to write?", the offer of a person, the gentle children question.
    replies = await telegram.wait_for_texts(erik.chat_id, before + 4)
    assert replies[before] == catalog.text("sv", "emergency")
    assert replies[before + 3] == catalog.text("sv", "ask_children")

    before = len(telegram.sent_to(erik.chat_id))
    await telegram.send_text(erik, "vad kan socialtjänsten hjälpa till med?")
    replies = await telegram.wait_for_texts(erik.chat_id, before + 1)
    graceful = {catalog.text("sv", "topic.social_services"), catalog.text("sv", "rasa_down")}
    assert replies[before] in graceful

    before = len(telegram.sent_to(erik.chat_id))
    await telegram.send_text(erik, "hur är vädret i Göteborg i morgon?")
    replies = await telegram.wait_for_texts(erik.chat_id, before + 1)
    assert replies[before] == catalog.text("sv", "rasa_down")
    assert "112" in replies[before]
    assert json.dumps(bot.log()).count("Göteborg") == 0
