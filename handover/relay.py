"""Messages between the person (through any bot worker) and staff (through any console).

Two kinds of streams:
- ``{hq}:conv:<session>``: the conversation, both directions, with a message id per message.
  Consoles read it with ``history`` (replay after the last id they saw) and ``follow``
  (block until something new arrives in any of their conversations).
- ``{hq}:to_users``: what the bot must send to people: staff messages (kinds text,
  resource_card, emergency_info, closing) and notices from the queue (staff_joined,
  staff_changed, back_in_queue, position, closed, returned_to_bot, no_staff; see queue.py).
  Bot workers share it through the consumer group ``bot``.

Delivery is at least once, with duplicates suppressed by message id:
1. ``deliveries(worker)`` hands out new entries and, at most every stale_delivery_seconds/4,
   takes over entries another worker read but never acknowledged for stale_delivery_seconds
   (XAUTOCLAIM): that worker died. Before handing an entry out it is marked as being sent by
   this worker in the session's outbox (``take.lua``); an entry already sent is dropped, one a
   live twin is sending is left to it.
2. The bot sends it (it holds the reply address itself; nothing here can reach the person).
3. ``ack(delivery)`` marks it sent and removes it from the stream. Acknowledge too when the
   send failed for good (the person blocked the bot): otherwise it is retried forever.
A worker that dies between 2 and 3 leaves the message to be sent once more: the one duplicate
at-least-once cannot avoid. A bot worker runs one ``deliveries`` loop per worker name; its own
unacknowledged entries (a send that failed) come back to it after the stale period.

For ``emergency_info`` and ``resource_card`` the bot sends its own text in the person's language
(``language`` on the delivery); ``text`` then carries the staff's choice (e.g. a resource id).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, get_args

from redis.asyncio import Redis
from redis.exceptions import ResponseError

from handover.config import HandoverConfig, check_name, check_session
from handover.scripts import Scripts

StaffKind = Literal["text", "resource_card", "emergency_info", "closing"]
NoticeKind = Literal[
    "staff_joined",
    "staff_changed",
    "back_in_queue",
    "position",
    "closed",
    "returned_to_bot",
    "no_staff",
]
NOTICE_KINDS = frozenset(
    {"staff_joined", "staff_changed", "back_in_queue", "position", "closed",
     "returned_to_bot", "no_staff"}
)


@dataclass(frozen=True)
class RelayMessage:
    stream_id: str
    """Position in the conversation stream: pass the last one seen as ``after``."""
    message_id: str
    sender: Literal["user", "staff"]
    staff: str | None
    kind: str
    text: str
    at: float

    @classmethod
    def from_entry(cls, stream_id: str, fields: dict[str, str]) -> RelayMessage:
        return cls(
            stream_id=stream_id,
            message_id=fields["id"],
            sender="staff" if fields["from"] == "staff" else "user",
            staff=fields.get("staff"),
            kind=fields["kind"],
            text=fields["text"],
            at=int(fields["at"]) / 1000,
        )


@dataclass(frozen=True)
class Delivery:
    """One thing the bot must send to one person."""

    entry_id: str
    message_id: str
    session: str
    kind: str
    language: str
    text: str = ""
    place: int | None = None
    estimate_minutes: int | None = None

    @property
    def is_notice(self) -> bool:
        return self.kind in NOTICE_KINDS

    @classmethod
    def from_entry(cls, entry_id: str, fields: dict[str, str]) -> Delivery:
        place = fields.get("position")
        estimate = fields.get("estimate")
        return cls(
            entry_id=entry_id,
            message_id=fields.get("id", entry_id),
            session=fields["session"],
            kind=fields["kind"],
            language=fields.get("lang", ""),
            text=fields.get("text", ""),
            place=int(place) if place else None,
            estimate_minutes=int(estimate) if estimate else None,
        )


def new_message_id() -> str:
    return uuid.uuid4().hex


class Relay:
    def __init__(self, redis: Redis, config: HandoverConfig | None = None) -> None:
        self._redis = redis
        self._config = config or HandoverConfig()
        self._scripts = Scripts(redis, self._config)
        self._stale_ms = int(self._config.stale_delivery_seconds * 1000)
        self._next_reclaim = 0.0

    async def from_person(self, session: str, text: str) -> str | None:
        """Into the conversation; None if there is no handover (the bot answers itself)."""
        message_id = new_message_id()
        stream_id = await self._scripts.run("from_person", check_session(session), message_id, text)
        return message_id if stream_id else None

    async def from_staff(
        self,
        session: str,
        staff: str,
        text: str,
        kind: StaffKind = "text",
        *,
        message_id: str | None = None,
    ) -> str | None:
        """To the person. Pass the console's own message_id to make retries safe. None: this
        staff member does not hold the conversation (any more)."""
        if kind not in get_args(StaffKind):
            raise ValueError(f"staff message kind {kind!r} is not one of {get_args(StaffKind)}")
        message_id = message_id or new_message_id()
        check_name(message_id, "message id")
        result = await self._scripts.run(
            "from_staff", check_session(session), check_name(staff), message_id, kind, text
        )
        return message_id if result in ("ok", "duplicate") else None

    async def history(self, session: str, after: str = "0") -> list[RelayMessage]:
        start = "-" if after == "0" else f"({after}"
        entries: Any = await self._redis.xrange(self._config.conv_key(check_session(session)),
                                                min=start)
        return [RelayMessage.from_entry(stream_id, fields) for stream_id, fields in entries]

    async def follow(
        self, last_seen: Mapping[str, str], block_ms: int
    ) -> list[tuple[str, RelayMessage]]:
        """New messages in any of these conversations (session -> last stream id seen, "0" for
        all), waiting up to block_ms for the first one. Returns (session, message) pairs."""
        if not last_seen:
            return []
        by_key = {self._config.conv_key(check_session(s)): s for s in last_seen}
        streams = {self._config.conv_key(s): last for s, last in last_seen.items()}
        reply: Any = await self._redis.xread(streams, block=block_ms)  # type: ignore[arg-type]
        return [
            (by_key[key], RelayMessage.from_entry(stream_id, fields))
            for key, entries in reply or []
            for stream_id, fields in entries
        ]

    async def ensure_group(self) -> None:
        """Create the bot's consumer group (from the start: every entry there is unsent)."""
        key = self._config.to_users_key
        try:
            await self._redis.xgroup_create(key, self._config.bot_group, id="0", mkstream=True)
        except ResponseError as error:
            if "BUSYGROUP" not in str(error):
                raise
        # MKSTREAM may have just made the key; like every key here it must expire.
        await self._redis.pexpire(key, self._config.session_ttl * 1000, nx=True)

    async def deliveries(self, worker: str, block_ms: int = 5000,
                         count: int = 50) -> list[Delivery]:
        """What this bot worker should send now; waits up to block_ms when there is nothing."""
        check_name(worker, "worker name")
        try:
            entries = await self._reclaim(worker, count)
            if not entries:
                entries = await self._read_new(worker, count, block_ms)
        except ResponseError as error:
            # The stream expired with its group (nothing for a session_ttl); start it again.
            if "NOGROUP" not in str(error):
                raise
            await self.ensure_group()
            entries = await self._read_new(worker, count, block_ms)
        return await self._take(worker, entries)

    async def ack(self, delivery: Delivery) -> None:
        await self._scripts.run("ack", delivery.entry_id, delivery.session, delivery.message_id)

    async def prune_workers(self, idle_seconds: float = 86400) -> list[str]:
        """Forget worker names that hold nothing and were idle this long: every restarted bot
        process leaves its old name in the group. Call it now and then (e.g. hourly)."""
        try:
            consumers: Any = await self._redis.xinfo_consumers(
                self._config.to_users_key, self._config.bot_group
            )
        except ResponseError:
            return []  # no stream or no group: nothing to forget
        idle_ms = idle_seconds * 1000
        gone = [c["name"] for c in consumers if c["pending"] == 0 and c["idle"] >= idle_ms]
        for name in gone:
            await self._redis.xgroup_delconsumer(
                self._config.to_users_key, self._config.bot_group, name
            )
        return gone

    async def _reclaim(self, worker: str, count: int) -> list[tuple[str, dict[str, str]]]:
        if time.monotonic() < self._next_reclaim:
            return []
        self._next_reclaim = time.monotonic() + self._config.stale_delivery_seconds / 4
        reply: Any = await self._redis.xautoclaim(
            self._config.to_users_key, self._config.bot_group, worker,
            min_idle_time=self._stale_ms, count=count,
        )
        return [(entry_id, fields) for entry_id, fields in reply[1] if fields]

    async def _read_new(
        self, worker: str, count: int, block_ms: int
    ) -> list[tuple[str, dict[str, str]]]:
        reply: Any = await self._redis.xreadgroup(
            self._config.bot_group, worker, {self._config.to_users_key: ">"},
            count=count, block=block_ms,
        )
        return [(entry_id, fields) for _key, entries in reply or [] for entry_id, fields in entries]

    async def _take(
        self, worker: str, entries: list[tuple[str, dict[str, str]]]
    ) -> list[Delivery]:
        if not entries:
            return []
        deliveries = [Delivery.from_entry(entry_id, fields) for entry_id, fields in entries]
        args: list[str] = []
        for delivery in deliveries:
            args += [delivery.entry_id, delivery.session, delivery.message_id]
        hold_until = self._config.now_ms() + self._stale_ms
        verdicts: list[str] = await self._scripts.run("take", worker, hold_until, *args)
        return [d for d, verdict in zip(deliveries, verdicts, strict=True) if verdict == "send"]
