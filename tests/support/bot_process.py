"""Run the real bot (`python -m bot`) as a subprocess against the Telegram stand-in."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet

from devstack.services import PROJECT_ROOT, free_port


def secrets_env() -> dict[str, str]:
    return {
        "SESSION_SECRET": "test-session-secret-" + "x" * 32,
        "REPLY_KEY": Fernet.generate_key().decode(),
    }


@dataclass
class BotProcess:
    process: subprocess.Popen[bytes]
    log_path: Path
    webchat_url: str

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def start_bot(
    *, redis_url: str, rasa_url: str, telegram_api_url: str | None, token: str | None, log_dir: Path,
    secrets: dict[str, str], extra_env: dict[str, str] | None = None,
) -> BotProcess:
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "REDIS_", "RASA_"))},
        **secrets,
        "APP_ENV": "test",
        "REDIS_URL": redis_url,
        "RASA_URL": rasa_url,
        "WEBCHAT_PORT": str(port),
        "LOG_LEVEL": "DEBUG",
        **(extra_env or {}),
    }
    if token and telegram_api_url:
        env["TELEGRAM_BOT_TOKEN"] = token
        env["TELEGRAM_API_URL"] = telegram_api_url
    log_path = log_dir / "bot.log"
    log_dir.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot"], cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    return BotProcess(process, log_path, f"http://127.0.0.1:{port}")
