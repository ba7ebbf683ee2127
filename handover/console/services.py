"""Everything a console request or background task needs, built once per app from settings."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis

from flows.content import Catalog, load_catalog
from flows.resources import Resources, load_resources
from handover.audit import Audit
from handover.config import HandoverConfig
from handover.console.accounts import Accounts
from handover.console.guard import GuardLimits, LoginGuard
from handover.console.labels import Labels, load_labels
from handover.console.logins import Logins
from handover.console.notes import Notes
from handover.console.settings import ConsoleSettings
from handover.events import Events
from handover.presence import Presence
from handover.queue import HandoverQueue
from handover.relay import Relay
from handover.stats import Stats


@dataclass(frozen=True)
class Services:
    settings: ConsoleSettings
    redis: Redis
    config: HandoverConfig
    queue: HandoverQueue
    relay: Relay
    events: Events
    stats: Stats
    audit: Audit
    accounts: Accounts
    logins: Logins
    guard: LoginGuard
    notes: Notes
    catalog: Catalog
    resources: Resources
    labels: Labels

    @property
    def presence(self) -> Presence:
        return self.queue.presence


def handover_config(settings: ConsoleSettings) -> HandoverConfig:
    """The same keys and session TTL as the bot's (handover/bridge.py), the console's timings."""
    return HandoverConfig(
        session_ttl=settings.session_ttl_seconds,
        lease_seconds=settings.handover_lease_seconds,
        presence_seconds=settings.handover_presence_seconds,
        audit_retention_days=settings.audit_retention_days,
    )


def build_services(
    settings: ConsoleSettings, redis: Redis, config: HandoverConfig | None = None
) -> Services:
    config = config or handover_config(settings)
    clock = config.clock
    stats = Stats(redis, clock=clock, key_prefix=config.key_prefix)
    audit = Audit(redis, config)
    resources = load_resources()
    limits = GuardLimits(
        max_failures=settings.console_login_max_failures,
        lockout_seconds=settings.console_lockout_minutes * 60,
        attempts_per_user=settings.console_login_attempts_per_user,
        attempts_per_client=settings.console_login_attempts_per_client,
        window_seconds=settings.console_login_window_minutes * 60,
    )
    return Services(
        settings=settings,
        redis=redis,
        config=config,
        queue=HandoverQueue(redis, config, stats=stats, audit=audit),
        relay=Relay(redis, config),
        events=Events(redis, config),
        stats=stats,
        audit=audit,
        accounts=Accounts(redis, min_password_length=settings.console_password_min_length),
        logins=Logins(
            redis,
            idle_seconds=settings.console_login_idle_minutes * 60,
            max_seconds=settings.console_login_max_hours * 3600,
            clock=clock,
        ),
        guard=LoginGuard(redis, limits, settings.session_key()),
        notes=Notes(redis, config, clock=clock),
        catalog=load_catalog(),
        resources=resources,
        labels=load_labels(),
    )
