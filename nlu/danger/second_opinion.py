"""A second opinion on danger: a small statistical model beside the rules.

The rules (``nlu/danger/<lang>.yaml``) name the ways of saying something dangerous that
someone has written down; fresh messages keep finding other ways (docs/danger-eval.md).
This model, two logistic regressions over character and word n-grams trained by
``python -m nlu.danger.train`` from the development set, scores how much a message looks
like the acute and the flagged ones it has seen, in any language and any spelling. It can
only raise a message's level, never lower it: the rules stay the floor.

Scoring is plain Python over a dict of weights (no numpy at run time): deterministic, in
process, well under a millisecond. When the model file is missing the engine runs on the
rules alone and says so in the log.
"""

from __future__ import annotations

import json
import math
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nlu.danger.features import tokens
from nlu.types import DangerLevel

FORMAT = "tryggchatt-danger-model/1"
# Where `make model` writes it; TRYGG_DANGER_MODEL points elsewhere (the container image).
DEFAULT_PATH = Path(__file__).resolve().parents[2] / "var" / "models" / "danger-model.json"


def model_path() -> Path:
    return Path(os.environ.get("TRYGG_DANGER_MODEL") or DEFAULT_PATH)


class ModelError(ValueError):
    """A model file that cannot be used (wrong format, broken numbers)."""


@dataclass(frozen=True)
class Scores:
    acute: float  # probability the message is acute
    flagged: float  # probability it is high or acute


@dataclass(frozen=True)
class SecondOpinion:
    # n-gram -> (idf, weight towards acute, weight towards flagged)
    table: dict[str, tuple[float, float, float]]
    intercepts: tuple[float, float]
    acute_threshold: float
    flagged_threshold: float
    data_hash: str

    def scores(self, folded: str) -> Scores:
        """Sublinear tf × idf, L2-normalised, dotted with each head's weights: the arithmetic
        of scikit-learn's ``TfidfVectorizer(sublinear_tf=True)`` and ``LogisticRegression``
        that trained it. N-grams the model never saw are left out, as there."""
        squares = towards_acute = towards_flagged = 0.0
        for token, count in Counter(tokens(folded)).items():
            row = self.table.get(token)
            if row is None:
                continue
            value = (1.0 + math.log(count)) * row[0]
            squares += value * value
            towards_acute += value * row[1]
            towards_flagged += value * row[2]
        norm = math.sqrt(squares) or 1.0
        return Scores(_sigmoid(self.intercepts[0] + towards_acute / norm),
                      _sigmoid(self.intercepts[1] + towards_flagged / norm))

    def level(self, folded: str) -> DangerLevel:
        scores = self.scores(folded)
        if scores.acute >= self.acute_threshold:
            return DangerLevel.ACUTE
        if scores.flagged >= self.flagged_threshold:
            return DangerLevel.HIGH
        return DangerLevel.NONE

    @classmethod
    def from_file(cls, path: Path) -> SecondOpinion:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as error:
            raise ModelError(f"{path}: {error}") from None
        return cls.from_dict(data, str(path))

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = "model") -> SecondOpinion:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ModelError(f"{source}: not a {FORMAT} model")
        try:
            features = data["features"]
            return cls(
                table={token: (float(row[0]), float(row[1]), float(row[2]))
                       for token, row in features.items()},
                intercepts=(float(data["intercepts"][0]), float(data["intercepts"][1])),
                acute_threshold=float(data["thresholds"]["acute"]),
                flagged_threshold=float(data["thresholds"]["flagged"]),
                data_hash=str(data["data_hash"]),
            )
        except (KeyError, IndexError, TypeError, ValueError, AttributeError) as error:
            raise ModelError(f"{source}: {error!r}") from None


def _sigmoid(value: float) -> float:
    if value >= 0:
        return 1.0 / (1.0 + math.exp(-value))
    exp = math.exp(value)
    return exp / (1.0 + exp)


def load(path: Path | None = None) -> SecondOpinion | None:
    """The model at ``path`` (default: ``model_path()``), or None when there is none."""
    path = path or model_path()
    if not path.exists():
        return None
    return SecondOpinion.from_file(path)
