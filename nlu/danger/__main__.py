"""``python -m nlu.danger``: one message per stdin line in, one JSON verdict per line out.

Each line is judged on its own, without conversation context.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Callable
from typing import TextIO

from nlu.danger import judge


def _language_identifier() -> Callable[[str], object] | None:
    # nlu.language is another part of the project; use it when it is there.
    try:
        module = importlib.import_module("nlu.language")
    except ImportError:
        return None
    identify = getattr(module, "identify", None)
    return identify if callable(identify) else None


def _as_code(result: object) -> str | None:
    if result is None or isinstance(result, str):
        return result
    for attribute in ("lang", "code", "language"):
        value = getattr(result, attribute, None)
        if isinstance(value, str):
            return value
    return None


def verdict(line: str, identify: Callable[[str], object] | None) -> dict[str, object]:
    judgement = judge(line)
    lang = judgement.lang
    strongest = {hit.lang for hit in judgement.hits if hit.level == judgement.assessment.level}
    if identify is not None and line.strip() and (lang is None or len(strongest) > 1):
        # No rule fired, or rules of several languages tie: ask language identification.
        guessed = _as_code(identify(line))
        if lang is None or guessed in strongest:
            lang = guessed
    return {
        "level": judgement.assessment.level.label,
        "categories": sorted(judgement.assessment.categories),
        "lang": lang,
    }


def main(stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> int:
    identify = _language_identifier()
    for line in stdin:
        text = line.rstrip("\n")
        stdout.write(json.dumps(verdict(text, identify), ensure_ascii=False) + "\n")
        stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
