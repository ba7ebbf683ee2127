"""Staff accounts: staff_name, role and an argon2 password hash, one Redis hash per account.

These are the social workers' own accounts, not data about people seeking help, so they have
no TTL. Usernames are the staff ids the queue knows (``handover.config.check_name``), kept in
lower case so "Anna" and "anna" cannot become two accounts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal, get_args

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from redis.asyncio import Redis

from handover.config import check_name

Role = Literal["staff", "supervisor", "coordinator"]
ROLES: Final = get_args(Role)
USER_PREFIX: Final = "{console}:user:"

_hasher = PasswordHasher()
# Verified when the staff_name is unknown, so a wrong name takes as long as a wrong password.
_DUMMY_HASH: Final = _hasher.hash("no such account, but the same amount of work")


class AccountError(ValueError):
    """An account cannot be created or changed; the message says why."""


@dataclass(frozen=True)
class Account:
    staff_name: str
    role: Role


def normalise_staff_name(staff_name: str) -> str:
    return check_name(staff_name.strip().lower(), "staff_name")


def check_role(role: str) -> Role:
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    return role  # type: ignore[return-value]


class Accounts:
    def __init__(self, redis: Redis, *, min_password_length: int = 12) -> None:
        self._redis = redis
        self._min_length = min_password_length

    def _check_password(self, password: str) -> None:
        if len(password) < self._min_length:
            raise AccountError(f"a password needs at least {self._min_length} characters")

    async def add(self, staff_name: str, role: str, password: str) -> Account:
        name = normalise_staff_name(staff_name)
        self._check_password(password)
        created = await self._redis.hsetnx(USER_PREFIX + name, "role", check_role(role))
        if not created:
            raise AccountError(f"the user {name!r} already exists")
        await self._redis.hset(USER_PREFIX + name, "hash", _hasher.hash(password))
        return Account(name, check_role(role))

    async def delete(self, staff_name: str) -> bool:
        return bool(await self._redis.delete(USER_PREFIX + normalise_staff_name(staff_name)))

    async def set_password(self, staff_name: str, password: str) -> None:
        name = normalise_staff_name(staff_name)
        self._check_password(password)
        if not await self._redis.exists(USER_PREFIX + name):
            raise AccountError(f"there is no user {name!r}")
        await self._redis.hset(USER_PREFIX + name, "hash", _hasher.hash(password))

    async def get(self, staff_name: str) -> Account | None:
        try:
            name = normalise_staff_name(staff_name)
        except ValueError:
            return None
        role: Any = await self._redis.hget(USER_PREFIX + name, "role")
        return Account(name, check_role(role)) if role else None

    async def verify(self, staff_name: str, password: str) -> Account | None:
        """The account if the password is right; None for any wrong name or password."""
        try:
            name = normalise_staff_name(staff_name)
        except ValueError:
            name = ""
        fields: Any = await self._redis.hgetall(USER_PREFIX + name) if name else {}
        stored = fields.get("hash")
        try:
            _hasher.verify(stored or _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            return None
        if not stored or "role" not in fields:
            return None
        if _hasher.check_needs_rehash(stored):
            await self._redis.hset(USER_PREFIX + name, "hash", _hasher.hash(password))
        return Account(name, check_role(fields["role"]))

    async def usernames(self) -> list[str]:
        names = [key.removeprefix(USER_PREFIX) async for key in self._redis.scan_iter(USER_PREFIX + "*")]
        return sorted(names)
