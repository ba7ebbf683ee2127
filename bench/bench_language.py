"""Language identification: accuracy, speed and memory of each option, and language + danger.

    .venv/bin/python bench/bench_language.py            # everything, as Markdown
    .venv/bin/python bench/bench_language.py --option lingua --json   # one option

Options: `langdetect`, `lingua-low` (low-accuracy mode) and `lingua` alone (each restricted
to our languages, hr/sr/bs → bs),
and `identify` (nlu.language: script rules, the Tigrinya word list, then lingua). Each runs
in a fresh process so its RSS is its own. Timings are printed, never asserted; on a busy
machine p99 mostly shows scheduling stalls, the median is the figure to compare.
Results go to docs/language-id.md by hand.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EVAL_SETS = {
    "dev": ROOT / "tests" / "data" / "language_dev.jsonl",
    "holdout": ROOT / "tests" / "data" / "language_holdout.jsonl",
}
OPTIONS = ("langdetect", "lingua-low", "lingua", "identify")
ROUNDS = 5
Identifier = Callable[[str], str | None]


def load_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def length_bucket(text: str) -> str:
    words = len(text.split())
    return "1 word" if words == 1 else "2 words" if words == 2 else "3–6 words" if words <= 6 else "7+ words"


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def build_langdetect() -> Identifier:
    import langdetect
    from langdetect.detector_factory import DetectorFactory
    from langdetect.lang_detect_exception import LangDetectException

    from nlu.normalize import clean

    profiles = Path(langdetect.__file__).parent / "profiles"
    # langdetect has no bs or sr and no ti; hr stands for bs.
    ours = ["sv", "en", "ar", "fa", "so", "pl", "tr", "uk", "fi", "es", "hr"]
    factory = DetectorFactory()
    factory.load_json_profile([(profiles / code).read_text(encoding="utf-8") for code in ours])
    DetectorFactory.seed = 0

    def identify(text: str) -> str | None:
        detector = factory.create()
        detector.append(clean(text))
        try:
            code: str = detector.detect()
        except LangDetectException:
            return None
        return "bs" if code == "hr" else code

    return identify


def build_lingua() -> Identifier:
    from nlu.language import lingua_guess
    from nlu.normalize import clean

    return lambda text: lingua_guess(clean(text)).lang


def build_lingua_low() -> Identifier:
    """lingua's low-accuracy mode: trigram models only, a tenth of the memory."""
    from lingua import LanguageDetectorBuilder

    from nlu.language import LINGUA_CODES, lingua_guess
    from nlu.normalize import clean

    detector = (LanguageDetectorBuilder.from_languages(*LINGUA_CODES).with_low_accuracy_mode()
                .with_preloaded_language_models().build())
    return lambda text: lingua_guess(clean(text), detector).lang


def build_identify() -> Identifier:
    from nlu.language import identify, warm_up

    warm_up()
    return lambda text: identify(text).lang


def measure(option: str) -> dict[str, Any]:
    before = rss_kib()
    started = time.perf_counter()
    builders = {"langdetect": build_langdetect, "lingua-low": build_lingua_low,
                "lingua": build_lingua, "identify": build_identify}
    identifier = builders[option]()
    identifier("warm up")
    load_seconds = time.perf_counter() - started
    result: dict[str, Any] = {"option": option, "load_s": round(load_seconds, 2)}
    durations_us: list[float] = []
    for name, path in EVAL_SETS.items():
        rows = load_rows(path)
        right: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for row in rows:
            guess = identifier(row["text"])
            for key in ("all", f"lang:{row['lang']}", f"len:{length_bucket(row['text'])}",
                        f"variant:{row['variant']}"):
                right[key][0] += guess == row["lang"]
                right[key][1] += 1
        result[name] = {key: [hit, total] for key, (hit, total) in right.items()}
    texts = [row["text"] for path in EVAL_SETS.values() for row in load_rows(path)]
    for _ in range(ROUNDS):
        for text in texts:
            start = time.perf_counter_ns()
            identifier(text)
            durations_us.append((time.perf_counter_ns() - start) / 1000)
    result["us_median"] = round(statistics.median(durations_us), 1)
    result["us_p99"] = round(statistics.quantiles(durations_us, n=100)[98], 1)
    result["rss_mib"] = round((rss_kib() - before) / 1024, 1)
    return result


def measure_with_danger() -> dict[str, float]:
    """Language and danger together, as the bot runs them on every message."""
    from nlu.danger import assess, default_engine
    from nlu.language import identify, warm_up

    warm_up()
    default_engine()
    texts = [row["text"] for path in EVAL_SETS.values() for row in load_rows(path)]
    durations_us: list[float] = []
    for _ in range(ROUNDS):
        for text in texts:
            start = time.perf_counter_ns()
            identify(text)
            assess(text)
            durations_us.append((time.perf_counter_ns() - start) / 1000)
    return {
        "us_median": round(statistics.median(durations_us), 1),
        "us_p99": round(statistics.quantiles(durations_us, n=100)[98], 1),
        "calls": len(durations_us),
    }


def run_child(*args: str) -> Any:
    output = subprocess.run([sys.executable, __file__, *args, "--json"], check=True,
                            capture_output=True, text=True, cwd=ROOT).stdout
    return json.loads(output)


def percent(cell: list[int] | None) -> str:
    return "–" if not cell else f"{100 * cell[0] / cell[1]:.0f} %"


def print_report(results: list[dict[str, Any]], together: dict[str, float]) -> None:
    names = [result["option"] for result in results]
    print("| | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for label, key in (("µs per call, median", "us_median"), ("µs per call, p99", "us_p99"),
                       ("RSS added, MiB", "rss_mib"), ("load, s", "load_s")):
        print(f"| {label} | " + " | ".join(str(result[key]) for result in results) + " |")
    for eval_set in EVAL_SETS:
        keys = sorted({key for result in results for key in result[eval_set]},
                      key=lambda key: (key != "all", key.split(":")[0], key))
        print(f"\n**{eval_set}** (right / all)\n")
        print("| | n | " + " | ".join(names) + " |")
        print("|---|---|" + "---|" * len(names))
        for key in keys:
            size = results[0][eval_set][key][1]
            cells = " | ".join(percent(result[eval_set].get(key)) for result in results)
            print(f"| {key} | {size} | {cells} |")
    print(f"\nidentify + danger.assess per message: median {together['us_median']} µs, "
          f"p99 {together['us_p99']} µs over {together['calls']} calls")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--option", choices=[*OPTIONS, "with-danger"])
    parser.add_argument("--json", action="store_true", help="print raw JSON (one option)")
    args = parser.parse_args()
    if args.option:
        result = measure_with_danger() if args.option == "with-danger" else measure(args.option)
        print(json.dumps(result) if args.json else json.dumps(result, indent=1))
        return
    results = [run_child("--option", option) for option in OPTIONS]
    print_report(results, run_child("--option", "with-danger"))


if __name__ == "__main__":
    main()
