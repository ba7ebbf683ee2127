"""Time danger assessment (and language identification with it) over the dev set.

    .venv/bin/python bench/bench_danger.py [--rounds 5]

Prints median and p99 in microseconds per message. No asserts: timings depend on the
machine; the goal (language + danger <= 1 ms median) is read from the output.
"""

from __future__ import annotations

import argparse
import importlib
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nlu.danger import assess, default_engine  # noqa: E402

DEV_SET = ROOT / "tests" / "data" / "danger_dev.jsonl"


def timings(work: Callable[[str], object], texts: list[str], rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        for text in texts:
            start = time.perf_counter()
            work(text)
            samples.append((time.perf_counter() - start) * 1e6)
    return sorted(samples)


def line(label: str, samples: list[float]) -> str:
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    return f"{label:28s} n={len(samples):6d}  median {statistics.median(samples):8.1f} µs  p99 {p99:8.1f} µs"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    texts = [json.loads(row)["text"] for row in DEV_SET.read_text(encoding="utf-8").splitlines()]
    started = time.perf_counter()
    engine = default_engine()
    model = "with" if engine.second_opinion is not None else "WITHOUT (run `make model`)"
    print(f"lexicons {', '.join(lexicon.lang for lexicon in engine.lexicons)}, {model} the "
          f"second-opinion model; loaded in {time.perf_counter() - started:.2f} s")
    assess(texts[0])  # first call outside the timing
    print(line("danger.assess", timings(assess, texts, args.rounds)))
    try:
        identify = importlib.import_module("nlu.language").identify
    except (ImportError, AttributeError):
        print("nlu.language.identify not available: language timing skipped")
        return
    identify(texts[0])

    def both(text: str) -> None:
        identify(text)
        assess(text)

    print(line("language.identify", timings(identify, texts, args.rounds)))
    print(line("identify + assess", timings(both, texts, args.rounds)))


if __name__ == "__main__":
    main()
