# Tryggchatt — the two commands: `make run` and `make test`. Everything else supports them.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
.DEFAULT_GOAL := help

PY311 ?= $(shell devstack/find-python 3.11)
PY310 ?= $(shell devstack/find-python 3.10)
VENV := .venv
RASA_VENV := .venv-rasa
PY := $(VENV)/bin/python
# This machine's pip configuration names local mirrors that may be absent; their warnings are noise.
QUIET_PIP := sed -u '/is ignored: it is neither a file nor a directory/d'
# Rasa would report telemetry and errors to the internet; an error report could carry text.
export RASA_TELEMETRY_ENABLED := false

.PHONY: help run test bench deps system-deps venv rasa-venv model danger-model nlu-eval danger-eval lint typecheck clean

help:
	@echo "make run          start Redis, Rasa, the bot (or web chat) and the staff console"
	@echo "make test         the whole test suite against real Redis, Rasa and Chromium"
	@echo "make bench        benchmarks (results go to docs/benchmarks.md by hand)"
	@echo "make nlu-eval     Rasa cross-validation per language -> docs/nlu-eval.md"
	@echo "make nlu-holdout  the served model on held-out messages (tests/data/nlu_holdout.jsonl)"
	@echo "make danger-eval  danger detection recall / false alarms per language"
	@echo "make lint         ruff + mypy"

deps: system-deps venv rasa-venv

system-deps:
	@devstack/system-deps.sh

venv: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml
	@echo "[deps] app environment $(VENV) (Python 3.11+)…"
	@test -x $(PY) || $(PY311) -m venv $(VENV)
	@$(PY) -m pip install -q --upgrade pip 2>&1 | $(QUIET_PIP)
	@$(PY) -m pip install -q -e '.[dev]' 2>&1 | $(QUIET_PIP)
	@touch $@

rasa-venv: $(RASA_VENV)/.installed
$(RASA_VENV)/.installed: nlu/rasa/requirements.txt
	@echo "[deps] Rasa environment $(RASA_VENV) (Python 3.10, ~3–5 minutes the first time)…"
	@test -x $(RASA_VENV)/bin/python || $(PY310) -m venv $(RASA_VENV)
	@$(RASA_VENV)/bin/python -m pip install -q --upgrade pip 2>&1 | $(QUIET_PIP)
	@$(RASA_VENV)/bin/python -m pip install -q -r nlu/rasa/requirements.txt 2>&1 | $(QUIET_PIP)
	@touch $@

model: deps danger-model
	@$(PY) -m devstack.model >/dev/null

# The danger second opinion (nlu/danger/second_opinion.py): seconds to train, skipped when current.
danger-model: venv
	@$(PY) -m nlu.danger.train

run: deps model
	@$(PY) -m devstack run

test: deps model
	@$(PY) -m pytest -p no:cacheprovider $(PYTEST_ARGS)

bench: deps model
	@$(PY) -m devstack.bench

nlu-eval: deps
	@$(RASA_VENV)/bin/python -m nlu.rasa_eval

.PHONY: nlu-holdout
nlu-holdout: deps model
	@$(RASA_VENV)/bin/python -m nlu.rasa_eval --holdout tests/data/nlu_holdout.jsonl

danger-eval: danger-model
	@$(PY) -m nlu.danger_eval
	@echo; echo "held-out set (never tuned on; see docs/holdout.md):"
	@$(PY) -m nlu.danger_eval tests/data/danger_holdout.jsonl --summary

lint: venv
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/mypy bot nlu flows handover devstack

clean:
	rm -rf var/models var/run
