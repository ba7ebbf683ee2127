"""What the second-opinion model sees of a message: character and word n-grams.

Shared by training (``nlu.danger.train``) and scoring (``nlu.danger.second_opinion``), so the
two can never disagree about a feature. Character n-grams inside words carry stems across
inflections, misspellings and twelve languages; words and word pairs carry a little of the
phrasing.
"""

from __future__ import annotations

import re
from itertools import pairwise

_WORD = re.compile(r"\w+")
CHAR_NGRAM_SIZES = (2, 3, 4, 5)


def tokens(folded: str) -> list[str]:
    """The n-grams of already folded text (``matching_form``), with repeats.

    Character n-grams of each word padded with one space each side (" han ", " h", "an "),
    the whole padded word when it is short; "w:" + each word; "b:" + each pair of words.
    The colon keeps the kinds apart: it never occurs inside a word.
    """
    words = _WORD.findall(folded)
    found: list[str] = []
    for word in words:
        padded = f" {word} "
        length = len(padded)
        if length <= CHAR_NGRAM_SIZES[-1]:
            found.append(padded)
        for size in CHAR_NGRAM_SIZES:
            if size >= length:
                break
            found.extend([padded[i : i + size] for i in range(length - size + 1)])
        found.append("w:" + word)
    found.extend([f"b:{first} {second}" for first, second in pairwise(words)])
    return found
