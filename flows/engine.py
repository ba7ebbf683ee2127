"""The conversation: what the bot says to a message, given its danger and its intent.

Two entry points:
- `urgent()` is pure and instant: the emergency text for an acute message, sent by the
  channel before anything touches Redis or Rasa.
- `handle()` runs the per-session state machine (intake → talking → waiting → with_staff),
  stored in Redis through SessionStore, and returns the rest of the reply.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from flows.content import Catalog
from flows.model import (
    Action,
    Button,
    DeleteHistory,
    Incoming,
    Keyboard,
    Say,
    SetLanguage,
    SetQuiet,
    StaffSays,
)
from flows.ports import Handover, HandoverOutcome, Statistics
from flows.resources import Resources
from flows.session import Session, SessionStore
from flows.young import says_young
from nlu.language import proposed_switch
from nlu.types import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES, DangerAssessment, DangerLevel, Intent

IntentSource = Callable[[str], Awaitable[Intent]]
STOCKHOLM = ZoneInfo("Europe/Stockholm")


@cache
def _intents_file() -> dict[str, dict[str, str]]:
    data: dict[str, dict[str, str]] = yaml.safe_load(Path(__file__).with_name("intents.yaml").read_text("utf-8"))
    return data


def intent_answers() -> dict[str, str]:
    return _intents_file()["answers"]


def _add_once(values: list[str], value: str | None) -> None:
    if value is not None and value not in values:
        values.append(value)


class FlowEngine:
    def __init__(
        self,
        catalog: Catalog,
        resources: Resources,
        store: SessionStore,
        handover: Handover,
        statistics: Statistics,
        clock: Callable[[], datetime] = lambda: datetime.now(STOCKHOLM),
    ) -> None:
        self.catalog = catalog
        self.resources = resources
        self.store = store
        self.handover = handover
        self.statistics = statistics
        self.clock = clock

    # -- the instant path ---------------------------------------------------------------

    def urgent(self, lang: str, young: bool, assessment: DangerAssessment) -> list[Say]:
        """Emergency texts for an acute message. No I/O: nothing may delay these."""
        if not assessment.is_acute:
            return []
        texts: list[Say] = []
        suicide_only = assessment.categories == frozenset({"suicide_self_harm"})
        if not suicide_only:
            texts.append(Say(self.catalog.text(lang, "emergency", young=young), urgent=True))
        if "suicide_self_harm" in assessment.categories:
            texts.append(Say(self.catalog.text(lang, "suicide_support", young=young), urgent=True))
        return texts

    # -- the conversation ----------------------------------------------------------------

    async def open(self, message: Incoming, reply: str | None) -> Session:
        session = await self.store.load(message.session)
        if session is None:
            session = Session(id=message.session, channel=message.channel, reply=reply)
            session.lang = self._first_language(message)
            await self.statistics.count_conversation(session.lang)
        elif reply is not None:
            session.reply = reply
        return session

    async def handle(
        self,
        message: Incoming,
        assessment: DangerAssessment,
        intent_of: IntentSource,
        reply: str | None = None,
    ) -> tuple[list[Action], Session | None]:
        """The reply to one message, and the session as it stands after it (None once wiped)."""
        if message.kind == "exit":
            return await self.quick_exit(message), None
        session = await self.open(message, reply)
        actions = await self._respond(session, message, assessment, intent_of)
        await self.store.save(session)
        return actions, session

    async def quick_exit(self, message: Incoming) -> list[Action]:
        """Wipe everything of the conversation; the channel deletes what it showed."""
        message_ids = await self.store.message_ids(message.session)
        await self.handover.forget(message.session)
        await self.store.wipe(message.session)
        lang = message.language_hint or DEFAULT_LANGUAGE
        return [DeleteHistory(tuple(message_ids)), Say(self._t(lang, "exit_done"))]

    async def handle_offline(
        self, message: Incoming, assessment: DangerAssessment, intent_of: IntentSource, lang: str, young: bool
    ) -> list[Action]:
        """Redis is unreachable: answer from this message alone, with no state and no handover
        (a request for a person gets the 24/7 lines)."""
        if message.kind == "exit":
            return [DeleteHistory(), Say(self._t(lang, "exit_done"))]
        offline = FlowEngine(self.catalog, self.resources, self.store, _Unreachable(), _NotCounted(), self.clock)
        session = Session(id=message.session, channel=message.channel, state="talking", lang=lang, young=young)
        return await offline._respond(session, message, assessment, intent_of)

    async def _respond(
        self, session: Session, message: Incoming, assessment: DangerAssessment, intent_of: IntentSource
    ) -> list[Action]:
        match message.kind:
            case "start":
                return self._start(session)
            case "language":
                return [self._language_keyboard(session)]
            case "help":
                key = "help" if session.channel == "telegram" else "help_web"
                return [Say(self._s(session, key)), Say(self._s(session, "not_human"))]
            case "human":
                return await self._request_human(session)
            case "quiet":
                session.quiet = not session.quiet
                return [SetQuiet(session.quiet), Say(self._s(session, "quiet_on" if session.quiet else "quiet_off"))]
            case "button":
                return await self._button(session, message.button or "")
            case "media":
                return [Say(self._s(session, "media_not_read"))]
            case "contact":
                return [Say(self._s(session, "contact_not_kept"))]
            case "location":
                return [Say(self._s(session, "location_not_kept"))]
            case "empty":
                return [Say(self._s(session, "empty"))]
            case _:
                return await self._text(session, message, assessment, intent_of)

    def _start(self, session: Session) -> list[Action]:
        session.state = "intake"
        session.awaiting = None
        hint = "exit_hint.telegram" if session.channel == "telegram" else "exit_hint.web"
        welcome = f"{self._s(session, 'welcome')}\n\n{self._s(session, hint)}"
        return [Say(welcome), self._language_keyboard(session)]

    def _language_keyboard(self, session: Session) -> Say:
        buttons = [Button(self.catalog.meta(code).name, f"lang:{code}") for code in self.catalog.languages]
        rows = tuple(tuple(buttons[i : i + 3]) for i in range(0, len(buttons), 3))
        return Say(self._s(session, "choose_language"), rows)

    def _who_keyboard(self, session: Session) -> Say:
        rows: Keyboard = (
            (Button(self._s(session, "button.self"), "who:self"),
             Button(self._s(session, "button.someone_else"), "who:other")),
            (Button(self._s(session, "button.under_18"), "who:young"),
             Button(self._s(session, "button.own_behaviour"), "who:own_behaviour")),
        )
        return Say(self._s(session, "ask_who"), rows)

    def _yes_no(self, session: Session, text_key: str, yes: tuple[str, str], no: tuple[str, str]) -> Say:
        row = (Button(self._s(session, yes[0]), yes[1]), Button(self._s(session, no[0]), no[1]))
        return Say(self._s(session, text_key), (row,))

    def _set_language(self, session: Session, lang: str, chosen: bool) -> list[Action]:
        session.lang = lang
        session.lang_chosen = session.lang_chosen or chosen
        meta = self.catalog.meta(lang)
        return [SetLanguage(lang, meta.rtl), Say(self._s(session, "language_set", language_name=meta.name))]

    async def _button(self, session: Session, payload: str) -> list[Action]:
        kind, _, value = payload.partition(":")
        if kind == "lang" and value in SUPPORTED_LANGUAGES:
            actions = self._set_language(session, value, chosen=True)
            if session.state == "intake":
                actions.append(self._who_keyboard(session))
            return actions
        if kind == "who" and value in {"self", "other", "young", "own_behaviour"}:
            session.who = value
            was_young = session.young
            session.young = session.young or value == "young"
            if value == "young" and not was_young:
                await self.statistics.count_young()
            if session.state == "intake":
                session.state = "talking"
            return [Say(self._s(session, f"who_{value}_ack"))]
        if kind == "safe":
            session.awaiting = None
            session.safe_to_write = "yes" if value == "yes" else "no"
            if value == "no":
                return [Say(self._s(session, "unsafe_reply"))]
            return [self._offer_human(session)]
        if kind == "human":
            session.awaiting = None
            if value == "yes":
                return await self._request_human(session)
            return [Say(self._s(session, "help" if session.channel == "telegram" else "help_web"))]
        if kind == "children":
            session.awaiting = None
            if value == "yes":
                if not session.children_affected:
                    session.children_affected = True
                    await self.statistics.count_children_affected()
                return [Say(self._s(session, "children_support"))]
            return [Say(self._s(session, "thanks"))]
        if kind == "cancel":
            if await self.handover.cancel(session.id):
                session.state = "talking"
                return [Say(self._s(session, "human.cancelled"))]
            return []
        return [Say(self._s(session, "fallback"))]

    async def _request_human(self, session: Session) -> list[Action]:
        session.awaiting = None
        if session.state in ("waiting", "with_staff"):
            return [Say(self._s(session, "human.already_waiting"))]
        outcome = await self.handover.request(session)
        if outcome.status == "no_staff":
            return [Say(self._s(session, "human.no_staff", opening=self._next_opening()))]
        session.state = "waiting"
        if outcome.status == "already":
            return [Say(self._s(session, "human.already_waiting"))]
        cancel = ((Button(self._s(session, "button.cancel"), "cancel:handover"),),)
        if outcome.minutes is None:
            text = self._s(session, "human.queued_place_only", position=outcome.position)
        else:
            text = self._s(session, "human.queued", position=outcome.position, minutes=outcome.minutes)
        return [Say(text, cancel)]

    def _next_opening(self) -> str:
        opening = self.resources.next_chat_opening(self.clock())
        return opening.strftime("%d/%m %H:%M") if opening else "—"

    def _offer_human(self, session: Session) -> Say:
        session.awaiting = "offer_human"
        session.offered_human_at_level = session.level
        return self._yes_no(session, "offer_human", ("button.human", "human:yes"), ("button.no_thanks", "human:no"))

    async def _text(
        self, session: Session, message: Incoming, assessment: DangerAssessment, intent_of: IntentSource
    ) -> list[Action]:
        actions: list[Action] = []
        if message.truncated:
            actions.append(Say(self._s(session, "too_long", limit=len(message.text))))
        before = session.danger
        session.add_danger(assessment)
        await self.statistics.count_danger(before, session.danger)
        self._note_intake(session, assessment)
        if not session.young and says_young(message.text):
            session.young = True
            await self.statistics.count_young()

        if session.state in ("waiting", "with_staff"):
            # The queue is the authority: staff may have closed or handed back meanwhile.
            current = await self.handover.state(session.id)
            session.state = current if current in ("waiting", "with_staff") else "talking"  # type: ignore[assignment]
        if session.state in ("waiting", "with_staff"):
            await self.handover.relay_from_person(session.id, message.text)
            if assessment.level >= DangerLevel.HIGH:
                await self.handover.danger_rose(session, assessment)
            if session.state == "with_staff":
                return actions  # the social worker answers now, not the bot

        switch = proposed_switch(message.text, session.lang if session.lang_chosen else None)
        if switch and switch != session.lang:
            if session.lang_chosen:
                meta = self.catalog.meta(switch)
                actions.append(Say(self.catalog.text(switch, "choose_language"),
                                   ((Button(meta.name, f"lang:{switch}"),),)))
            else:
                actions.extend(self._set_language(session, switch, chosen=False))
        if session.state == "intake":
            session.state = "talking"

        actions.extend(self._danger_path(session, assessment))
        intent = await intent_of(session.lang or DEFAULT_LANGUAGE)
        actions.extend(await self._answer(session, intent, danger_answered=bool(actions)))
        if assessment.level >= DangerLevel.CONCERN and not session.asked_children and not session.young:
            session.asked_children = True
            session.awaiting = session.awaiting or "children"
            actions.append(self._yes_no_three(session))
        return actions

    def _yes_no_three(self, session: Session) -> Say:
        row = (
            Button(self._s(session, "button.children_yes"), "children:yes"),
            Button(self._s(session, "button.children_no"), "children:no"),
            Button(self._s(session, "button.children_skip"), "children:skip"),
        )
        return Say(self._s(session, "ask_children"), (row,))

    def _danger_path(self, session: Session, assessment: DangerAssessment) -> list[Action]:
        if assessment.level is DangerLevel.ACUTE:
            # The emergency text itself went out already (urgent()); now check in and offer a human.
            session.awaiting = "safe_to_write"
            safe = self._yes_no(
                session, "safe_to_write", ("button.safe_yes", "safe:yes"), ("button.safe_no", "safe:no")
            )
            return [safe, self._offer_human(session)] if session.state not in ("waiting", "with_staff") else [safe]
        if assessment.level is DangerLevel.HIGH:
            actions: list[Action] = [Say(self._s(session, "high_support"))]
            if session.state not in ("waiting", "with_staff") and session.offered_human_at_level < DangerLevel.HIGH:
                actions.append(self._offer_human(session))
            return actions
        return []

    def _note_intake(self, session: Session, assessment: DangerAssessment) -> None:
        if assessment.is_acute:
            _add_once(session.needs, "safety_now")
        if "economic_control" in assessment.categories:
            _add_once(session.topics, "economic")
        if assessment.categories & {"honour_threat", "forced_marriage_abroad"}:
            _add_once(session.topics, "honour")
        if "sexual_violence" in assessment.categories:
            _add_once(session.topics, "sexual")

    async def _answer(self, session: Session, intent: Intent, danger_answered: bool) -> list[Action]:
        name = intent.name
        _add_once(session.topics, _intents_file()["intake_topics"].get(name))
        _add_once(session.needs, _intents_file()["intake_needs"].get(name))
        if name == "request_human":
            return await self._request_human(session)
        if name in ("affirm", "deny") and session.awaiting:
            button = {"offer_human": "human", "safe_to_write": "safe", "children": "children"}[session.awaiting]
            return await self._button(session, f"{button}:{'yes' if name == 'affirm' else 'no'}")
        key = intent_answers().get(name)
        if key is not None:
            if danger_answered and key in ("greet", "thanks", "goodbye"):
                return []
            return [Say(self._s(session, key))]
        if danger_answered:
            return []  # the danger path already said what matters most
        if intent.source == "none":  # Rasa unreachable and no keyword matched
            return [Say(self._s(session, "rasa_down"))]
        return [Say(self._s(session, "out_of_scope" if intent.confidence >= 0.5 else "fallback"))]

    def _first_language(self, message: Incoming) -> str:
        proposed = proposed_switch(message.text, None) if message.text else None
        if proposed:
            return proposed
        if message.language_hint in SUPPORTED_LANGUAGES:
            return message.language_hint
        return DEFAULT_LANGUAGE

    # -- from the social worker ------------------------------------------------------------

    async def from_staff(
        self, session_id: str, kind: str, text: str = "", place: int | None = None, minutes: int | None = None
    ) -> tuple[list[Action], Session | None]:
        """What the person sees for a staff message or a queue notice, and the session it goes
        to (None if it is gone: quick exit or expiry leave nobody to tell). After "closed" the
        session is wiped; the returned copy only says where to send the last words."""
        session = await self.store.load(session_id)
        if session is None:
            return [], None
        actions = self._staff_actions(session, kind, text, place, minutes)
        if kind == "closed":
            session.state = "closed"
            await self.store.wipe(session_id)  # the conversation ends: nothing of it stays
        else:
            await self.store.save(session)
        return actions, session

    def resource_card(self, resource_id: str) -> str | None:
        """A helpline or local contact as a card: name, number, hours."""
        line = self.resources.national.get(resource_id)
        if line is not None:
            return f"☎ {line.name}\n{line.number}\n{line.hours}"
        if resource_id in ("social_services", "social_emergency", "womens_shelter"):
            contact = getattr(self.resources.municipality, resource_id)
            return f"☎ {contact.name}\n{contact.number}\n{contact.hours}"
        return None

    def _staff_actions(
        self, session: Session, kind: str, text: str, place: int | None, minutes: int | None
    ) -> list[Action]:
        match kind:
            case "text" | "closing":
                return [StaffSays(text)] if text else []
            case "resource_card":
                card = self.resource_card(text)
                return [Say(card)] if card else []
            case "emergency_info":
                return [Say(self._s(session, "emergency"), urgent=True)]
            case "staff_joined" | "staff_changed":
                session.state = "with_staff"
                return [Say(self._s(session, "human.staff_joined"))]
            case "back_in_queue" | "position":
                session.state = "waiting"
                if minutes is None:
                    return [Say(self._s(session, "human.position_update_place_only", position=place or 1))]
                return [Say(self._s(session, "human.position_update", position=place or 1, minutes=minutes))]
            case "returned_to_bot":
                session.state = "talking"
                return [Say(self._s(session, "human.returned_to_bot"))]
            case "no_staff":
                session.state = "talking"
                return [Say(self._s(session, "human.no_staff", opening=self._next_opening()))]
            case "closed":
                return [Say(self._s(session, "human.closed"))]
        return []

    # -- texts ---------------------------------------------------------------------------

    def _s(self, session: Session, key: str, **variables: object) -> str:
        return self.catalog.text(session.lang or DEFAULT_LANGUAGE, key, young=session.young, **variables)

    def _t(self, lang: str, key: str) -> str:
        return self.catalog.text(lang, key)


class _Unreachable:
    """The handover side while Redis is down: nobody can be reached through the queue."""

    async def request(self, session: Session) -> HandoverOutcome:
        return HandoverOutcome("no_staff")

    async def cancel(self, session_id: str) -> bool:
        return False

    async def state(self, session_id: str) -> str | None:
        return None

    async def relay_from_person(self, session_id: str, text: str) -> None:
        return None

    async def danger_rose(self, session: Session, assessment: DangerAssessment) -> None:
        return None

    async def forget(self, session_id: str) -> None:
        return None


class _NotCounted:
    async def count_conversation(self, language: str) -> None:
        return None

    async def count_danger(self, before: DangerAssessment, after: DangerAssessment) -> None:
        return None

    async def count_young(self) -> None:
        return None

    async def count_children_affected(self) -> None:
        return None
