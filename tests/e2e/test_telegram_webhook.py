"""Webhook mode, for several bot workers behind a load balancer: Telegram posts updates to
/telegram/webhook with our secret token; anything without it is refused."""

from __future__ import annotations

import pytest

from devstack.services import Service, http_answers, wait_until
from flows.content import load_catalog
from tests.e2e.conftest import BotStarter
from tests.support.telegram_standin import Person, TelegramStandIn

pytestmark = pytest.mark.rasa
catalog = load_catalog()


async def test_updates_arrive_by_webhook_and_a_post_without_the_secret_is_refused(
    telegram: TelegramStandIn, start_telegram_bot: BotStarter, rasa_server: Service
) -> None:
    bot = start_telegram_bot(rasa_server.url, TELEGRAM_WEBHOOK_URL="http://127.0.0.1:0",
                             TELEGRAM_WEBHOOK_SECRET="webhook-secret-for-tests")
    await telegram.wait_for(lambda calls: any(c.method == "setWebhook" for c in calls), timeout=60)
    wait_until(lambda: http_answers(f"{bot.webchat_url}/chat"), Service("bot", "", bot.process), timeout=30)
    # The public URL points at a load balancer; here the stand-in posts to the worker itself.
    assert telegram.webhook_secret == "webhook-secret-for-tests"
    telegram.webhook_url = f"{bot.webchat_url}/telegram/webhook"

    forged = {"update_id": 1, "message": {"message_id": 1, "date": 0, "text": "/start",
                                          "chat": {"id": 1, "type": "private"}, "from": {"id": 1, "is_bot": False,
                                                                                      "first_name": "X"}}}
    assert await telegram.post_to_webhook(forged, "wrong-secret") == 401

    kim = Person(chat_id=8000001, first_name="Kim", language_code="en")
    await telegram.send_text(kim, "/start")
    texts = await telegram.wait_for_texts(kim.chat_id, 2)
    assert catalog.text("en", "welcome") in texts[0]
    assert not any(c.method == "getUpdates" for c in telegram.calls)
