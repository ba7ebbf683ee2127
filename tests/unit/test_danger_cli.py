"""The command-line tools: ``python -m nlu.danger`` and ``python -m nlu.danger_eval``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_module(module: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def test_cli_prints_one_verdict_per_input_line() -> None:
    lines = ["he has a gun and says he will shoot me", "vad är kontaktförbud?", "ሓኒቑኒ"]
    result = run_module("nlu.danger", stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    verdicts = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(verdicts) == 3
    assert verdicts[0]["level"] == "acute"
    assert verdicts[0]["lang"] == "en"
    assert {"weapon", "threat_to_kill"} <= set(verdicts[0]["categories"])
    assert verdicts[1]["level"] == "none"
    assert verdicts[1]["categories"] == []
    assert verdicts[2] == {"level": "acute", "categories": ["strangulation"], "lang": "ti"}


def test_cli_judges_each_line_without_the_lines_before_it() -> None:
    result = run_module("nlu.danger", stdin="he said he will kill me\nhe is coming home now\n")
    second = json.loads(result.stdout.splitlines()[1])
    assert second["level"] != "acute"


def test_eval_reports_metrics_and_lists_a_miss(tmp_path: Path) -> None:
    dev = tmp_path / "dev.jsonl"
    rows = [
        {"lang": "en", "text": "he is choking me", "expected": "acute", "kind": "acute"},
        {"lang": "en", "text": "the weather is nice", "expected": "acute", "kind": "acute"},
        {"lang": "en", "text": "what is a contact ban?", "expected": "none", "kind": "benign"},
    ]
    dev.write_text("\n".join(json.dumps(row) for row in rows) + "\n", encoding="utf-8")
    result = run_module("nlu.danger_eval", str(dev))
    assert result.returncode == 0, result.stderr
    en_row = next(line for line in result.stdout.splitlines() if line.startswith("en "))
    assert en_row.split()[1:5] == ["3", "0.50", "0.50", "0.00"]
    assert "MISSED" in en_row
    assert "'the weather is nice'" in result.stdout
