"""Start and stop the real services (Redis, Rasa) on loopback.

Shared by `make run` (devstack/__main__.py) and the test fixtures (tests/conftest.py), so the
suite runs against exactly what a newcomer runs.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RASA_VENV = PROJECT_ROOT / ".venv-rasa"
# Rasa reports telemetry and errors (Sentry) to the internet by default: never from here —
# an error report could carry what a person wrote.
# Rasa's config, data and our own components (nlu/rasa/tryggchatt_rasa), which Rasa imports
# from its working directory: every `rasa` command runs with cwd=RASA_DIR.
RASA_DIR = PROJECT_ROOT / "nlu" / "rasa"
RASA_ENV = {
    "RASA_TELEMETRY_ENABLED": "false",
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
}


class ServiceError(RuntimeError):
    """A service could not be started; the message says what to do."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Service:
    name: str
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path | None = None
    _stopped: bool = field(default=False, repr=False)

    def is_running(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = 15.0) -> None:
        if self._stopped:
            return
        self._stopped = True
        if self.process.poll() is not None:
            return
        # Each service runs in its own process group so its children stop with it.
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(5)

    def log_tail(self, lines: int = 30) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def spawn(
    name: str,
    url: str,
    argv: Sequence[str],
    log_path: Path,
    env: Mapping[str, str] | None = None,
    cwd: Path = PROJECT_ROOT,
) -> Service:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = log_path.open("ab")
    process = subprocess.Popen(
        list(argv),
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        start_new_session=True,
    )
    log.close()
    return Service(name=name, url=url, process=process, log_path=log_path)


def redis_server_binary() -> str:
    found = shutil.which("redis-server") or (
        "/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None
    )
    if found is None:
        raise ServiceError(
            "redis-server is not installed: run `make deps` (it installs Debian's redis-server)"
        )
    return found


def start_redis(data_dir: Path, port: int, *, persistent: bool) -> Service:
    """A private Redis on loopback. Persistent: AOF under data_dir (make run); else memory only."""
    data_dir.mkdir(parents=True, exist_ok=True)
    argv = [
        redis_server_binary(),
        "--port", str(port),
        "--bind", "127.0.0.1",
        "--protected-mode", "yes",
        "--dir", str(data_dir),
        "--save", "",
        "--appendonly", "yes" if persistent else "no",
        "--daemonize", "no",
    ]
    service = spawn("redis", f"redis://127.0.0.1:{port}/0", argv, data_dir / "redis.log")
    wait_until(lambda: _redis_answers(port), service, timeout=15)
    return service


def _redis_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def rasa_binary() -> Path:
    binary = RASA_VENV / "bin" / "rasa"
    if not binary.exists():
        raise ServiceError(f"{binary} is missing: run `make rasa-venv` (or `make test`) first")
    return binary


def start_rasa(model_path: Path, port: int, log_path: Path, timeout: float = 180) -> Service:
    """The Rasa NLU server with the API on loopback only. Ready means the model is loaded."""
    if not model_path.exists():
        raise ServiceError(f"Rasa model {model_path} is missing: run `make model` first")
    argv = [
        str(rasa_binary()), "run",
        "--enable-api",
        "--model", str(model_path),
        "--interface", "127.0.0.1",
        "--port", str(port),
        "--cors", "",
    ]
    env = RASA_ENV
    url = f"http://127.0.0.1:{port}"
    # cwd: Rasa imports our own components (nlu/rasa/tryggchatt_rasa) from its working directory.
    service = spawn("rasa", url, argv, log_path, env=env, cwd=RASA_DIR)
    wait_until(lambda: _rasa_model_loaded(url), service, timeout=timeout)
    return service


def _rasa_model_loaded(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/status", timeout=2) as response:
            return b"model_file" in response.read()
    except (urllib.error.URLError, OSError):
        return False


def http_answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status < 500)
    except urllib.error.HTTPError as error:
        return error.code < 500
    except (urllib.error.URLError, OSError):
        return False


def wait_until(ready: Callable[[], bool], service: Service, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return
        if not service.is_running():
            raise ServiceError(
                f"{service.name} exited during start-up:\n{service.log_tail()}"
            )
        time.sleep(0.2)
    service.stop()
    raise ServiceError(f"{service.name} did not become ready in {timeout:.0f} s:\n{service.log_tail()}")


def python_module(module: str, *args: str) -> list[str]:
    return [sys.executable, "-m", module, *args]
