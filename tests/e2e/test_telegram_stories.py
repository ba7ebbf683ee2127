"""People as they really use the bot on Telegram: the real bot process, the Bot API stand-in,
real Redis and the real Rasa server. Each story checks what the person sees and what is left."""

from __future__ import annotations

import pytest
import redis.asyncio as aioredis

from bot.anonymize import Anonymizer
from devstack.services import Service
from flows.content import load_catalog
from tests.e2e.conftest import BotStarter, polling_started
from tests.support.bot_process import BotProcess
from tests.support.telegram_standin import Person, TelegramStandIn

pytestmark = pytest.mark.rasa
catalog = load_catalog()


async def started(telegram: TelegramStandIn, start_telegram_bot: BotStarter, rasa: Service) -> BotProcess:
    bot = start_telegram_bot(rasa.url)
    await polling_started(telegram, bot)
    return bot


async def say(telegram: TelegramStandIn, person: Person, text: str, expect: int = 1) -> list[str]:
    before = len(telegram.sent_to(person.chat_id))
    await telegram.send_text(person, text)
    return (await telegram.wait_for_texts(person.chat_id, before + expect))[before:]


async def press(telegram: TelegramStandIn, person: Person, payload: str, expect: int = 1) -> list[str]:
    before = len(telegram.sent_to(person.chat_id))
    await telegram.press(person, payload)
    return (await telegram.wait_for_texts(person.chat_id, before + expect))[before:]


async def assert_nothing_identifying(
    redis: aioredis.Redis, bot: BotProcess, person: Person, secret_texts: list[str]
) -> None:
    identifying = [str(person.chat_id), person.first_name, person.last_name, person.username]
    dump: list[str] = []
    async for key in redis.scan_iter("*"):
        dump.append(key)
        kind = await redis.type(key)
        if kind == "string":
            dump.append(str(await redis.get(key)))
        elif kind == "hash":
            dump.append(str(await redis.hgetall(key)))
        elif kind == "list":
            dump.append(str(await redis.lrange(key, 0, -1)))
        elif kind == "stream":
            dump.append(str(await redis.xrange(key)))
        elif kind == "zset":
            dump.append(str(await redis.zrange(key, 0, -1)))
    stored, log = "\n".join(dump), bot.log()
    for value in filter(None, identifying):
        assert value not in stored, f"{value!r} found in Redis"
        assert value not in log, f"{value!r} found in the bot's log"
    for text in secret_texts:
        assert text not in log, "message text found in the bot's log"


async def test_a_swedish_adult_asks_about_shelter(
    telegram: TelegramStandIn, start_telegram_bot: BotStarter, rasa_server: Service, redis: aioredis.Redis
) -> None:
    bot = await started(telegram, start_telegram_bot, rasa_server)
    anna = Person(chat_id=7000001, first_name="Anna", last_name="Lindqvist", username="annalind", language_code="sv")
    await say(telegram, anna, "/start", expect=2)
    await press(telegram, anna, "lang:sv", expect=2)
    await press(telegram, anna, "who:self")
    question = "finns det nåt skyddat boende jag kan bo på"
    replies = await say(telegram, anna, question)
    assert replies[0] == catalog.text("sv", "topic.shelter")
    assert all(str(c.params.get("protect_content")).lower() == "true" for c in telegram.sent_to(anna.chat_id))
    await assert_nothing_identifying(redis, bot, anna, [question])


async def test_an_arabic_speaker_in_acute_danger_gets_112_first_in_arabic(
    telegram: TelegramStandIn, start_telegram_bot: BotStarter, rasa_server: Service, redis: aioredis.Redis
) -> None:
    bot = await started(telegram, start_telegram_bot, rasa_server)
    amal = Person(chat_id=7000002, first_name="أمل", language_code="ar")
    message = "زوجي يضربني الآن وهو يحمل سكين"
    replies = await say(telegram, amal, message, expect=3)
    assert replies[0] == catalog.text("ar", "emergency")
    assert "112" in replies[0]
    assert catalog.text("ar", "safe_to_write") in replies
    await assert_nothing_identifying(redis, bot, amal, [message])


async def test_a_13_year_old_writing_persian_who_saw_father_hit_mother_gets_young_texts_and_bris(
    telegram: TelegramStandIn, start_telegram_bot: BotStarter, rasa_server: Service
) -> None:
    await started(telegram, start_telegram_bot, rasa_server)
    sara = Person(chat_id=7000003, first_name="Sara", language_code="fa")
    await say(telegram, sara, "/start", expect=2)
    await press(telegram, sara, "lang:fa", expect=2)
    replies = await say(telegram, sara, "من ۱۳ سالمه. دیشب دیدم پدرم مادرم را زد و خیلی ترسیدم")
    young_texts = {catalog.text("fa", key, young=True) for key in catalog.keys() if key.startswith("young.")}
    young_texts |= {catalog.text("fa", "young.high_support")}
    assert any(reply in young_texts for reply in replies), replies
    assert any("116 111" in reply for reply in replies)


