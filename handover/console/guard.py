"""Login guard: attempts limited per staff_name and per client, and a lockout after failures.

Keys hold digests, not the typed staff_name or the client address: a guessing attacker's input
never becomes a Redis key name, and no staff IP address is stored. Every key expires.
The lockout counts failures for a staff_name whether it exists or not, so being locked out tells
an attacker nothing about which usernames are real.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Final, Literal

from redis.asyncio import Redis

PREFIX: Final = "{console}:guard:"


@dataclass(frozen=True)
class Verdict:
    status: Literal["ok", "locked", "throttled"]
    retry_after: int = 0
    """Seconds until trying again can succeed."""


@dataclass(frozen=True)
class GuardLimits:
    max_failures: int
    lockout_seconds: int
    attempts_per_user: int
    attempts_per_client: int
    window_seconds: int


class LoginGuard:
    def __init__(self, redis: Redis, limits: GuardLimits, secret: bytes) -> None:
        self._redis = redis
        self._limits = limits
        self._secret = secret

    def _user(self, staff_name: str) -> str:
        return hashlib.sha256(staff_name.strip().lower().encode()).hexdigest()[:32]

    def _client(self, client: str) -> str:
        return hmac.new(self._secret, client.encode(), hashlib.sha256).hexdigest()[:32]

    async def attempt(self, staff_name: str, client: str) -> Verdict:
        """Count one login attempt; tells whether it may go on to the password check."""
        user, limits = self._user(staff_name), self._limits
        locked_for = int(await self._redis.ttl(f"{PREFIX}locked:{user}"))
        if locked_for > 0:
            return Verdict("locked", locked_for)
        pipe = self._redis.pipeline(transaction=False)
        for key in (f"{PREFIX}user:{user}", f"{PREFIX}client:{self._client(client)}"):
            pipe.incr(key)
            pipe.expire(key, limits.window_seconds, nx=True)
            pipe.ttl(key)
        by_user, _, user_ttl, by_client, _, client_ttl = await pipe.execute()
        if int(by_user) > limits.attempts_per_user:
            return Verdict("throttled", max(int(user_ttl), 1))
        if int(by_client) > limits.attempts_per_client:
            return Verdict("throttled", max(int(client_ttl), 1))
        return Verdict("ok")

    async def failed(self, staff_name: str) -> Verdict:
        """A wrong password; locks the staff_name once failures reach the limit."""
        user, limits = self._user(staff_name), self._limits
        key = f"{PREFIX}failures:{user}"
        pipe = self._redis.pipeline(transaction=False)
        pipe.incr(key)
        pipe.expire(key, limits.lockout_seconds)
        failures, _ = await pipe.execute()
        if int(failures) < limits.max_failures:
            return Verdict("ok")
        pipe = self._redis.pipeline(transaction=False)
        pipe.set(f"{PREFIX}locked:{user}", "1", ex=limits.lockout_seconds)
        pipe.delete(key)
        await pipe.execute()
        return Verdict("locked", limits.lockout_seconds)

    async def succeeded(self, staff_name: str) -> None:
        await self._redis.delete(f"{PREFIX}failures:{self._user(staff_name)}")

    async def unlock(self, staff_name: str) -> None:
        user = self._user(staff_name)
        await self._redis.delete(
            f"{PREFIX}locked:{user}", f"{PREFIX}failures:{user}", f"{PREFIX}user:{user}"
        )
