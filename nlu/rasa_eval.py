"""Cross-validate the Rasa NLU model per language and write docs/nlu-eval.md.

Run with the Rasa environment (Python 3.10), from the project root:

    .venv-rasa/bin/python -m nlu.rasa_eval            # what `make nlu-eval` runs
    .venv-rasa/bin/python -m nlu.rasa_eval --folds 2 --skip-full-training   # a quicker look
    .venv-rasa/bin/python -m nlu.rasa_eval --holdout tests/data/nlu_holdout.jsonl  # `make nlu-holdout`

Stratified k-fold over every ``nlu/rasa/data/nlu_<lang>.yml`` together, because the bot
runs one multilingual model: each fold trains the project config (``nlu/rasa/config.yml``,
whatever classifier it names) on the rest and predicts every held-out example. The
language of an example is the one in its file name.
Examples that fold to the same text (``hallå`` / ``halla``, or ``kontaktförbud`` in several
files) are kept in the same fold, so a test example never has its twin in training.

Three accuracies are reported. "acted on" is the intent the bot acts on, decided exactly as
``nlu/client.py`` decides it: Rasa's intent, or, when Rasa is unsure (``nlu_fallback`` or
confidence under the bot's minimum), the keyword matcher's, and otherwise ``out_of_scope``.
"Rasa alone" counts every ``nlu_fallback`` as a miss; "top-1" is the classifier's best guess
underneath the fallback. The goal (90 % per language) is on "acted on".

Finally one full training is timed with the same command `devstack.model` runs in CI.
Rasa's training cache is switched off (RASA_MAX_CACHE_SIZE=0): a cache hit would time
nothing, and a fresh CI runner has no cache either.
With ``--holdout PATH`` nothing is trained: the served model (``devstack.model.model_path()``,
what `make model` built from the current nlu/rasa inputs) is loaded in-process and parses
every line of a JSONL file (``{"lang", "text", "intent"}``) written without looking at the
training data; the per-language table is printed, nothing is written (see docs/holdout.md).
Nothing in this module logs message text; the report shows only counts and intent names.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import yaml

from nlu.keywords import match_keywords
from nlu.normalize import fold

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RASA_DIR = PROJECT_ROOT / "nlu" / "rasa"
# config.yml names our own components by module path (nlu/rasa/tryggchatt_rasa); `rasa` puts
# its working directory on sys.path, training in this process needs the same.
if str(RASA_DIR) not in sys.path:
    sys.path.insert(0, str(RASA_DIR))
FALLBACK_INTENT = "nlu_fallback"
OUT_OF_SCOPE = "out_of_scope"
# bot/settings.py rasa_min_confidence (not imported: this runs in the Rasa environment).
BOT_MIN_CONFIDENCE = 0.3
GOAL = 0.90
SEED = 20240601


@dataclass(frozen=True)
class Example:
    text: str
    intent: str
    lang: str


@dataclass(frozen=True)
class Prediction:
    served: str  # what Rasa answers, possibly nlu_fallback
    top: str  # the classifier's best intent, never nlu_fallback
    acted: str  # what the bot acts on (nlu/client.py): Rasa's, the keywords', or out_of_scope


@dataclass(frozen=True)
class LanguageResult:
    lang: str
    examples: int
    acted_accuracy: float
    served_accuracy: float
    top_accuracy: float
    fallback_rate: float
    macro_f1: float
    confusions: list[tuple[str, str, int]]


def load_examples(data_dir: Path) -> tuple[list[Any], list[Example]]:
    """Rasa's own messages (to write fold files with Rasa's writer) and our plain view."""
    from rasa.shared.nlu.training_data.loading import load_data

    messages: list[Any] = []
    examples: list[Example] = []
    for path in sorted(data_dir.glob("nlu_*.yml")):
        lang = path.stem.removeprefix("nlu_")
        for message in load_data(str(path)).intent_examples:
            messages.append(message)
            examples.append(Example(str(message.get("text")), str(message.get("intent")), lang))
    return messages, examples


def fold_assignment(examples: Sequence[Example], k: int) -> list[int]:
    """Fold number per example: stratified by language+intent, twins grouped together."""
    from sklearn.model_selection import StratifiedGroupKFold

    strata = [f"{e.lang}:{e.intent}" for e in examples]
    groups = [fold(e.text).strip(" ?!.,") for e in examples]
    splitter = StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=SEED)
    assignment = [0] * len(examples)
    for number, (_, test_indices) in enumerate(splitter.split(strata, strata, groups)):
        for index in test_indices:
            assignment[int(index)] = number
    return assignment


def classifier_names(config_path: Path) -> str:
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    names = [c["name"] for c in config["pipeline"] if str(c["name"]).endswith("Classifier")]
    return " + ".join(names)


def train_model(messages: list[Any], workdir: Path, name: str) -> str:
    from rasa.model_training import train_nlu
    from rasa.shared.nlu.training_data.training_data import TrainingData

    data_path = workdir / f"{name}.yml"
    data_path.write_text(TrainingData(training_examples=messages).nlu_as_yaml(), encoding="utf-8")
    model = train_nlu(
        config=str(RASA_DIR / "config.yml"),
        nlu_data=str(data_path),
        output=str(workdir),
        fixed_model_name=name,
        domain=str(RASA_DIR / "domain.yml"),
    )
    if model is None:
        raise SystemExit(f"training {name} produced no model")
    return str(model)


async def predict(model_path: str, examples: Sequence[Example]) -> list[Prediction]:
    from rasa.core.agent import Agent

    agent = Agent.load(model_path)
    predictions = []
    for example in examples:
        parsed: dict[str, Any] = await agent.parse_message(example.text)
        ranking = [str(item["name"]) for item in parsed.get("intent_ranking", [])]
        served = str(parsed["intent"]["name"])
        top = next((name for name in ranking if name != FALLBACK_INTENT), served)
        confidence = float(parsed["intent"].get("confidence") or 0.0)
        acted = served
        if served == FALLBACK_INTENT or confidence < BOT_MIN_CONFIDENCE:
            keyword = match_keywords(example.text, example.lang)
            acted = keyword.name if keyword is not None else OUT_OF_SCOPE
        predictions.append(Prediction(served=served, top=top, acted=acted))
    return predictions


def macro_f1(truth: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> float:
    """Mean F1 over the intents present in this language; fallback counts as a miss."""
    scores = []
    for label in labels:
        pairs = zip(truth, predicted, strict=True)
        true_positive = sum(t == label and p == label for t, p in pairs)
        predicted_count = sum(p == label for p in predicted)
        true_count = sum(t == label for t in truth)
        if true_count == 0:
            continue
        denominator = predicted_count + true_count
        scores.append(2 * true_positive / denominator if denominator else 0.0)
    return sum(scores) / len(scores) if scores else 0.0


def language_result(
    lang: str, examples: Sequence[Example], predictions: Sequence[Prediction], top_n: int
) -> LanguageResult:
    truth = [e.intent for e in examples]
    served = [p.served for p in predictions]
    acted = [p.acted for p in predictions]
    misses = Counter((t, a) for t, a in zip(truth, acted, strict=True) if t != a)
    count = len(examples)
    return LanguageResult(
        lang=lang,
        examples=count,
        acted_accuracy=sum(t == a for t, a in zip(truth, acted, strict=True)) / count,
        served_accuracy=sum(t == s for t, s in zip(truth, served, strict=True)) / count,
        top_accuracy=sum(t == p.top for t, p in zip(truth, predictions, strict=True)) / count,
        fallback_rate=sum(s == FALLBACK_INTENT for s in served) / count,
        macro_f1=macro_f1(truth, acted, sorted(set(truth))),
        confusions=[(t, s, n) for (t, s), n in misses.most_common(top_n)],
    )


def time_full_training(workdir: Path) -> float:
    """One full `rasa train nlu` exactly as CI runs it (devstack.model), in seconds."""
    rasa = Path(sys.executable).parent / "rasa"
    argv = [
        str(rasa), "train", "nlu",
        "--config", str(RASA_DIR / "config.yml"),
        "--domain", str(RASA_DIR / "domain.yml"),
        "--nlu", str(RASA_DIR / "data"),
        "--out", str(workdir),
        "--fixed-model-name", "full",
    ]
    started = time.monotonic()
    log_path = workdir / "full-train.log"
    with log_path.open("wb") as log:
        result = subprocess.run(argv, stdout=log, stderr=subprocess.STDOUT, cwd=RASA_DIR)
    if result.returncode != 0:
        raise SystemExit(f"full training failed, see {log_path}")
    return time.monotonic() - started


LEGEND = (
    "Acted on = the intent the bot acts on, as nlu/client.py decides: Rasa's, or when Rasa is "
    "unsure (`nlu_fallback`, confidence < 0.3) the keyword matcher's, else `out_of_scope`. "
    "Rasa alone = Rasa's answer, `nlu_fallback` a miss. Top-1 = the classifier's best intent "
    "under the fallback. Confusions and macro-F1 are on acted on."
)


def percent(value: float) -> str:
    return f"{100 * value:.1f} %"


def render_report(
    results: Sequence[LanguageResult],
    overall: LanguageResult,
    k: int,
    fold_seconds: Sequence[float],
    full_training_seconds: float | None,
    load_at_start: float,
) -> str:
    import rasa

    # datetime.UTC is 3.11+; this module runs on the Rasa env's Python 3.10.
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")  # noqa: UP017
    short = [r.lang for r in results if r.acted_accuracy < GOAL]
    lines = [
        "# NLU cross-validation",
        "",
        "Generated by `make nlu-eval` (`python -m nlu.rasa_eval`); do not edit by hand.",
        "",
        f"- Date: {now}",
        f"- Machine: {platform.machine()}, {os.cpu_count()} cores; Rasa {rasa.__version__}; "
        f"load average at start {load_at_start:.1f} (other jobs share the cores; timings "
        "include that)",
        f"- Method: stratified {k}-fold over all `nlu/rasa/data/nlu_*.yml` together (one "
        "multilingual model, as served), stratified by language+intent, examples that fold "
        "to the same text kept in one fold; trained with `nlu/rasa/config.yml` "
        f"({classifier_names(RASA_DIR / 'config.yml')}).",
        f"- Training per fold: {', '.join(f'{s:.0f} s' for s in fold_seconds)}",
        "- One full training (`rasa train nlu`, as CI runs it): "
        + (f"{full_training_seconds:.0f} s" if full_training_seconds is not None else "not timed"),
        f"- {LEGEND} Goal: acted on ≥ 90 % per language.",
        "",
        "| language | examples | acted on | Rasa alone | top-1 | fallback | macro-F1 |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in [*results, overall]:
        lines.append(
            f"| {r.lang} | {r.examples} | {percent(r.acted_accuracy)} | {percent(r.served_accuracy)} | "
            f"{percent(r.top_accuracy)} | {percent(r.fallback_rate)} | {r.macro_f1:.3f} |"
        )
    lines += ["", f"Below the goal: {', '.join(short) if short else 'none'}.", ""]
    lines += ["## Top confusions per language (true → acted on, count)", ""]
    for r in results:
        pairs = "; ".join(f"{t} → {s} ({n})" for t, s, n in r.confusions) or "none"
        lines.append(f"- **{r.lang}**: {pairs}")
    return "\n".join(lines) + "\n"


def quiet_rasa() -> None:
    """Warnings only: at debug level Rasa's processor logs every parsed text."""
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)


