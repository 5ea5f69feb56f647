# Himaya: `make demo` runs the local demo, `make test` runs the whole test suite.
# Both create .venv (Python 3.11+) and install the pinned requirements the first time; later runs
# skip the install until requirements.txt or pyproject.toml change (stamp keyed on their hash).

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEPS_HASH := $(shell sha256sum requirements.txt | cut -c1-16)
STAMP := $(VENV)/.installed-$(DEPS_HASH)
PIP := $(BIN)/python -m pip --disable-pip-version-check --quiet
PYTEST_ARGS ?=

.PHONY: demo test venv lint clean-venv

demo: $(STAMP)
	$(BIN)/himaya demo

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .

venv: $(STAMP)

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
		|| { echo "Himaya needs Python 3.11 or newer; '$(PYTHON)' is $$($(PYTHON) --version 2>&1). Try: make PYTHON=python3.11 …" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python requirements.txt pyproject.toml
	$(PIP) install -r requirements.txt
	$(PIP) install --no-deps -e .
	@rm -f $(VENV)/.installed-*
	@touch $@

clean-venv:
	rm -rf $(VENV)
