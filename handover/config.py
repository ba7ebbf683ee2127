"""Settings and key names shared by every part of the handover (queue, presence, relay).

All parts of one deployment must use the same ``HandoverConfig``: the Lua scripts of the queue
and the relay read and write each other's keys.

Key layout. Every key carries the hash tag ``{hq}``, so all of them live in one Redis Cluster
slot and the multi-key scripts stay legal there. Handover traffic is small (one municipality's
staff on duty), so one slot is no bottleneck.

    {hq}:waiting          sorted set  session -> priority score (danger level, then waiting since)
    {hq}:claimed          sorted set  session -> lease deadline (ms); the reaper's index
    {hq}:on_duty          sorted set  staff id -> presence deadline (ms)
    {hq}:events           stream      events for the console (trimmed by age)
    {hq}:to_users         stream      staff messages and notices for the bot (consumer group)
    {hq}:recent_waits     list        the last observed waits, for the wait estimate (no session)
    {hq}:audit            stream      staff actions (handover/audit.py), kept audit_retention_days
    {hq}:stats:day:<date> hash        counters only (handover/stats.py), kept 800 days
    {hq}:ticket:<session> hash        the ticket: intake card, danger, state, owner
    {hq}:conv:<session>   stream      the conversation, both directions
    {hq}:outbox:<session> hash        message id -> delivery state of messages to the person

Session keys live ``session_ttl`` seconds after the last activity; the shared keys are refreshed
by every script that writes them. If every process stops, everything expires on its own.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

# Pseudonyms come from the bot's HMAC (hex); staff ids from the console's accounts. Both end up
# inside key names and '|'-separated Lua values, so neither may contain separators or braces.
_SESSION = re.compile(r"[A-Za-z0-9_-]{8,128}")
_NAME = re.compile(r"[A-Za-z0-9._@-]{1,64}")


def check_session(session: str) -> str:
    if not _SESSION.fullmatch(session):
        raise ValueError("a session pseudonym is 8–128 letters, digits, '_' or '-'")
    return session


def check_name(name: str, what: str = "staff id") -> str:
    if not _NAME.fullmatch(name):
        raise ValueError(f"a {what} is 1–64 letters, digits, '.', '_', '@' or '-'")
    return name


@dataclass(frozen=True)
class HandoverConfig:
    lease_seconds: float = 30.0
    """A claim lasts this long unless the console renews it (renew every ~lease/3)."""
    session_ttl: int = 3600
    """Idle lifetime of a session's keys; activity and the housekeeping refresh it."""
    presence_seconds: float = 60.0
    """Staff count as on duty until this long after their last heartbeat."""
    events_retention: int = 3600
    """How far back a console can replay events; older readers resync from waiting()/live()."""
    stale_delivery_seconds: float = 30.0
    """A message a bot worker has held this long unacknowledged is taken over by another."""
    recent_waits_kept: int = 20
    estimate_window: int = 3 * 3600
    """Only waits observed within this window feed the estimate."""
    audit_retention_days: int = 365
    """How long the audit log keeps who handled which conversation."""
    key_prefix: str = "{hq}:"
    bot_group: str = "bot"
    clock: Callable[[], float] = field(default=time.time)
    """Wall-clock seconds. Every host must be NTP-synced; the lease dwarfs the skew."""

    def now_ms(self) -> int:
        return int(self.clock() * 1000)

    @property
    def waiting_key(self) -> str:
        return f"{self.key_prefix}waiting"

    @property
    def claimed_key(self) -> str:
        return f"{self.key_prefix}claimed"

    @property
    def on_duty_key(self) -> str:
        return f"{self.key_prefix}on_duty"

    @property
    def events_key(self) -> str:
        return f"{self.key_prefix}events"

    @property
    def to_users_key(self) -> str:
        return f"{self.key_prefix}to_users"

    @property
    def recent_waits_key(self) -> str:
        return f"{self.key_prefix}recent_waits"

    @property
    def audit_key(self) -> str:
        return f"{self.key_prefix}audit"

    def ticket_key(self, session: str) -> str:
        return f"{self.key_prefix}ticket:{session}"

    def conv_key(self, session: str) -> str:
        return f"{self.key_prefix}conv:{session}"

    def outbox_key(self, session: str) -> str:
        return f"{self.key_prefix}outbox:{session}"

    def session_keys(self, session: str) -> tuple[str, str, str]:
        return self.ticket_key(session), self.conv_key(session), self.outbox_key(session)


class ManualClock:
    """A wall clock moved by hand, for tests and replays: leases and presence then run out
    when the test says so, not after a sleep. Starts at the real time, so Redis stream ids
    (server time) and this clock agree."""

    def __init__(self, start: float | None = None) -> None:
        self.now = time.time() if start is None else start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
