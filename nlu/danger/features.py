"""What the second-opinion model sees of a message: character and word n-grams.

Shared by training (``nlu.danger.train``) and scoring (``nlu.danger.second_opinion``), so the
two can never disagree about a feature. Character n-grams inside words carry stems across
inflections, misspellings and twelve languages; word pairs carry a little of the phrasing.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from itertools import pairwise

_WORD = re.compile(r"\w+")
CHAR_NGRAMS = range(2, 6)


def tokens(folded: str) -> list[str]:
    """The n-grams of already folded text (``matching_form``), with repeats."""
    words = _WORD.findall(folded)
    found: list[str] = []
    for word in words:
        padded = f" {word} "
        if len(padded) < CHAR_NGRAMS.start:
            continue
        if len(padded) <= CHAR_NGRAMS.stop - 1:
            found.append("c:" + padded)  # a short word is also one n-gram, whole
        for size in CHAR_NGRAMS:
            found.extend("c:" + padded[i : i + size] for i in range(len(padded) - size + 1)
                         if size < len(padded))
        found.append("w:" + word)
    found.extend(f"b:{first} {second}" for first, second in pairwise(words))
    return found


def weighted(folded: str, idf: dict[str, float]) -> dict[str, float]:
    """Sublinear tf × idf, L2-normalised; n-grams the model never saw are left out.

    The same arithmetic as scikit-learn's ``TfidfVectorizer(sublinear_tf=True)`` over
    ``tokens``, which training uses.
    """
    counts = Counter(token for token in tokens(folded) if token in idf)
    values = {token: (1.0 + math.log(count)) * idf[token] for token, count in counts.items()}
    norm = math.sqrt(sum(value * value for value in values.values()))
    if norm == 0.0:
        return {}
    return {token: value / norm for token, value in values.items()}
