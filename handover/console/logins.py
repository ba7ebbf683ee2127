"""Server-side login sessions: a random id in a cookie, the rest in Redis with a TTL.

Redis holds only a SHA-256 of the cookie's id, so a copy of the database cannot be replayed as
a login. A login ends when it is idle for ``idle_seconds`` (an open console page counts as
activity), after ``max_seconds`` in any case, on logout, or when all of a user's logins are
revoked (``python -m handover.console revoke <user>``, also done by ``passwd`` and ``deluser``).
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from redis.asyncio import Redis

from handover.console.accounts import Account, Role, check_role

LOGIN_PREFIX: Final = "{console}:login:"
USER_LOGINS_PREFIX: Final = "{console}:logins:"


def _digest(cookie: str) -> str:
    return hashlib.sha256(cookie.encode()).hexdigest()


@dataclass(frozen=True)
class Login:
    key: str
    """The Redis key id (a digest of the cookie), never the cookie itself."""
    staff_name: str
    role: Role
    csrf: str
    started: float


class Logins:
    def __init__(
        self,
        redis: Redis,
        *,
        idle_seconds: int,
        max_seconds: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._redis = redis
        self._idle = idle_seconds
        self._max = max_seconds
        self._clock = clock

    async def start(self, account: Account) -> tuple[str, Login]:
        """A new login; returns the cookie value and the login."""
        cookie = secrets.token_urlsafe(32)
        login = Login(
            key=_digest(cookie),
            staff_name=account.staff_name,
            role=account.role,
            csrf=secrets.token_urlsafe(32),
            started=self._clock(),
        )
        pipe = self._redis.pipeline(transaction=True)
        pipe.hset(LOGIN_PREFIX + login.key, mapping={
            "user": login.staff_name, "role": login.role, "csrf": login.csrf,
            "started": str(login.started),
        })
        pipe.expire(LOGIN_PREFIX + login.key, self._idle)
        pipe.sadd(USER_LOGINS_PREFIX + login.staff_name, login.key)
        pipe.expire(USER_LOGINS_PREFIX + login.staff_name, self._max)
        await pipe.execute()
        return cookie, login

    async def find(self, cookie: str) -> Login | None:
        """The login of this cookie, kept alive for another idle period; None if it ended."""
        if not cookie:
            return None
        login = await self.by_key(_digest(cookie))
        if login is not None:
            await self.touch(login)
        return login

    async def by_key(self, key: str) -> Login | None:
        fields: Any = await self._redis.hgetall(LOGIN_PREFIX + key)
        if not fields:
            return None
        started = float(fields["started"])
        if self._clock() - started > self._max:
            await self.end(key, fields["user"])
            return None
        return Login(key, fields["user"], check_role(fields["role"]), fields["csrf"], started)

    async def touch(self, login: Login) -> bool:
        """Keep a login alive (a request, an open page); False if it has ended meanwhile."""
        if self._clock() - login.started > self._max:
            await self.end(login.key, login.staff_name)
            return False
        return bool(await self._redis.expire(LOGIN_PREFIX + login.key, self._idle))

    async def end(self, key: str, staff_name: str) -> None:
        pipe = self._redis.pipeline(transaction=True)
        pipe.delete(LOGIN_PREFIX + key)
        pipe.srem(USER_LOGINS_PREFIX + staff_name, key)
        await pipe.execute()

    async def revoke(self, staff_name: str) -> int:
        """End every login of this user, on every device. Returns how many there were."""
        keys: Any = await self._redis.smembers(USER_LOGINS_PREFIX + staff_name)
        pipe = self._redis.pipeline(transaction=True)
        for key in keys:
            pipe.delete(LOGIN_PREFIX + key)
        pipe.delete(USER_LOGINS_PREFIX + staff_name)
        replies = await pipe.execute()
        return sum(int(reply) for reply in replies[:-1])
