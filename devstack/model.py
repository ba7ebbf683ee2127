"""Train the Rasa NLU model only when its inputs changed (cache by content hash).

`python -m devstack.model` prints the path of an up-to-date model, training it first if needed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

from devstack.services import PROJECT_ROOT, RASA_DIR, RASA_ENV, rasa_binary

MODEL_DIR = PROJECT_ROOT / "var" / "models"
# Our own components (config.yml names them by module path); see RASA_DIR in services.py.
COMPONENTS = "tryggchatt_rasa"


def training_data() -> list[Path]:
    return sorted((RASA_DIR / "data").glob("*.yml"))


def training_inputs() -> list[Path]:
    """Everything the model is made from, our own Rasa components' code included."""
    components = sorted((RASA_DIR / COMPONENTS).glob("*.py"))
    return [RASA_DIR / "config.yml", RASA_DIR / "domain.yml", *components, *training_data()]


def content_hash() -> str:
    digest = hashlib.sha256()
    for path in training_inputs():
        digest.update(path.relative_to(PROJECT_ROOT).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def model_path() -> Path:
    return MODEL_DIR / f"nlu-{content_hash()}.tar.gz"


def ensure_model(log: bool = True) -> Path:
    path = model_path()
    if path.exists():
        if log:
            print(f"[model] up to date: {path.relative_to(PROJECT_ROOT)}", file=sys.stderr)
        return path
    MODEL_DIR.mkdir(parents=True, exist_ok=True)
    files = len(training_data())
    print(f"[model] nlu/ changed: training the Rasa NLU model from {files} data files "
          "(1–5 minutes on 2 cores)…", file=sys.stderr)
    started = time.monotonic()
    argv = [
        str(rasa_binary()), "train", "nlu",
        "--config", str(RASA_DIR / "config.yml"),
        "--domain", str(RASA_DIR / "domain.yml"),
        "--nlu", str(RASA_DIR / "data"),
        "--out", str(MODEL_DIR),
        "--fixed-model-name", path.name.removesuffix(".tar.gz"),
    ]
    log_path = MODEL_DIR / "train.log"
    with log_path.open("wb") as out:
        result = subprocess.run(argv, stdout=out, stderr=subprocess.STDOUT, cwd=RASA_DIR, check=False,
                                env={**os.environ, **RASA_ENV})
    if result.returncode != 0 or not path.exists():
        tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-30:])
        raise SystemExit(f"[model] training failed (log: {log_path}):\n{tail}")
    for old in MODEL_DIR.glob("nlu-*.tar.gz"):
        if old != path:
            old.unlink()
    print(f"[model] trained in {time.monotonic() - started:.0f} s: {path.relative_to(PROJECT_ROOT)}",
          file=sys.stderr)
    return path


if __name__ == "__main__":
    print(ensure_model())
