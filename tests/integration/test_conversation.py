"""The conversation engine on real Redis: what a person experiences, message by message.

The handover side and the statistics are small recording fakes here (their Redis behaviour
has its own tests); the session store is the real one."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import redis.asyncio as aioredis

from flows.content import load_catalog
from flows.engine import FlowEngine
from flows.model import Action, DeleteHistory, Incoming, Say, SetLanguage
from flows.ports import HandoverOutcome
from flows.resources import load_resources
from flows.session import Session, SessionStore
from nlu.danger import assess
from nlu.types import NO_DANGER, DangerAssessment, Intent

catalog = load_catalog()
resources = load_resources()
SESSION = "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6"
TUESDAY_NIGHT = datetime(2026, 11, 24, 23, 30, tzinfo=ZoneInfo("Europe/Stockholm"))


@dataclass
class RecordingHandover:
    outcome: HandoverOutcome = field(default_factory=lambda: HandoverOutcome("queued", 2, 7))
    queue_state: str | None = None
    requested: list[Session] = field(default_factory=list)
    relayed: list[str] = field(default_factory=list)
    alerts: list[DangerAssessment] = field(default_factory=list)
    forgotten: list[str] = field(default_factory=list)

    async def request(self, session: Session) -> HandoverOutcome:
        self.requested.append(session)
        if self.outcome.status == "queued":
            self.queue_state = "waiting"
        return self.outcome

    async def cancel(self, session_id: str) -> bool:
        was_waiting = self.queue_state == "waiting"
        self.queue_state = None
        return was_waiting

    async def state(self, session_id: str) -> str | None:
        return self.queue_state

    async def relay_from_person(self, session_id: str, text: str) -> None:
        self.relayed.append(text)

    async def danger_rose(self, session: Session, assessment: DangerAssessment) -> None:
        self.alerts.append(assessment)

    async def forget(self, session_id: str) -> None:
        self.forgotten.append(session_id)


@dataclass
class RecordingStatistics:
    counted: list[str] = field(default_factory=list)

    async def count_conversation(self, language: str) -> None:
        self.counted.append(f"conversation:{language}")

    async def count_danger(self, before: DangerAssessment, after: DangerAssessment) -> None:
        self.counted.extend(f"danger:{c}" for c in sorted(after.categories - before.categories))

    async def count_young(self) -> None:
        self.counted.append("young")

    async def count_children_affected(self) -> None:
        self.counted.append("children_affected")


@dataclass
class Person:
    engine: FlowEngine
    lang_hint: str = "sv"
    channel: str = "telegram"
    danger: DangerAssessment = NO_DANGER

    async def send(self, kind: str, text: str = "", button: str | None = None, intent: str = "out_of_scope",
                   confidence: float = 0.9, source: str = "rasa") -> list[Action]:
        message = Incoming(session=SESSION, kind=kind, channel=self.channel, text=text, button=button,  # type: ignore[arg-type]
                           language_hint=self.lang_hint)
        assessment = assess(text, self.danger) if kind == "text" else NO_DANGER
        self.danger = self.danger.merged_with(assessment)
        session = await self.engine.store.load(SESSION)
        lang = (session.lang if session else None) or self.lang_hint
        urgent: list[Action] = list(self.engine.urgent(lang, bool(session and session.young), assessment))

        async def intent_of(_: str) -> Intent:
            return Intent(intent, confidence, source)  # type: ignore[arg-type]

        actions, _ = await self.engine.handle(message, assessment, intent_of, reply="sealed-address")
        return urgent + actions


def texts(actions: list[Action]) -> list[str]:
    return [a.text for a in actions if isinstance(a, Say)]


@pytest.fixture
def handover() -> RecordingHandover:
    return RecordingHandover()


@pytest.fixture
def statistics() -> RecordingStatistics:
    return RecordingStatistics()


@pytest.fixture
def engine(redis: aioredis.Redis, handover: RecordingHandover, statistics: RecordingStatistics) -> FlowEngine:
    return FlowEngine(catalog, resources, SessionStore(redis, 3600), handover, statistics, clock=lambda: TUESDAY_NIGHT)


async def test_start_greets_anonymously_and_offers_every_language_in_its_own_script(engine: FlowEngine) -> None:
    actions = await Person(engine).send("start")
    welcome, keyboard = [a for a in actions if isinstance(a, Say)]
    assert catalog.text("sv", "welcome") in welcome.text
    labels = [b.label for row in keyboard.buttons for b in row]
    assert "العربية" in labels and "ትግርኛ" in labels and "Svenska" in labels and len(labels) == 12


async def test_choosing_a_language_switches_every_text_and_asks_who_is_writing(engine: FlowEngine) -> None:
    person = Person(engine)
    await person.send("start")
    actions = await person.send("button", button="lang:ar")
    assert SetLanguage("ar", True) in actions
    assert texts(actions)[-1] == catalog.text("ar", "ask_who")


async def test_a_question_gets_the_answer_of_its_intent_in_the_chosen_language(engine: FlowEngine) -> None:
    person = Person(engine)
    await person.send("button", button="lang:pl")
    actions = await person.send("text", "gdzie jest schronisko", intent="ask_shelter")
    assert texts(actions) == [catalog.text("pl", "topic.shelter")]


async def test_acute_message_gets_112_first_then_safe_to_write_then_a_person_offered(
    engine: FlowEngine, statistics: RecordingStatistics
) -> None:
    person = Person(engine, lang_hint="en")
    await person.send("button", button="lang:en")
    said = texts(await person.send("text", "he is hitting me right now", intent="out_of_scope"))
    assert said[0] == catalog.text("en", "emergency") and "112" in said[0]
    assert said[1] == catalog.text("en", "safe_to_write")
    assert said[2] == catalog.text("en", "offer_human")
    assert "danger:violence_now" in statistics.counted


async def test_children_are_asked_about_once_gently_when_violence_is_disclosed(engine: FlowEngine) -> None:
    person = Person(engine, lang_hint="sv")
    await person.send("button", button="lang:sv")
    first = texts(await person.send("text", "min man slog mig igår", intent="out_of_scope"))
    assert catalog.text("sv", "ask_children") in first
    second = texts(await person.send("text", "han slog mig igen förra veckan", intent="out_of_scope"))
    assert catalog.text("sv", "ask_children") not in second
    after_yes = texts(await person.send("button", button="children:yes"))
    assert after_yes == [catalog.text("sv", "children_support")]


async def test_a_young_person_gets_age_appropriate_emergency_text_with_bris(engine: FlowEngine) -> None:
    person = Person(engine, lang_hint="fa")
    await person.send("button", button="lang:fa")
    await person.send("button", button="who:young")
    session = await engine.store.load(SESSION)
    assert session is not None and session.young
    assert engine.urgent("fa", True, assess("he is hitting me right now"))[0].text == catalog.text(
        "fa", "emergency", young=True)
    assert "116 111" in catalog.text("fa", "emergency", young=True)


async def test_asking_for_a_person_queues_and_tells_the_place_and_the_wait(
    engine: FlowEngine, handover: RecordingHandover
) -> None:
    person = Person(engine)
    await person.send("button", button="lang:sv")
    said = texts(await person.send("text", "jag vill prata med en människa", intent="request_human"))
    assert said == [catalog.text("sv", "human.queued", position=2, minutes=7)]
    (ticket_session,) = handover.requested
    assert ticket_session.lang == "sv"
    assert "talk" in ticket_session.needs


async def test_with_nobody_on_duty_the_person_is_told_at_once_with_the_24_7_lines_and_when_staff_are_back(
    engine: FlowEngine, handover: RecordingHandover
) -> None:
    handover.outcome = HandoverOutcome("no_staff")
    said = texts(await Person(engine).send("human"))
    assert said == [catalog.text("sv", "human.no_staff", opening="25/11 08:00")]
    assert "020-50 50 50" in said[0] and "112" in said[0]


async def test_once_staff_have_the_conversation_the_bot_stays_silent_and_relays(
    engine: FlowEngine, handover: RecordingHandover
) -> None:
    person = Person(engine)
    await person.send("human")
    handover.queue_state = "with_staff"
    await engine.from_staff(SESSION, "staff_joined")
    said = texts(await person.send("text", "hej, är du där?", intent="greet"))
    assert said == []
    assert handover.relayed == ["hej, är du där?"]


async def test_danger_during_a_staff_conversation_alerts_staff_and_still_gives_112(
    engine: FlowEngine, handover: RecordingHandover
) -> None:
    person = Person(engine, lang_hint="en")
    await person.send("button", button="lang:en")
    await person.send("human")
    handover.queue_state = "with_staff"
    await engine.from_staff(SESSION, "staff_joined")
    said = texts(await person.send("text", "he has a knife and says he will kill me"))
    assert said[0] == catalog.text("en", "emergency")
    assert handover.alerts and handover.alerts[0].is_acute


async def test_quick_exit_deletes_what_was_shown_and_leaves_no_key(
    engine: FlowEngine, redis: aioredis.Redis, handover: RecordingHandover
) -> None:
    person = Person(engine)
    await person.send("start")
    await engine.store.remember_messages(SESSION, [11, 12, 13])
    actions = await person.send("exit")
    assert actions[0] == DeleteHistory((11, 12, 13))
    assert texts(actions) == [catalog.text("sv", "exit_done")]
    assert handover.forgotten == [SESSION]
    assert [key async for key in redis.scan_iter(f"*{SESSION}*")] == []


async def test_every_session_key_has_a_ttl(engine: FlowEngine, redis: aioredis.Redis) -> None:
    person = Person(engine)
    await person.send("start")
    await engine.store.remember_messages(SESSION, [1])
    await person.send("text", "hej", intent="greet")
    keys = [key async for key in redis.scan_iter(f"*{SESSION}*")]
    assert keys
    for key in keys:
        assert 0 < await redis.ttl(key) <= 3600


@pytest.mark.parametrize(("kind", "key"), [
    ("media", "media_not_read"), ("contact", "contact_not_kept"), ("location", "location_not_kept"), ("empty", "empty"),
])
async def test_anything_but_text_gets_a_kind_answer(engine: FlowEngine, kind: str, key: str) -> None:
    assert texts(await Person(engine).send(kind)) == [catalog.text("sv", key)]


async def test_when_rasa_is_unreachable_the_person_is_told_plainly_with_112(engine: FlowEngine) -> None:
    said = texts(await Person(engine).send("text", "asdf qwerty", intent="out_of_scope", confidence=0.0, source="none"))
    assert said == [catalog.text("sv", "rasa_down")]


async def test_a_closed_conversation_leaves_nothing_but_its_closing_words(
    engine: FlowEngine, redis: aioredis.Redis
) -> None:
    person = Person(engine, lang_hint="so")
    await person.send("button", button="lang:so")
    actions, session = await engine.from_staff(SESSION, "closed")
    assert texts(actions) == [catalog.text("so", "human.closed")]
    assert session is not None and session.channel == "telegram"
    assert [key async for key in redis.scan_iter(f"*{SESSION}*")] == []
