"""`python -m handover.console`: serving (it prints where) and managing accounts from a shell,
run as the real command against the real Redis."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request

import pytest
import redis.asyncio as aioredis

from devstack.services import PROJECT_ROOT, free_port
from handover.console.accounts import Accounts
from handover.console.logins import Logins
from tests.integration.test_console_fixtures import SECRET


def run(redis_url: str, *args: str, password: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "APP_ENV": "test", "REDIS_URL": redis_url, "SESSION_SECRET": SECRET}
    return subprocess.run(
        [sys.executable, "-m", "handover.console", *args], cwd=PROJECT_ROOT, env=env,
        input=password, capture_output=True, text=True, timeout=60, check=False,
    )


async def test_an_account_made_from_the_shell_can_log_in(
    redis: aioredis.Redis, redis_url: str
) -> None:
    made = run(redis_url, "adduser", "Anna", "--role", "supervisor", "--password-stdin",
               password="a long enough password\n")

    assert made.returncode == 0, made.stderr
    assert made.stdout.strip() == "Created anna (supervisor)."
    account = await Accounts(redis).verify("anna", "a long enough password")
    assert account is not None and account.role == "supervisor"
    assert await redis.ttl("{console}:user:anna") == -1  # a staff account, not session data
    assert "a long enough password" not in str(await redis.hgetall("{console}:user:anna"))


async def test_a_new_password_ends_every_login_and_the_old_password(
    redis: aioredis.Redis, redis_url: str
) -> None:
    accounts = Accounts(redis)
    account = await accounts.add("anna", "staff", "the first password")
    logins = Logins(redis, idle_seconds=600, max_seconds=3600)
    cookie, _ = await logins.start(account)

    changed = run(redis_url, "passwd", "anna", "--password-stdin", password="the second password\n")

    assert changed.returncode == 0, changed.stderr
    assert await logins.find(cookie) is None
    assert await accounts.verify("anna", "the first password") is None
    assert await accounts.verify("anna", "the second password") is not None


async def test_revoke_and_deluser_end_logins_and_a_short_password_is_refused(
    redis: aioredis.Redis, redis_url: str
) -> None:
    accounts = Accounts(redis)
    account = await accounts.add("bo", "staff", "a long enough password")
    logins = Logins(redis, idle_seconds=600, max_seconds=3600)
    cookie, _ = await logins.start(account)

    revoked = run(redis_url, "revoke", "bo")
    short = run(redis_url, "adduser", "cecilia", "--role", "staff", "--password-stdin",
                password="short\n")
    deleted = run(redis_url, "deluser", "bo")

    assert revoked.returncode == 0 and "Ended 1 login(s) of bo." in revoked.stdout
    assert await logins.find(cookie) is None
    assert short.returncode != 0 and "at least 12 characters" in short.stderr
    assert await accounts.get("cecilia") is None
    assert deleted.returncode == 0 and await accounts.get("bo") is None


@pytest.mark.parametrize("command", [[], ["serve"]])
def test_the_console_serves_and_prints_its_url(redis_url: str, command: list[str]) -> None:
    port = free_port()
    env = {**os.environ, "APP_ENV": "test", "REDIS_URL": redis_url, "SESSION_SECRET": SECRET,
           "CONSOLE_PORT": str(port)}
    process = subprocess.Popen(
        [sys.executable, "-m", "handover.console", *command], cwd=PROJECT_ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert process.stdout is not None
        first_line = process.stdout.readline().strip()
        assert first_line == f"Tryggchatt console: http://127.0.0.1:{port}/"
        for _attempt in range(50):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2) as page:
                    assert page.status == 200
                    assert "default-src 'none'" in page.headers["Content-Security-Policy"]
                    break
            except OSError:
                if process.poll() is not None:
                    raise AssertionError(process.stderr.read() if process.stderr else "") from None
                time.sleep(0.2)  # printed before it listens: wait until it does
        else:
            raise AssertionError("the console never answered")
    finally:
        process.terminate()
        process.wait(15)
