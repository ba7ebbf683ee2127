"""docker-compose.yml: the containers a municipality's IT runs. `docker compose config -q`
where the compose plugin exists; our own promises about the file checked everywhere."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_the_four_services_are_there_with_health_checks() -> None:
    assert set(COMPOSE["services"]) == {"redis", "rasa", "bot", "console"}
    for name, service in COMPOSE["services"].items():
        assert "healthcheck" in service, f"{name} has no health check"


def test_only_the_console_publishes_a_port() -> None:
    published = {name for name, service in COMPOSE["services"].items() if service.get("ports")}
    assert published == {"console"}


def test_redis_keeps_an_append_only_file_on_a_volume() -> None:
    redis = COMPOSE["services"]["redis"]
    assert "--appendonly" in redis["command"] and "yes" in redis["command"]
    assert any(volume.endswith(":/data") for volume in redis["volumes"])


def test_rasa_is_built_from_the_project_training_data_and_serves_the_api() -> None:
    dockerfile = (ROOT / "nlu" / "rasa" / "Dockerfile").read_text()
    assert "rasa train nlu" in dockerfile and "--enable-api" in dockerfile
    assert COMPOSE["services"]["rasa"]["build"]["context"] == "nlu/rasa"


def test_docker_compose_accepts_the_file_where_it_is_installed() -> None:
    docker = shutil.which("docker")
    if docker is None or subprocess.run([docker, "compose", "version"], capture_output=True).returncode != 0:
        pytest.skip("the docker compose plugin is not installed on this machine")
    result = subprocess.run([docker, "compose", "-f", str(ROOT / "docker-compose.yml"), "config", "-q"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
