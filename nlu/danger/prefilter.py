"""A cheap test that a rule group cannot match a text, to skip most regex searches.

Every danger pattern starts at a word start. For each compiled group we work out, from the
regex's parse tree, every way its match can begin (its first 1..PREFIX_LENGTH characters,
cut short where a class like ``\\w`` makes the list open). A group none of whose beginnings
is the head of a word in the text cannot match it. Groups that can begin with anything are
always searched: the test only ever skips work, never a match.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

# The regex parser of the standard library (re._parser since 3.11); untyped, hence Any.
sre_parse: Any = importlib.import_module("re._parser")
sre_constants: Any = importlib.import_module("re._constants")

PREFIX_LENGTH = 3
_MAX_PREFIXES = 20_000
_MAX_CLASS_SIZE = 64
_WORD_START = re.compile(r"(?<!\w)\w")
_WORD_CHAR = re.compile(r"\w")

Expansion = set[tuple[str, bool]]  # (text so far, the part was fully consumed)


class _Open(Exception):
    """The beginning of the pattern cannot be listed; search it always."""


def word_starts(text: str) -> frozenset[str]:
    """The first 1..PREFIX_LENGTH characters at every word start of the (folded) text."""
    heads = [text[m.start() : m.start() + PREFIX_LENGTH] for m in _WORD_START.finditer(text)]
    return frozenset(head[:n] for head in heads for n in range(1, len(head) + 1))


def prefixes_of(pattern: str) -> frozenset[str] | None:
    """How matches of ``pattern`` can begin (up to PREFIX_LENGTH characters), or None if that
    cannot be listed. A match can only begin at a word start whose head is in this set."""
    try:
        expansion = _sequence(list(sre_parse.parse(pattern)), PREFIX_LENGTH)
    except _Open:
        return None
    heads = {text for text, _ in expansion}
    if any(not text or not _WORD_CHAR.match(text[0]) for text in heads):
        return None  # may begin at a non-word position, which word_starts does not list
    return frozenset(heads)


def _sequence(items: list[Any], limit: int) -> Expansion:
    results: Expansion = {("", True)}
    for item in items:
        grown: Expansion = set()
        for text, complete in results:
            if not complete or len(text) == limit:
                grown.add((text, False))
                continue
            try:
                parts = _item(item, limit - len(text))
            except _Open:
                # An open item (\w, .) ends what can be listed: the head is what came before.
                grown.add((text, False))
                continue
            for part, part_complete in parts:
                grown.add((text + part, part_complete))
        if len(grown) > _MAX_PREFIXES:
            raise _Open
        results = grown
    return results


def _item(item: tuple[Any, Any], limit: int) -> Expansion:
    op, av = item
    if op is sre_constants.LITERAL:
        return {(chr(av), True)}
    if op is sre_constants.IN:
        return {(char, True) for char in _char_class(av)}
    if op in (sre_constants.AT, sre_constants.ASSERT, sre_constants.ASSERT_NOT):
        return {("", True)}  # zero width; ignoring a lookaround only widens the set
    if op is sre_constants.SUBPATTERN:
        return _sequence(list(av[-1]), limit)
    if op is sre_constants.BRANCH:
        return set().union(*(_sequence(list(branch), limit) for branch in av[1]))
    if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
        return _repeat(av[0], av[1], list(av[2]), limit)
    raise _Open


def _repeat(low: int, high: int, body: list[Any], limit: int) -> Expansion:
    results: Expansion = set()
    current: Expansion = {("", True)}
    for count in range(high + 1):
        if count >= low:
            results |= current
        growing: Expansion = {(t, d) for t, d in current if d and len(t) < limit}
        if not growing or count > limit + low:
            return results | {(t, d) for t, d in current if not d}
        current = {(t, d) for t, d in current if not d} | _sequence_after(growing, body, limit)
    return results


def _sequence_after(starts: Expansion, body: list[Any], limit: int) -> Expansion:
    grown: Expansion = set()
    for text, _ in starts:
        for part, complete in _sequence(body, limit - len(text)):
            grown.add((text + part, complete))
    return grown


def _char_class(items: list[tuple[Any, Any]]) -> set[str]:
    chars: set[str] = set()
    for op, av in items:
        if op is sre_constants.LITERAL:
            chars.add(chr(av))
        elif op is sre_constants.RANGE and av[1] - av[0] < _MAX_CLASS_SIZE:
            chars.update(chr(code) for code in range(av[0], av[1] + 1))
        else:
            raise _Open  # \w, \d, negated or wide classes
    return chars
