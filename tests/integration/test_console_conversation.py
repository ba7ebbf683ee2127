"""A conversation in the console: the chat both ways, canned replies in the person's language,
resource cards, the emergency info, private notes, danger rising mid-chat, transfer, handing
back to the bot and closing — and what is left in Redis afterwards."""

from __future__ import annotations

import re

import pytest

from flows.content import load_catalog
from nlu.types import DangerAssessment, DangerLevel
from tests.integration.test_console_fixtures import (  # noqa: F401  (fixtures)
    Console,
    StaffMember,
    clock_fixture,
    console_fixture,
    console_overrides_fixture,
    keys_mentioning,
    next_of,
    person,
)

PERSON = "5f0c2a9e81d4b7c3e6a1f09d2b8c4e7a"
XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture(name="anna")
async def anna_holding_a_conversation(console: Console) -> StaffMember:
    """anna is on duty and has just taken PERSON, who writes Arabic and feels in danger."""
    anna = await console.staff("anna")
    await anna.on_duty()
    await console.services.queue.enqueue(
        person(PERSON, DangerLevel.HIGH, "stalking_control", language="ar")
    )
    status, _ = await anna.post("/queue/next")
    assert status == 200
    await console.delivered()  # staff_joined
    return anna


async def test_the_persons_words_reach_the_page_and_the_reply_reaches_the_person(
    console: Console, anna: StaffMember
) -> None:
    page = await anna.socket(f"/conversation/{PERSON}")

    await console.services.relay.from_person(PERSON, "أنا خائفة، هو يتبعني")
    heard = await next_of(page, "message")
    status, answer = await anna.post(f"/conversation/{PERSON}/send", text="Are you safe now?",
                                     message_id="m" * 32)
    echoed = await next_of(page, "message")

    assert heard["message"]["from"] == "user"
    assert heard["message"]["text"] == "أنا خائفة، هو يتبعني"
    assert status == 200 and answer["message_id"] == "m" * 32
    assert echoed["message"] == {**echoed["message"], "from": "staff", "staff": "anna",
                                 "text": "Are you safe now?"}
    [delivery] = await console.delivered()
    assert (delivery.session, delivery.kind, delivery.text, delivery.language) == (
        PERSON, "text", "Are you safe now?", "ar")


async def test_a_retried_send_reaches_the_person_once(
    console: Console, anna: StaffMember
) -> None:
    for _ in range(2):
        status, _ = await anna.post(f"/conversation/{PERSON}/send", text="Hej", message_id="r" * 32)
        assert status == 200

    assert [d.text for d in await console.delivered()] == ["Hej"]


async def test_an_empty_or_overlong_message_is_refused_with_a_reason(
    console: Console, anna: StaffMember
) -> None:
    empty = await anna.post(f"/conversation/{PERSON}/send", text="   ")
    long = await anna.post(f"/conversation/{PERSON}/send", text="x" * 4001)

    assert empty == (400, {"ok": False, "error": "Skriv något först."})
    assert long[0] == 400 and "4000" in long[1]["error"]
    assert await console.delivered() == []


async def test_a_canned_reply_goes_out_in_the_persons_language(
    console: Console, anna: StaffMember
) -> None:
    page = (await (await anna.client.get(f"/conversation/{PERSON}")).text())
    status, _ = await anna.post(f"/conversation/{PERSON}/canned", key="canned.are_you_safe")

    assert status == 200
    [delivery] = await console.delivered()
    catalog = load_catalog()
    assert delivery.text == catalog.text("ar", "canned.are_you_safe")
    # The social worker reads the Swedish meaning on the button.
    assert catalog.text("sv", "canned.are_you_safe") in page


