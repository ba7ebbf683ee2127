"""The bot's and web chat's settings: the shared ones plus Telegram, Rasa and the reply key."""

from __future__ import annotations

from pydantic import Field, SecretStr, model_validator

from flows.settings import ConfigError, CoreSettings, check_secret


class BotSettings(CoreSettings):
    telegram_bot_token: SecretStr | None = None
    # A self-hosted Bot API server's base URL (tests point the real bot at a local stand-in).
    telegram_api_url: str | None = None
    # Webhook mode (several bot workers behind a load balancer): the public HTTPS URL Telegram
    # posts updates to, served at /telegram/webhook on the web chat's server. Unset: polling.
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_timeout_seconds: float = 0.8
    # Below this confidence an intent is not trusted (the keyword matcher gets a say first).
    rasa_min_confidence: float = 0.3
    # Fernet key that encrypts reply addresses (chat ids) wherever they leave the process.
    reply_key: SecretStr | None = None
    webchat_host: str = "127.0.0.1"
    webchat_port: int = 8081
    # Origins allowed to open the web chat's WebSocket (the municipality's site, the chat page).
    webchat_allowed_origins: list[str] = Field(default_factory=list)
    # Where quick exit goes: a neutral, everyday site.
    webchat_exit_url: str = "https://www.google.com/"
    # How long staff replies may wait for delivery; a bot worker retries longer than that.
    max_message_chars: int = 4096
    flood_messages_per_minute: int = 20

    @model_validator(mode="after")
    def _reply_key_is_usable(self) -> BotSettings:
        check_secret("REPLY_KEY", self.reply_key, production=self.production)
        try:
            from cryptography.fernet import Fernet

            Fernet(self.reply_key.get_secret_value() if self.reply_key else b"")
        except ValueError as error:
            raise ConfigError(
                "REPLY_KEY is not a Fernet key (32 url-safe base64-encoded bytes): run `make run` "
                "once to generate one into var/secrets.env, or create one with "
                "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`"
            ) from error
        return self

    @model_validator(mode="after")
    def _webhook_has_a_secret(self) -> BotSettings:
        if self.telegram_webhook_url and not self.telegram_webhook_secret:
            raise ConfigError(
                "TELEGRAM_WEBHOOK_SECRET is missing: webhook mode needs it so only Telegram can post "
                "updates (1-256 characters of A-Z, a-z, 0-9, _ and -)"
            )
        return self

    @property
    def telegram_enabled(self) -> bool:
        return self.telegram_bot_token is not None and bool(self.telegram_bot_token.get_secret_value())
