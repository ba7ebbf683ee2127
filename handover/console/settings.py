"""The console's settings: where it listens, who may open its sockets, how logins are guarded.

Read from the environment like every process (see flows/settings.py); the names below are the
environment variables in upper case (CONSOLE_PORT, CONSOLE_LOGIN_MAX_FAILURES, ...).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import Field

from flows.settings import CoreSettings


class ConsoleSettings(CoreSettings):
    console_host: str = "127.0.0.1"
    console_port: int = Field(default=8080, ge=1, le=65535)
    # The address staff type in their browser, e.g. https://jour.exempelkommun.se. Decides the
    # cookie's Secure flag and the own origin; defaults to http://<host>:<port>.
    console_public_url: str | None = None
    # Further origins allowed to open the WebSockets (the own origin always is).
    console_allowed_origins: list[str] = Field(default_factory=list)

    # A staff_name is locked for a while after this many failed logins in a row…
    console_login_max_failures: int = Field(default=5, ge=1)
    console_lockout_minutes: int = Field(default=15, ge=1)
    # …and each staff_name and each client may try only this often per window.
    console_login_attempts_per_user: int = Field(default=10, ge=1)
    console_login_attempts_per_client: int = Field(default=30, ge=1)
    console_login_window_minutes: int = Field(default=15, ge=1)
    # A login ends after this long without a request or an open page, and after max hours anyway.
    console_login_idle_minutes: int = Field(default=60, ge=1)
    console_login_max_hours: int = Field(default=12, ge=1)
    console_password_min_length: int = Field(default=12, ge=8)

    audit_retention_days: int = Field(default=365, ge=1)

    # A claimed conversation returns to the queue this long after its console stopped renewing.
    handover_lease_seconds: float = Field(default=30.0, gt=0)
    # Staff count as on duty until this long after their page's last heartbeat.
    handover_presence_seconds: float = Field(default=60.0, gt=0)
    # How often this instance returns lapsed leases and tells people their place.
    handover_housekeeping_seconds: float = Field(default=5.0, gt=0)

    @property
    def public_url(self) -> str:
        url = self.console_public_url or f"http://{self.console_host}:{self.console_port}"
        return url.rstrip("/")

    @property
    def own_origin(self) -> str:
        parts = urlsplit(self.public_url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def cookie_secure(self) -> bool:
        """Only a developer's or a test's plain-http console may send cookies unencrypted."""
        local = self.app_env in ("development", "test")
        return not (local and self.public_url.startswith("http://"))

    @property
    def keepalive_seconds(self) -> float:
        """Heartbeat and lease renewal: three chances before either runs out."""
        return min(self.handover_lease_seconds, self.handover_presence_seconds) / 3
