"""Configuration: a production start with a missing or weak secret refuses, saying what to do."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from pydantic import ValidationError

from bot.settings import BotSettings

STRONG = "k" * 48


def settings(**env: str) -> BotSettings:
    return BotSettings(_env_file=None, **env)  # type: ignore[call-arg, arg-type]


def test_production_refuses_a_missing_session_secret_with_a_way_to_fix_it() -> None:
    with pytest.raises(ValidationError, match="SESSION_SECRET is missing: run `make run`"):
        settings(app_env="production", reply_key=Fernet.generate_key().decode())


def test_production_refuses_a_weak_session_secret() -> None:
    with pytest.raises(ValidationError, match="too weak for APP_ENV=production"):
        settings(app_env="production", session_secret="changeme", reply_key=Fernet.generate_key().decode())


def test_a_reply_key_that_is_not_a_fernet_key_is_refused_with_how_to_make_one() -> None:
    with pytest.raises(ValidationError, match="REPLY_KEY is not a Fernet key"):
        settings(session_secret=STRONG, reply_key="not-a-key-but-long-enough-to-pass-the-length-check")


def test_strong_secrets_start_and_without_a_token_telegram_is_off() -> None:
    configured = settings(app_env="production", session_secret=STRONG, reply_key=Fernet.generate_key().decode())
    assert not configured.telegram_enabled
    assert configured.session_key() == STRONG.encode()
