"""The queue page: who is waiting (most dangerous first), the acute alert for everyone on
duty, taking the next person or a particular one, supervisors taking over, and leases."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from handover.console.keys import HUB
from handover.ticket import IntakeCard
from nlu.types import DangerLevel
from tests.integration.test_console_fixtures import (  # noqa: F401  (fixtures)
    Console,
    clock_fixture,
    console_fixture,
    console_overrides_fixture,
    next_of,
    person,
)

CALM = "1a2b3c4d5e6f708192a3b4c5d6e7f809"
ACUTE = "9f8e7d6c5b4a39281706f5e4d3c2b1a0"


def waiting_sessions(state: dict[str, Any]) -> list[str]:
    return [ticket["session"] for ticket in state["waiting"]]


async def test_an_acute_arrival_alerts_everyone_on_duty_and_nobody_off_duty(
    console: Console,
) -> None:
    anna = await console.staff("anna")
    bo = await console.staff("bo")
    await anna.on_duty()
    anna_page, bo_page = await anna.socket("/queue"), await bo.socket("/queue")
    await next_of(anna_page, "state")
    await next_of(bo_page, "state")

    await console.services.queue.enqueue(
        person(ACUTE, DangerLevel.ACUTE, "threat_to_kill", "weapon", language="so")
    )

    alert = await next_of(anna_page, "alert")
    assert alert["ticket"]["session"] == ACUTE
    assert alert["ticket"]["level_name"] == "AKUT fara"
    assert alert["ticket"]["language_name"] == "somaliska"
    assert alert["ticket"]["categories"] == ["Hot om att döda", "Vapen"]
    # bo is off duty: the same change reaches him as a new view, without an alert before it.
    seen = []
    while True:
        message = await bo_page.receive_json(timeout=10)
        seen.append(message["type"])
        if message["type"] == "state" and ACUTE in waiting_sessions(message):
            break
    assert "alert" not in seen
    assert message["acute_waiting"] == 1


async def test_the_queue_shows_the_most_dangerous_first_with_flags_and_intake_card(
    console: Console,
) -> None:
    anna = await console.staff("anna")
    await anna.on_duty()
    queue = console.services.queue
    await queue.enqueue(person(CALM, DangerLevel.CONCERN))
    console.clock.advance(60)
    card = IntakeCard(who_for="self", relation="ex_partner", topics=frozenset({"physical"}),
                      needs=frozenset({"shelter", "safety_now"}), safe_to_write="no")
    await queue.enqueue(person(ACUTE, DangerLevel.ACUTE, "strangulation", young=True, card=card))
    page = await anna.socket("/queue")

    state = await next_of(page, "state")

    assert waiting_sessions(state) == [ACUTE, CALM]
    first = state["waiting"][0]
    assert first["acute"] is True and first["young"] is True
    assert first["short"] == ACUTE[:6]
    rows = {row["field"]: row for row in first["card"]}
    assert rows["relation"]["value"] == "tidigare partner"
    assert rows["needs"]["value"] == "säkerhet nu, skyddat boende"
    assert rows["safe_to_write"]["warn"] is True
    assert first["since"] > state["waiting"][1]["since"]  # came later, yet comes first


async def test_the_queue_view_carries_nothing_but_the_pseudonym_and_enumerated_values(
    console: Console,
) -> None:
    anna = await console.staff("anna")
    await anna.on_duty()
    await console.services.queue.enqueue(person(ACUTE, DangerLevel.HIGH, "stalking_control"))
    page = await anna.socket("/queue")

    state = await next_of(page, "state")

    ticket = state["waiting"][0]
    assert set(ticket) == {
        "session", "short", "language", "language_name", "level", "level_name", "acute",
        "categories", "young", "children_affected", "card", "since", "staff", "claimed_at",
    }
    assert "telegram" not in json.dumps(state).lower() and "web" not in json.dumps(ticket)


async def test_take_next_gives_the_most_urgent_person_and_opens_the_conversation(
    console: Console,
) -> None:
    anna = await console.staff("anna")
    await anna.on_duty()
    await console.services.queue.enqueue(person(CALM, DangerLevel.NONE))
    await console.services.queue.enqueue(person(ACUTE, DangerLevel.ACUTE, "violence_now"))

    status, answer = await anna.post("/queue/next")

    assert status == 200
    assert answer["url"] == f"/conversation/{ACUTE}"
    assert (await anna.client.get(answer["url"])).status == 200
    notices = [d.kind for d in await console.delivered() if d.session == ACUTE]
    assert notices == ["staff_joined"]


async def test_take_next_off_duty_or_with_nobody_waiting_says_why(console: Console) -> None:
    anna = await console.staff("anna")

    off_duty = await anna.post("/queue/next")
    await anna.on_duty()
    empty = await anna.post("/queue/next")

    assert off_duty == (409, {"ok": False, "error": "Du är inte i tjänst. Gå i tjänst först."})
    assert empty == (409, {"ok": False, "error": "Ingen väntar just nu."})


async def test_two_social_workers_taking_the_same_person_get_one_each_answer(
    console: Console,
) -> None:
    anna, bo = await console.staff("anna"), await console.staff("bo")
    await anna.on_duty()
    await bo.on_duty()
    await console.services.queue.enqueue(person(ACUTE, DangerLevel.HIGH))

    first = await anna.post(f"/queue/take/{ACUTE}")
    second = await bo.post(f"/queue/take/{ACUTE}")

    assert first[0] == 200
    assert second == (409, {"ok": False, "error": "En kollega hann före och tog samtalet."})
    assert (await bo.client.get(f"/conversation/{ACUTE}")).status == 409


async def test_a_supervisor_takes_a_conversation_over_and_the_holder_is_told(
    console: Console,
) -> None:
    anna = await console.staff("anna")
    sara = await console.staff("sara", "supervisor")
    await anna.on_duty()
    await console.services.queue.enqueue(person(ACUTE, DangerLevel.ACUTE))
    await anna.post("/queue/next")
    anna_page = await anna.socket(f"/conversation/{ACUTE}")
    sara_queue = await sara.socket("/queue")
    overview = await next_of(sara_queue, "state")
    assert [c["staff"] for c in overview["live"]] == ["anna"]

    status, answer = await sara.post(f"/queue/take-over/{ACUTE}")

    assert status == 200 and answer["url"] == f"/conversation/{ACUTE}"
    ended = await next_of(anna_page, "ended")
    assert ended["reason"] == "take_over"
    assert ended["text"] == "sara har tagit över samtalet."
    assert [c.staff for c in await console.services.queue.live()] == ["sara"]
    assert (await anna.client.get(f"/conversation/{ACUTE}")).status == 409


async def test_an_open_page_keeps_the_lease_and_a_dead_console_lets_it_lapse(
    console: Console,
) -> None:
    anna = await console.staff("anna")
    await anna.on_duty()
    queue, hub = console.services.queue, console.server.app[HUB]
    await queue.enqueue(person(ACUTE, DangerLevel.HIGH))
    await anna.post("/queue/next")
    page = await anna.socket(f"/conversation/{ACUTE}")
    await console.delivered()

    for _ in range(3):  # 60 s with the page open: the keep-alive renews every 20 s
        console.clock.advance(20)
        await hub.keep_alive()
        await queue.housekeeping()
    assert [c.ticket.session for c in await queue.live()] == [ACUTE]

    await page.close()
    await anna.client.close()  # the console is gone: nothing renews any more
    async with asyncio.timeout(10):
        while hub.pages:  # noqa: ASYNC110  (the server's own list; it offers no event)
            await asyncio.sleep(0.01)
    console.clock.advance(31)
    report = await queue.housekeeping()

    assert report.returned == [ACUTE]
    assert [t.session for t in await queue.waiting()] == [ACUTE]
    told = [d.kind for d in await console.delivered()]
    assert told[0] == "back_in_queue"  # then their place in the queue


async def test_going_off_duty_hands_held_conversations_back_to_the_queue(
    console: Console,
) -> None:
    anna, bo = await console.staff("anna"), await console.staff("bo")
    await anna.on_duty()
    await bo.on_duty()
    await console.services.queue.enqueue(person(ACUTE, DangerLevel.HIGH))
    await anna.post("/queue/next")

    status, answer = await anna.post("/duty", on="0")

    assert status == 200 and answer["on_duty"] is False
    assert [t.session for t in await console.services.queue.waiting()] == [ACUTE]
