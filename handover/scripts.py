"""The Lua scripts of the handover, each run atomically inside Redis.

Each script in ``handover/lua/`` is sent with ``prelude.lua`` in front of it, which gives it the
shared keys (KEYS 1–7), the current time, the key prefix and retentions (ARGV 1–6) and the
helpers that more than one script needs (priority, notify, audit, to_waiting, wipe, ...).
``run`` fills those in, so callers pass only the script's own arguments.

Per-session keys are built inside the scripts from the prefix, so they are not in KEYS; all
carry the ``{hq}`` hash tag, and Redis Cluster accepts undeclared keys of the script's own slot.

Time comes from ``HandoverConfig.clock`` rather than Redis ``TIME``: tests move a manual clock
instead of sleeping, and leases, presence and estimates all read the same one.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, cast

from redis.asyncio import Redis
from redis.commands.core import AsyncScript

from handover.config import HandoverConfig

LUA_DIR = Path(__file__).with_name("lua")

ScriptArg = str | int | float


@cache
def script_source(name: str) -> str:
    prelude = (LUA_DIR / "prelude.lua").read_text(encoding="utf-8")
    body = (LUA_DIR / f"{name}.lua").read_text(encoding="utf-8")
    return f"{prelude}\n-- {name}.lua\n{body}"


def require_decoded_responses(redis: Redis) -> None:
    """Everything here reads replies as str; a bytes client would fail far from the cause."""
    encoder = cast(Any, redis).get_encoder()  # Redis and RedisCluster both have one
    if not encoder.decode_responses:
        raise ValueError("handover needs a Redis client made with decode_responses=True")


class Scripts:
    def __init__(self, redis: Redis, config: HandoverConfig) -> None:
        require_decoded_responses(redis)
        self._redis = redis
        self._config = config
        self._loaded: dict[str, AsyncScript] = {}

    def _script(self, name: str) -> AsyncScript:
        if name not in self._loaded:
            self._loaded[name] = self._redis.register_script(script_source(name))
        return self._loaded[name]

    async def run(self, name: str, *args: ScriptArg) -> Any:
        config = self._config
        keys = [
            config.waiting_key,
            config.claimed_key,
            config.on_duty_key,
            config.events_key,
            config.to_users_key,
            config.recent_waits_key,
            config.audit_key,
        ]
        common: list[ScriptArg] = [
            config.now_ms(),
            config.key_prefix,
            config.session_ttl * 1000,
            config.events_retention * 1000,
            config.bot_group,
            config.audit_retention_days * 86400 * 1000,
        ]
        return await self._script(name)(keys=keys, args=[*common, *args])
