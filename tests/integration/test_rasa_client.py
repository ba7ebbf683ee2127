"""The Rasa client against the real Rasa server, including Rasa dying mid-conversation.

Only examples any sensible training data covers are asserted ("I want to talk to a real
person" is request_human). The timeout is generous: timing is the bench's business, and the
first parse after Rasa starts can be slow on a busy machine.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp
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


async def test_the_intent_classifier_gives_probabilities_and_doubts_gibberish(
    rasa_server: Service,
) -> None:
    # Our own classifier (nlu/rasa/tryggchatt_rasa/linear_svm.py) turns SVM scores into
    # confidences; the bot's fallback and Rasa's FallbackClassifier rely on them meaning
    # something: a ranked list of probabilities, high for a plain request, low for noise.
    async with aiohttp.ClientSession() as session:
        async def parse(text: str) -> dict[str, object]:
            async with session.post(f"{rasa_server.url}/model/parse", json={"text": text}) as response:
                assert response.status == 200
                result: dict[str, object] = await response.json()
                return result

        plain = await parse(HUMAN_EN)
        noise = await parse("xqzv brrt klmnop wuggle")
    ranking = plain["intent_ranking"]
    assert isinstance(ranking, list) and ranking
    confidences = [float(item["confidence"]) for item in ranking]
    assert confidences == sorted(confidences, reverse=True)
    assert all(0.0 <= c <= 1.0 for c in confidences) and sum(confidences) <= 1.0 + 1e-6
    assert plain["intent"] == {"name": "request_human", "confidence": confidences[0]}
    assert confidences[0] >= 0.5
    top_noise = noise["intent"]
    assert isinstance(top_noise, dict)
    assert top_noise["name"] in ("nlu_fallback", "out_of_scope") or float(top_noise["confidence"]) < 0.3
