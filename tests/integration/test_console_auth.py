"""Who gets into the console and what they may do: logins, lockout, CSRF, cookies, headers,
WebSocket origins, roles and revoked logins — against a real console and the real Redis."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
import redis.asyncio as aioredis
from aiohttp.test_utils import TestClient
from pytest_aiohttp.plugin import AiohttpClient, AiohttpServer

from handover.console.app import create_app
from handover.console.keys import HUB
from handover.console.settings import ConsoleSettings
from tests.integration.test_console_fixtures import (  # noqa: F401  (fixtures)
    PASSWORD,
    SECRET,
    Console,
    clock_fixture,
    console_fixture,
    console_overrides_fixture,
    console_settings,
    person,
)


async def test_a_social_worker_logs_in_and_reaches_the_queue(console: Console) -> None:
    anna = await console.staff("anna", login=False)

    response = await anna.login()

    assert response.status == 303
    assert response.headers["Location"] == "/queue"
    page = await anna.client.get("/queue")
    assert page.status == 200
    assert "anna" in await page.text()


async def test_a_wrong_password_and_an_unknown_name_get_the_same_answer(console: Console) -> None:
    anna = await console.staff("anna", login=False)
    nobody = await console.staff("bo", login=False)
    nobody.staff_name = "no-such-user"

    wrong_password = await anna.login("not the password")
    unknown_name = await nobody.login(PASSWORD)

    assert wrong_password.status == unknown_name.status == 401
    assert "Fel användarnamn eller lösenord" in await wrong_password.text()
    assert "Fel användarnamn eller lösenord" in await unknown_name.text()


async def test_three_failures_lock_the_name_even_for_the_right_password(console: Console) -> None:
    anna = await console.staff("anna", login=False)
    for _ in range(3):
        assert (await anna.login("guess")).status == 401

    locked = await anna.login(PASSWORD)

    assert locked.status == 429
    assert int(locked.headers["Retry-After"]) > 0
    assert "spärrad" in await locked.text()
    assert not any(c.key.endswith("tc_login") for c in anna.client.session.cookie_jar)


async def test_unlocking_lets_the_social_worker_in_again(console: Console) -> None:
    anna = await console.staff("anna", login=False)
    for _ in range(3):
        await anna.login("guess")

    await console.services.guard.unlock("anna")

    assert (await anna.login()).status == 303


async def test_one_client_trying_many_names_is_slowed_down(
    redis: aioredis.Redis, redis_url: str, aiohttp_server: AiohttpServer,
    aiohttp_client: AiohttpClient,
) -> None:
    settings = console_settings(
        redis_url, console_login_attempts_per_client=4, console_login_max_failures=100
    )
    client: TestClient[Any, Any] = await aiohttp_client(
        await aiohttp_server(create_app(settings, redis))
    )
    statuses = []
    for number in range(6):
        form = await (await client.get("/login")).text()
        token = form.split('name="csrf" value="')[1].split('"')[0]
        response = await client.post(
            "/login", data={"staff_name": f"user{number}", "password": "x", "csrf": token},
            allow_redirects=False,
        )
        statuses.append(response.status)

    assert statuses[:4] == [401] * 4
    assert statuses[4:] == [429, 429]


async def test_the_login_cookie_is_httponly_and_strict_and_names_nothing(console: Console) -> None:
    anna = await console.staff("anna", login=False)

    response = await anna.login()

    cookie = response.cookies["tc_login"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Strict"
    assert cookie["path"] == "/"
    assert "anna" not in cookie.value
    # Redis keeps a digest of the cookie, never the cookie itself.
    assert not [k async for k in console.services.redis.scan_iter(f"*{cookie.value}*")]


def test_cookies_are_secure_everywhere_but_a_developers_plain_http(redis_url: str) -> None:
    def settings(env: str, url: str) -> ConsoleSettings:
        return console_settings(redis_url, app_env=env, console_public_url=url,
                                session_secret=SECRET)

    assert settings("test", "http://127.0.0.1:8080").cookie_secure is False
    assert settings("development", "http://localhost:8080").cookie_secure is False
    assert settings("development", "https://jour.example.se").cookie_secure is True
    assert settings("production", "http://jour.example.se").cookie_secure is True


async def test_every_page_forbids_inline_code_outside_sources_and_caching(console: Console) -> None:
    anna = await console.staff("anna")

    for path in ("/login", "/queue", "/static/console.css", "/no-such-page"):
        response = await anna.client.get(path)
        policy = response.headers["Content-Security-Policy"]
        assert "default-src 'none'" in policy
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["Referrer-Policy"] == "no-referrer"


async def test_pages_load_nothing_from_other_sites_and_run_no_inline_script(
    console: Console,
) -> None:
    anna = await console.staff("anna")
    html = await (await anna.client.get("/queue")).text()

    assert "http://" not in html and "https://" not in html
    scripts = html.split("<script")[1:]
    assert scripts
    for script in scripts:
        assert ' src="/static/' in script.split(">")[0] or 'type="application/json"' in script


async def test_a_post_without_the_csrf_token_is_refused(console: Console) -> None:
    anna = await console.staff("anna")

    without = await anna.client.post("/duty", data={"on": "1"}, allow_redirects=False)
    wrong = await anna.client.post("/duty", data={"on": "1", "csrf": "x" * 43},
                                   allow_redirects=False)

    assert without.status == 403
    assert wrong.status == 403
    assert "anna" not in await console.services.presence.on_duty_staff()


async def test_a_login_form_from_another_page_is_refused(console: Console) -> None:
    await console.services.accounts.add("anna", "staff", PASSWORD)
    client = await console.new_client()

    response = await client.post(
        "/login", data={"staff_name": "anna", "password": PASSWORD, "csrf": "forged"},
        allow_redirects=False,
    )

    assert response.status == 403


async def test_a_socket_from_another_origin_is_refused_before_the_upgrade(
    console: Console,
) -> None:
    anna = await console.staff("anna")

    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await anna.client.ws_connect("/queue", headers={"Origin": "https://evil.example"})
    with pytest.raises(aiohttp.WSServerHandshakeError) as missing:
        await anna.client.ws_connect("/queue")
    own = await anna.socket("/queue")

    assert refused.value.status == 403
    assert missing.value.status == 403
    assert (await own.receive_json(timeout=5))["type"] == "state"


async def test_without_a_login_pages_lead_to_the_login_and_sockets_are_refused(
    console: Console,
) -> None:
    client = await console.new_client()

    page = await client.get("/queue", allow_redirects=False)
    with pytest.raises(aiohttp.WSServerHandshakeError) as socket:
        await client.ws_connect("/queue", headers={"Origin": str(client.make_url("")).rstrip("/")})

    assert page.status == 303 and page.headers["Location"] == "/login"
    assert socket.value.status == 401


@pytest.mark.parametrize(
    ("role", "allowed", "forbidden"),
    [
        ("staff", ["/queue"], ["/audit", "/stats", "/stats.csv"]),
        ("supervisor", ["/queue", "/audit"], ["/stats", "/stats.csv"]),
        ("coordinator", ["/stats", "/stats.csv"], ["/queue", "/audit"]),
    ],
)
async def test_each_role_sees_only_its_own_pages(
    console: Console, role: str, allowed: list[str], forbidden: list[str]
) -> None:
    member = await console.staff(f"user-{role}", role)

    for path in allowed:
        assert (await member.client.get(path, allow_redirects=False)).status == 200, path
    for path in forbidden:
        assert (await member.client.get(path, allow_redirects=False)).status == 403, path


async def test_only_a_supervisor_may_take_a_conversation_over(console: Console) -> None:
    anna = await console.staff("anna")
    bo = await console.staff("bo")
    await anna.on_duty()
    await bo.on_duty()
    await console.services.queue.enqueue(person("p1234567"))
    await anna.post("/queue/next")

    status, _ = await bo.post("/queue/take-over/p1234567")

    assert status == 403
    live = await console.services.queue.live()
    assert [c.staff for c in live] == ["anna"]


async def test_revoking_ends_every_login_of_the_user_and_closes_open_pages(
    console: Console,
) -> None:
    anna = await console.staff("anna")
    second_device = await console.staff("anna-laptop", login=False)
    second_device.staff_name = "anna"
    assert (await second_device.login()).status == 303
    page = await anna.socket("/queue")
    await page.receive_json(timeout=5)

    ended = await console.services.logins.revoke("anna")
    await console.server.app[HUB].keep_alive()  # the tick that checks open pages' logins

    assert ended == 2
    for device in (anna, second_device):
        response = await device.client.get("/queue", allow_redirects=False)
        assert response.status == 303 and response.headers["Location"] == "/login"
    closing = await page.receive(timeout=5)
    assert closing.type == aiohttp.WSMsgType.CLOSE
    assert closing.data == 4401  # the page's script takes this code to the login page


async def test_logging_out_ends_the_login_and_goes_off_duty(console: Console) -> None:
    anna = await console.staff("anna")
    await anna.on_duty()

    response = await anna.client.post("/logout", data={"csrf": anna.csrf}, allow_redirects=False)

    assert response.status == 303
    assert "anna" not in await console.services.presence.on_duty_staff()
    assert (await anna.client.get("/queue", allow_redirects=False)).status == 303
