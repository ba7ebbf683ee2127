"""Does a message say the writer is a child or teenager? Patterns per language in young.yaml."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

from nlu.normalize import fold

_AGE = r"(?:[6-9]|1[0-7])"
_PATH = Path(__file__).with_name("young.yaml")


@cache
def _patterns() -> re.Pattern[str]:
    data: dict[str, dict[str, list[str]]] = yaml.safe_load(_PATH.read_text(encoding="utf-8"))
    alternatives = [
        fold(pattern).replace("{age}", _AGE)
        for patterns in data["patterns"].values()
        for pattern in patterns
    ]
    return re.compile("|".join(f"(?:(?<!\\w){p})" for p in alternatives))


def says_young(text: str) -> bool:
    return bool(text) and _patterns().search(fold(text)) is not None