async def test_a_resource_card_and_the_emergency_info_are_sent_for_the_bot_to_write_out(
    console: Console, anna: StaffMember
) -> None:
    page = await anna.socket(f"/conversation/{PERSON}")

    assert (await anna.post(f"/conversation/{PERSON}/resource",
                            resource="kvinnofridslinjen"))[0] == 200
    card = await next_of(page, "message")
    assert (await anna.post(f"/conversation/{PERSON}/emergency"))[0] == 200
    emergency = await next_of(page, "message")
    unknown = await anna.post(f"/conversation/{PERSON}/resource", resource="no_such_line")

    sent = [(d.kind, d.text, d.language) for d in await console.delivered()]
    assert sent == [("resource_card", "kvinnofridslinjen", "ar"), ("emergency_info", "", "ar")]
    assert card["message"]["text"] == "Kort skickat: Kvinnofridslinjen, 020-50 50 50"
    assert emergency["message"]["text"] == "Nödinformationen (ring 112) skickad på arabiska"
    assert unknown[0] == 400


async def test_a_message_with_html_shows_as_text_on_the_page(
    console: Console, anna: StaffMember
) -> None:
    await console.services.relay.from_person(PERSON, XSS)
    await anna.post(f"/conversation/{PERSON}/note", text="<script>alert(2)</script>")

    html = await (await anna.client.get(f"/conversation/{PERSON}")).text()

    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html
    assert XSS not in html and "<script>alert(2)" not in html


async def test_notes_stay_private_and_are_gone_when_the_conversation_closes(
    console: Console, anna: StaffMember
) -> None:
    notes_key = f"{{hq}}:note:{PERSON}"
    status, _ = await anna.post(f"/conversation/{PERSON}/note", text="Pratar om barnen, 2 och 5")
    page = await (await anna.client.get(f"/conversation/{PERSON}")).text()

    assert status == 200 and "Pratar om barnen, 2 och 5" in page
    assert await console.delivered() == []  # a note is never sent
    assert 0 < await console.services.redis.ttl(notes_key) <= 3600

    assert (await anna.post(f"/conversation/{PERSON}/close"))[0] == 200

    assert not await console.services.redis.exists(notes_key)


async def test_closing_tells_the_person_and_leaves_nothing_of_the_conversation(
    console: Console, anna: StaffMember
) -> None:
    page = await anna.socket(f"/conversation/{PERSON}")
    await console.services.relay.from_person(PERSON, "jag vågar inte gå hem")
    await anna.post(f"/conversation/{PERSON}/send", text="Du kan sova på skyddat boende i natt")
    await anna.post(f"/conversation/{PERSON}/note", text="Behöver skyddat boende")
    await console.delivered()

    status, answer = await anna.post(f"/conversation/{PERSON}/close")

    assert status == 200 and answer["url"] == "/queue"
    assert [d.kind for d in await console.delivered()] == ["closed"]
    assert (await next_of(page, "ended"))["reason"] == "closed"
    redis = console.services.redis
    # Only the audit log (who closed which pseudonym) and the consoles' event feed, both
    # trimmed by age, still name the pseudonym; no text of the conversation is anywhere.
    assert await keys_mentioning(redis, PERSON) <= {"{hq}:audit", "{hq}:events"}
    for words in ("jag vågar inte", "skyddat boende i natt", "Behöver skyddat"):
        assert await keys_mentioning(redis, words) == set()
    assert (await anna.client.get(f"/conversation/{PERSON}")).status == 409


async def test_handing_back_to_the_bot_tells_the_person_and_ends_the_handover(
    console: Console, anna: StaffMember
) -> None:
    await anna.post(f"/conversation/{PERSON}/note", text="tillbaka till boten")

    status, _ = await anna.post(f"/conversation/{PERSON}/return")

    assert status == 200
    assert [d.kind for d in await console.delivered()] == ["returned_to_bot"]
    assert await console.services.queue.state(PERSON) is None
    assert await keys_mentioning(console.services.redis, "tillbaka till boten") == set()