async def test_a_polish_users_quick_exit_deletes_every_message_and_leaves_no_session_key(
    telegram: TelegramStandIn, start_telegram_bot: BotStarter, rasa_server: Service, redis: aioredis.Redis,
    bot_secrets: dict[str, str],
) -> None:
    await started(telegram, start_telegram_bot, rasa_server)
    ola = Person(chat_id=7000004, first_name="Ola", username="ola_pl", language_code="pl")
    shown: list[int] = [await telegram.send_text(ola, "/start")]
    await telegram.wait_for_texts(ola.chat_id, 2)
    await press(telegram, ola, "lang:pl", expect=2)
    shown.append(await telegram.send_text(ola, "jak dostać zakaz zbliżania się?"))
    await telegram.wait_for_texts(ola.chat_id, 5)

    shown.append(await telegram.send_text(ola, "/exit"))
    await telegram.wait_for(lambda calls: any(
        c.method == "sendMessage" and c.chat_id == ola.chat_id and c.text == catalog.text("pl", "exit_done")
        for c in calls))

    bot_messages = [c.result["message_id"] for c in telegram.sent_to(ola.chat_id)
                    if c.text != catalog.text("pl", "exit_done")]
    for message_id in [*shown, *bot_messages]:
        assert (ola.chat_id, message_id) in telegram.deleted
    pseudonym = Anonymizer(bot_secrets["SESSION_SECRET"].encode(), bot_secrets["REPLY_KEY"].encode()).pseudonym(
        "tg", ola.chat_id)
    assert [key async for key in redis.scan_iter(f"*{pseudonym}*")] == []


async def test_photos_stickers_contacts_and_huge_messages_get_a_kind_answer_and_are_not_kept(
    telegram: TelegramStandIn, start_telegram_bot: BotStarter, rasa_server: Service, redis: aioredis.Redis
) -> None:
    bot = await started(telegram, start_telegram_bot, rasa_server)
    nils = Person(chat_id=7000005, first_name="Nils", language_code="sv")
    await say(telegram, nils, "/start", expect=2)
    await press(telegram, nils, "lang:sv", expect=2)
    photo = [{"file_id": "AgACAgQAAx-photo", "file_unique_id": "u1", "width": 90, "height": 90}]
    before = len(telegram.sent_to(nils.chat_id))
    await telegram.send_message(nils, photo=photo)
    assert (await telegram.wait_for_texts(nils.chat_id, before + 1))[before] == catalog.text("sv", "media_not_read")

    before = len(telegram.sent_to(nils.chat_id))
    await telegram.send_message(nils, contact={"phone_number": "+46709998877", "first_name": "Pappa"})
    assert (await telegram.wait_for_texts(nils.chat_id, before + 1))[before] == catalog.text("sv", "contact_not_kept")

    replies = await say(telegram, nils, "hej " * 3000)
    assert replies[0] == catalog.text("sv", "too_long", limit=4096)
    assert not any(c.method in ("getFile",) for c in telegram.calls)
    await assert_nothing_identifying(redis, bot, nils, [])
    assert "46709998877" not in bot.log()


async def test_flood_control_is_waited_out_and_the_emergency_text_is_never_dropped(
    telegram: TelegramStandIn, start_telegram_bot: BotStarter, rasa_server: Service
) -> None:
    await started(telegram, start_telegram_bot, rasa_server)
    lina = Person(chat_id=7000006, first_name="Lina", language_code="en")
    await say(telegram, lina, "/start", expect=2)
    telegram.throttle_next = 2
    replies = await say(telegram, lina, "he is strangling me help", expect=1)
    assert replies[0] == catalog.text("en", "emergency")
    refused = [c for c in telegram.calls if c.method == "sendMessage" and c.chat_id == lina.chat_id and not c.result]
    assert len(refused) == 2


async def test_quiet_mode_sends_without_sound_but_never_an_emergency_text(
    telegram: TelegramStandIn, start_telegram_bot: BotStarter, rasa_server: Service
) -> None:
    await started(telegram, start_telegram_bot, rasa_server)
    mira = Person(chat_id=7000007, first_name="Mira", language_code="sv")
    await say(telegram, mira, "/start", expect=2)
    assert (await say(telegram, mira, "/quiet"))[0] == catalog.text("sv", "quiet_on")

    before = len(telegram.sent_to(mira.chat_id))
    await telegram.send_text(mira, "han slår mig just nu")
    await telegram.wait_for_texts(mira.chat_id, before + 4)
    replies = telegram.sent_to(mira.chat_id)[before:]
    emergency, *rest = replies
    assert emergency.text == catalog.text("sv", "emergency")
    assert str(emergency.params.get("disable_notification")).lower() != "true"
    assert rest and all(str(c.params.get("disable_notification")).lower() == "true" for c in rest)


async def test_a_flood_gets_one_calm_answer_and_an_acute_message_inside_it_still_gets_112(
    telegram: TelegramStandIn, start_telegram_bot: BotStarter, rasa_server: Service
) -> None:
    await started(telegram, start_telegram_bot, rasa_server)
    tom = Person(chat_id=7000008, first_name="Tom", language_code="sv")
    await say(telegram, tom, "/start", expect=2)
    for number in range(30):
        await telegram.send_text(tom, f"hej {number}")
    await telegram.send_text(tom, "han slår mig just nu")

    emergency = catalog.text("sv", "emergency")
    await telegram.wait_for(lambda _: any(c.text == emergency for c in telegram.sent_to(tom.chat_id)), timeout=60)
    flood_notes = [c for c in telegram.sent_to(tom.chat_id) if c.text == catalog.text("sv", "flood")]
    assert len(flood_notes) == 1
    assert not any(c.method == "sendMessage" and not c.result and c.chat_id == tom.chat_id for c in telegram.calls)
