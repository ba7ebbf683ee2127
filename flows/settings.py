"""Settings every process shares (bot, web chat, console), read once from the environment.

Sources, first wins: environment variables, `.env`, `var/secrets.env` (written by `make run`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

MIN_SECRET_LENGTH = 32
_PLACEHOLDER_SECRETS = frozenset({"changeme", "secret", "dev", "test", "example"})


class ConfigError(ValueError):
    """The configuration cannot be used; the message says how to fix it."""


def check_secret(name: str, value: SecretStr | None, *, production: bool) -> None:
    if value is None or not value.get_secret_value():
        raise ConfigError(
            f"{name} is missing: run `make run` once to generate it into var/secrets.env, "
            "or set it in the environment"
        )
    secret = value.get_secret_value()
    if production and (len(secret) < MIN_SECRET_LENGTH or secret.lower() in _PLACEHOLDER_SECRETS):
        raise ConfigError(
            f"{name} is too weak for APP_ENV=production: use at least {MIN_SECRET_LENGTH} random "
            "characters, e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`"
        )


class CoreSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=(".env", "var/secrets.env"), env_file_encoding="utf-8", extra="ignore"
    )

    app_env: Literal["development", "test", "production"] = "development"
    redis_url: str = "redis://127.0.0.1:6379/0"
    session_secret: SecretStr | None = None
    # A conversation left alone is forgotten after this long (every session key has this TTL).
    session_ttl_seconds: int = Field(default=2 * 3600, ge=60)
    log_level: str = "INFO"

    @property
    def production(self) -> bool:
        return self.app_env == "production"

    @model_validator(mode="after")
    def _secrets_are_usable(self) -> CoreSettings:
        check_secret("SESSION_SECRET", self.session_secret, production=self.production)
        return self

    def session_key(self) -> bytes:
        assert self.session_secret is not None
        return self.session_secret.get_secret_value().encode()