async def test_a_transfer_goes_to_a_colleague_on_duty_who_is_told_at_once(
    console: Console, anna: StaffMember
) -> None:
    bo = await console.staff("bo")
    cecilia = await console.staff("cecilia")  # logged in, not on duty
    await bo.on_duty()
    anna_page = await anna.socket(f"/conversation/{PERSON}")
    bo_queue = await bo.socket("/queue")
    await next_of(bo_queue, "state")
    await anna.post(f"/conversation/{PERSON}/note", text="Hon har ett skyddat nummer")

    refused = await anna.post(f"/conversation/{PERSON}/transfer", to=cecilia.staff_name)
    status, answer = await anna.post(f"/conversation/{PERSON}/transfer", to="bo")

    assert refused[0] == 409
    assert status == 200 and answer["url"] == "/queue"
    assigned = await next_of(bo_queue, "assigned")
    assert assigned["ticket"]["session"] == PERSON
    ended = await next_of(anna_page, "ended")
    assert ended["text"] == "Samtalet har lämnats över till bo."
    assert [d.kind for d in await console.delivered()] == ["staff_changed"]
    bo_page = await (await bo.client.get(f"/conversation/{PERSON}")).text()
    assert "Hon har ett skyddat nummer" in bo_page  # the notes follow the conversation
    assert (await anna.client.get(f"/conversation/{PERSON}")).status == 409


async def test_only_the_holder_can_write_send_cards_or_close(
    console: Console, anna: StaffMember
) -> None:
    bo = await console.staff("bo")
    await bo.on_duty()

    for action, fields in [("send", {"text": "hej"}), ("resource", {"resource": "bris"}),
                           ("emergency", {}), ("note", {"text": "x"}), ("close", {}),
                           ("return", {}), ("transfer", {"to": "anna"})]:
        status, _ = await bo.post(f"/conversation/{PERSON}/{action}", **fields)
        assert status == 409, action

    assert await console.delivered() == []
    assert [c.staff for c in await console.services.queue.live()] == ["anna"]


async def test_danger_rising_mid_chat_shows_at_once_on_the_holders_page(
    console: Console, anna: StaffMember
) -> None:
    page = await anna.socket(f"/conversation/{PERSON}")

    await console.services.queue.reprioritise(
        PERSON, DangerAssessment(DangerLevel.ACUTE, frozenset({"threat_to_kill"}))
    )

    alert = await next_of(page, "alert")
    assert alert["mine"] is True
    assert alert["ticket"]["level_name"] == "AKUT fara"
    assert alert["ticket"]["categories"] == ["Hot om att döda", "Förföljelse och kontroll"]


async def test_the_audit_shows_who_did_what_with_a_short_pseudonym_and_no_content(
    console: Console, anna: StaffMember
) -> None:
    sara = await console.staff("sara", "supervisor")
    await anna.post(f"/conversation/{PERSON}/send", text="hemligt innehåll")
    await anna.post(f"/conversation/{PERSON}/close")

    html = await (await sara.client.get("/audit")).text()

    rows = re.findall(r"<tr><td>[^<]+</td><td>(\w+)</td><td>([^<]+)</td><td>#(\w+)</td>", html)
    assert rows == [("anna", "avslutade samtalet", PERSON[:6]), ("anna", "tog samtalet", PERSON[:6])]
    assert PERSON not in html and "hemligt" not in html


async def test_statistics_count_a_handover_but_show_small_numbers_as_under_five(
    console: Console,
) -> None:
    carl = await console.staff("carl", "coordinator")
    anna = await console.staff("anna")
    await anna.on_duty()
    table = re.compile(r'<table class="stats".*?</table>', re.S)

    before = table.search(await (await carl.client.get("/stats")).text())
    await console.services.queue.enqueue(person(PERSON, DangerLevel.ACUTE))
    after_one = table.search(await (await carl.client.get("/stats")).text())
    for number in range(6):
        await console.services.queue.enqueue(person(f"{PERSON[:-1]}{number}", DangerLevel.NONE))
    after_seven = table.search(await (await carl.client.get("/stats")).text())
    csv = await (await carl.client.get("/stats.csv?period=month")).text()

    assert before and after_one and after_seven
    assert "&lt; 5" not in before[0]
    assert "&lt; 5" in after_one[0]
    assert "<td>7</td>" in after_seven[0]
    header, row = csv.splitlines()[0], csv.splitlines()[-1]  # this month comes last
    handovers = header.split(",").index("handovers")
    assert row.split(",")[handovers] == "7"
    assert row.split(",")[header.split(",").index("handover_level:acute")] == "< 5"