def load_holdout(path: Path) -> list[Example]:
    examples = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            examples.append(Example(str(row["text"]), str(row["intent"]), str(row["lang"])))
        except (ValueError, KeyError, TypeError) as error:
            raise SystemExit(f"{path}:{number}: bad holdout line: {error!r}") from None
    return examples


def served_model() -> Path:
    """The model `make run` serves for the current nlu/rasa inputs, or a clear SystemExit."""
    from devstack.model import MODEL_DIR, model_path

    path = model_path()
    if path.exists():
        return path
    stale = sorted(MODEL_DIR.glob("nlu-*.tar.gz"), key=lambda p: p.stat().st_mtime)
    hint = f" (only an older one: {stale[-1].name})" if stale else ""
    raise SystemExit(f"no trained model for the current nlu/rasa inputs{hint}: run `make model` first "
                     f"(expected {path.relative_to(PROJECT_ROOT)})")


def render_holdout_report(
    results: Sequence[LanguageResult], overall: LanguageResult, holdout: Path, model: Path
) -> str:
    import rasa

    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")  # noqa: UP017
    try:
        shown = holdout.resolve().relative_to(PROJECT_ROOT)
    except ValueError:
        shown = holdout
    lines = [
        "# NLU on held-out messages",
        "",
        f"- Date: {now}",
        f"- Machine: {platform.machine()}, {os.cpu_count()} cores; Rasa {rasa.__version__}",
        f"- Model: `{model.name}` (the served model; its name is the hash of nlu/rasa inputs)",
        f"- Messages: `{shown}`, {overall.examples}",
        f"- {LEGEND}",
        "",
        "| language | examples | acted on | Rasa alone | top-1 | fallback | macro-F1 |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in [*results, overall]:
        lines.append(
            f"| {r.lang} | {r.examples} | {percent(r.acted_accuracy)} | {percent(r.served_accuracy)} | "
            f"{percent(r.top_accuracy)} | {percent(r.fallback_rate)} | {r.macro_f1:.3f} |"
        )
    # No confusions: which intents a held-out set's messages were taken for is exactly what
    # would invite tuning against it (docs/holdout.md). The table only.
    return "\n".join(lines) + "\n"


def run_holdout(args: argparse.Namespace) -> None:
    holdout = Path(args.holdout)
    model = served_model()
    quiet_rasa()
    examples = load_holdout(holdout)
    if not examples:
        raise SystemExit(f"{holdout}: no examples")
    print(f"[nlu-holdout] {len(examples)} messages, model {model.name}", file=sys.stderr)
    predictions = asyncio.run(predict(str(model), examples))
    langs = sorted({e.lang for e in examples})
    results = [
        language_result(
            lang,
            [e for e in examples if e.lang == lang],
            [p for e, p in zip(examples, predictions, strict=True) if e.lang == lang],
            args.top,
        )
        for lang in langs
    ]
    overall = language_result("all", examples, predictions, max(args.top, 10))
    print(render_holdout_report(results, overall, holdout, model))


def run(args: argparse.Namespace) -> None:
    if args.holdout:
        run_holdout(args)
        return
    load_at_start = os.getloadavg()[0]
    os.environ["RASA_MAX_CACHE_SIZE"] = "0"  # before Rasa reads it; inherited by the CLI run
    quiet_rasa()
    messages, examples = load_examples(Path(args.data))
    assignment = fold_assignment(examples, args.folds)
    predictions: list[Prediction | None] = [None] * len(examples)
    fold_seconds: list[float] = []
    with tempfile.TemporaryDirectory(prefix="nlu-eval-") as tmp:
        workdir = Path(tmp)
        for number in range(args.folds):
            test = [i for i, f in enumerate(assignment) if f == number]
            train = [messages[i] for i, f in enumerate(assignment) if f != number]
            print(f"[nlu-eval] fold {number + 1}/{args.folds}: train {len(train)}, "
                  f"test {len(test)}", file=sys.stderr)
            started = time.monotonic()
            model = train_model(train, workdir, f"fold{number}")
            fold_seconds.append(time.monotonic() - started)
            fold_predictions = asyncio.run(predict(model, [examples[i] for i in test]))
            for index, prediction in zip(test, fold_predictions, strict=True):
                predictions[index] = prediction
            Path(model).unlink()
        full_seconds = None if args.skip_full_training else time_full_training(workdir)
    done = [p for p in predictions if p is not None]
    if len(done) != len(examples):
        raise SystemExit("some examples were never predicted")
    langs = sorted({e.lang for e in examples})
    results = [
        language_result(
            lang,
            [e for e in examples if e.lang == lang],
            [p for e, p in zip(examples, done, strict=True) if e.lang == lang],
            args.top,
        )
        for lang in langs
    ]
    overall = language_result("all", examples, done, args.top)
    report = render_report(
        results, overall, args.folds, fold_seconds, full_seconds, load_at_start
    )
    Path(args.out).write_text(report, encoding="utf-8")
    print(report)


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", default=str(RASA_DIR / "data"))
    parser.add_argument("--out", default=str(PROJECT_ROOT / "docs" / "nlu-eval.md"))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--top", type=int, default=5, help="confusion pairs per language")
    parser.add_argument("--skip-full-training", action="store_true")
    parser.add_argument("--holdout", metavar="PATH",
                        help="no training: score the served model on this JSONL file and print")
    return parser.parse_args(argv)


if __name__ == "__main__":
    run(parse_args(sys.argv[1:]))
