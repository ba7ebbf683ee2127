"""The Rasa client against the real Rasa server, including Rasa dying mid-conversation.

Only examples any sensible training data covers are asserted ("I want to talk to a real
person" is request_human). The timeout is generous: timing is the bench's business, and the
first parse after Rasa starts can be slow on a busy machine.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from devstack.services import Service, start_rasa
from nlu.client import RasaClient

pytestmark = pytest.mark.rasa

HUMAN_EN = "I want to talk to a real person"
HUMAN_SV = "Jag vill prata med en riktig person"
GENEROUS_TIMEOUT = 10.0


async def test_rasa_understands_a_request_for_a_human_in_english_and_swedish(
    rasa_server: Service,
) -> None:
    client = RasaClient(rasa_server.url, timeout=GENEROUS_TIMEOUT)
    try:
        english = await client.parse(HUMAN_EN, "en")
        swedish = await client.parse(HUMAN_SV, "sv")
    finally:
        await client.close()
    assert (english.name, english.source) == ("request_human", "rasa")
    assert (swedish.name, swedish.source) == ("request_human", "rasa")
    assert client.available


async def test_when_rasa_dies_keywords_carry_on_and_the_client_recovers_when_it_is_back(
    rasa_factory: Callable[[], Service], tmp_path: Path
) -> None:
    first = rasa_factory()
    client = RasaClient(first.url, timeout=GENEROUS_TIMEOUT, failure_threshold=3, reset_after=1.0)
    try:
        before = await client.parse(HUMAN_EN, "en")
        assert (before.name, before.source) == ("request_human", "rasa")

        first.stop()
        during = [await client.parse(HUMAN_EN, "en") for _ in range(4)]
        assert {(intent.name, intent.source) for intent in during} == {("request_human", "keywords")}
        assert not client.available

        # Same port, same model: what an orchestrator restarting Rasa would give us. Start-up
        # takes far longer than reset_after, so the next call is the trial call.
        again = restart_like(first, tmp_path / "rasa-again.log")
        try:
            after = await client.parse(HUMAN_SV, "sv")
            assert (after.name, after.source) == ("request_human", "rasa")
            assert client.available
        finally:
            again.stop()
    finally:
        await client.close()


def restart_like(stopped: Service, log_path: Path) -> Service:
    argv = [str(arg) for arg in stopped.process.args]  # type: ignore[union-attr]
    model = Path(argv[argv.index("--model") + 1])
    port = urlsplit(stopped.url).port
    assert port is not None
    return start_rasa(model, port, log_path)
