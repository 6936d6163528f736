# OpsLadder. The two commands a fresh machine needs (Python 3.11+ present):
#   make run    create .venv, install, migrate, load the demo, serve on http://127.0.0.1:5000
#   make test   install what the tests need (Python packages, Debian's chromium, qpdf, poppler), check the import
#               layers (lint-imports, docs/architecture.md) and run the tests
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
# The start of every link in mail; its host is the one requests may name (README: Configuration). Explicit here for
# `make run` / `make serve` on this machine; a real deployment sets its own public address.
export OPSLADDER_BASE_URL ?= http://$(HOST):$(PORT)
export OPSLADDER_TRUSTED_HOSTS ?= localhost

.PHONY: run test install install-test system-deps serve bench check-python clean

run: install
	$(BIN)/opsladder db upgrade
	$(BIN)/opsladder demo
	$(BIN)/opsladder run --host $(HOST) --port $(PORT)

# The suite runs in one process per core (pytest-xdist; each test file stays in one process, each process has its own
# throwaway databases); TEST_WORKERS=0 runs it in this process alone.
TEST_WORKERS ?= auto
test: install-test system-deps
	$(BIN)/lint-imports --no-logo
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# Production-style server (see README: Deploy).
serve: install
	$(BIN)/opsladder db upgrade
	$(BIN)/gunicorn --bind $(HOST):$(PORT) --workers 2 --access-logfile - wsgi:app

bench: install-test system-deps
	@bash scripts/ensure-system-packages --bench
	$(BIN)/python bench/reports.py
	$(BIN)/python bench/web.py $(BENCH_ARGS)

# Installing compiles the translation catalogues (.po -> .mo); compiled files are never committed.
install: $(VENV)/.installed
	$(BIN)/python scripts/catalogues.py compile
install-test: $(VENV)/.installed-test
	$(BIN)/python scripts/catalogues.py compile

check-python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "OpsLadder needs Python 3.11 or newer, found " + sys.version.split()[0]'

$(BIN)/python: | check-python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

system-deps:
	@bash scripts/ensure-system-packages

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info test-artifacts
