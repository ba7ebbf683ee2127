"""``python -m nlu.danger_eval``: how well danger detection does on tests/data/danger_dev.jsonl.

Rules and the second-opinion model together, as served; ``--rules-only`` without the model.
The model is trained on the development set, so only the held-out set and fresh rounds say
how either does on messages nobody tuned on.

Per language: n, acute recall (expected acute, assessed acute), flagged recall (expected
high or acute, assessed at least high), benign flagged (expected none, assessed at least
high). Lists every miss and false alarm with the rules that fired. Always exits 0: it is a
report; the goals are checked by reading it (and by tests on held-out messages).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from nlu.danger import Engine, Judgement, judge
from nlu.types import NO_DANGER, DangerLevel

DEV_SET = Path(__file__).resolve().parent.parent / "tests" / "data" / "danger_dev.jsonl"
GOALS = {"acute_recall": 0.98, "flagged_recall": 0.95, "benign_flagged": 0.05}


@dataclass(frozen=True)
class Case:
    lang: str
    text: str
    expected: DangerLevel
    kind: str
    context: tuple[str, ...]


@dataclass(frozen=True)
class Outcome:
    case: Case
    judgement: Judgement

    @property
    def level(self) -> DangerLevel:
        return self.judgement.assessment.level


def read_cases(path: Path) -> list[Case]:
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            cases.append(Case(row["lang"], row["text"], DangerLevel.parse(row["expected"]),
                              row.get("kind", ""), tuple(row.get("context") or ())))
        except (ValueError, KeyError) as error:
            raise SystemExit(f"{path}:{number}: bad dev-set line: {error!r}") from None
    return cases


def run_case(case: Case, engine: Engine | None = None) -> Outcome:
    # The caller's way: assess each earlier message with the running assessment, merge.
    judged = engine.judge if engine is not None else judge
    running = NO_DANGER
    for earlier in case.context:
        running = running.merged_with(judged(earlier, running).assessment)
    return Outcome(case, judged(case.text, running))


def _share(hits: int, total: int) -> float | None:
    return hits / total if total else None


@dataclass(frozen=True)
class Metrics:
    n: int
    acute_recall: float | None  # None: no such cases
    flagged_recall: float | None
    benign_flagged: float | None

    @classmethod
    def of(cls, outcomes: Iterable[Outcome]) -> Metrics:
        rows = list(outcomes)
        acute = [o for o in rows if o.case.expected is DangerLevel.ACUTE]
        flagged = [o for o in rows if o.case.expected >= DangerLevel.HIGH]
        benign = [o for o in rows if o.case.expected is DangerLevel.NONE]
        return cls(
            n=len(rows),
            acute_recall=_share(sum(o.level is DangerLevel.ACUTE for o in acute), len(acute)),
            flagged_recall=_share(sum(o.level >= DangerLevel.HIGH for o in flagged), len(flagged)),
            benign_flagged=_share(sum(o.level >= DangerLevel.HIGH for o in benign), len(benign)),
        )

    @property
    def meets_goals(self) -> bool:
        return (
            (self.acute_recall is None or self.acute_recall >= GOALS["acute_recall"])
            and (self.flagged_recall is None or self.flagged_recall >= GOALS["flagged_recall"])
            and (self.benign_flagged is None or self.benign_flagged <= GOALS["benign_flagged"])
        )


def _cell(value: float | None) -> str:
    return "   -" if value is None else f"{value:.2f}"


def is_miss(outcome: Outcome) -> bool:
    expected, got = outcome.case.expected, outcome.level
    if expected is DangerLevel.ACUTE:
        return got is not DangerLevel.ACUTE
    if expected is DangerLevel.HIGH:
        return got < DangerLevel.HIGH
    if expected is DangerLevel.NONE:
        return got >= DangerLevel.HIGH
    return False


def describe(outcome: Outcome) -> str:
    judgement = outcome.judgement
    fired = [f"{h.lang}:{h.rule_id}" for h in judgement.hits] + list(judgement.combos)
    if judgement.raised_by_model is not None:
        fired.append(f"model:{judgement.raised_by_model.label}")
    context = f" (after {len(outcome.case.context)} msg)" if outcome.case.context else ""
    return (f"  [{outcome.case.lang}] expected {outcome.case.expected.label}, got "
            f"{outcome.level.label}{context}: {outcome.case.text!r}  <- {fired or 'no rule'}")


def report(outcomes: list[Outcome], list_misses: bool = True) -> str:
    languages = sorted({o.case.lang for o in outcomes})
    lines = ["lang     n  acute  flagged  benign  goals",
             f"goal        >={GOALS['acute_recall']:.2f}  >={GOALS['flagged_recall']:.2f}"
             f"   <={GOALS['benign_flagged']:.2f}"]
    for lang in [*languages, "all"]:
        rows = [o for o in outcomes if lang in ("all", o.case.lang)]
        row = Metrics.of(rows)
        lines.append(f"{lang:4s} {row.n:4d}  {_cell(row.acute_recall)}     "
                     f"{_cell(row.flagged_recall)}    {_cell(row.benign_flagged)}  "
                     f"{'ok' if row.meets_goals else 'MISSED'}")
    misses = [o for o in outcomes if is_miss(o)]
    lines.append(f"\nmisses and false alarms: {len(misses)}")
    if list_misses:
        lines.extend(describe(o) for o in misses)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("dev_set", nargs="?", type=Path, default=DEV_SET)
    parser.add_argument("--lang", action="append", help="only these languages (repeatable)")
    parser.add_argument("--summary", action="store_true",
                        help="the table only; for the held-out set, whose misses nobody should tune on")
    parser.add_argument("--rules-only", action="store_true", help="without the second-opinion model")
    args = parser.parse_args(argv)
    cases = [c for c in read_cases(args.dev_set) if not args.lang or c.lang in args.lang]
    engine = Engine.from_files() if args.rules_only else None
    text = report([run_case(case, engine) for case in cases], list_misses=not args.summary)
    try:
        print(text)
    except BrokenPipeError:  # piped into head: the reader has seen enough
        sys.stderr.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
