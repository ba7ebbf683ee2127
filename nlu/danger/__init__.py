"""Deterministic, multilingual danger assessment.

    from nlu.danger import assess
    running = assess(text, previous=running_assessment)

Rules live in ``nlu/danger/<lang>.yaml`` (one per language, all applied to every message)
and conversation rules in ``nlu/danger/_combos.yaml``; the second-opinion model is trained
from data by ``python -m nlu.danger.train`` (``make model``).
"""

from __future__ import annotations

from functools import lru_cache

import structlog

from nlu.danger import second_opinion
from nlu.danger.engine import Engine, Hit, Judgement
from nlu.danger.lexicon import LexiconError, load_lexicons
from nlu.types import DangerAssessment

__all__ = ["Engine", "Hit", "Judgement", "LexiconError", "assess", "default_engine", "judge",
           "load_lexicons"]


@lru_cache(maxsize=1)
def default_engine() -> Engine:
    """The engine over the shipped lexicons and the trained model, loaded once per process."""
    model = second_opinion.load()
    if model is None:
        # The rules alone still catch what they name; this is worth an operator's attention.
        structlog.get_logger("nlu.danger").warning(
            "danger_model_missing", path=str(second_opinion.model_path()), using="rules only")
    return Engine.from_files(second_opinion=model)


def assess(text: str, previous: DangerAssessment | None = None) -> DangerAssessment:
    """How dangerous this message is, in the light of the conversation so far.

    ``previous`` is the running assessment of the conversation (the caller merges and keeps
    it; no text is kept). The result is for this message in context; callers merge it.
    """
    return default_engine().assess(text, previous)


def judge(text: str, previous: DangerAssessment | None = None) -> Judgement:
    """Like ``assess``, with the rules that fired (for the eval and the CLI)."""
    return default_engine().judge(text, previous)
