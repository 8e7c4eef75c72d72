# Sammen — `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
PYTEST_ARGS ?=

.PHONY: help install run demo migrate test lint typecheck checks pytest pytest-postgres browser messages bench clean

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 mangler ($(PYTHON))"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP) ## Create .venv and install Sammen with its dev tools

browser: ## Install Debian's chromium for the browser tests when it is missing
	@test -x /usr/bin/chromium || { echo "Installerer chromium (apt-get) …"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || echo "ADVARSEL: chromium kunne ikke installeres; browsertests springes over"; }

migrate: $(STAMP) ## Migrate the embedded SQLite database
	$(PY) manage.py migrate --noinput

demo: migrate ## Load the demo municipality (named logins + 200 generated citizens; idempotent)
	SAMMEN_MFA_REQUIRED=$${SAMMEN_MFA_REQUIRED:-false} $(PY) manage.py demo_load
	$(PY) manage.py consultation_demo

run: demo ## Install, migrate, load demo data and serve http://127.0.0.1:8000
	@echo "Sammen kører på http://127.0.0.1:8000 (Ctrl-C stopper)"
	SAMMEN_MFA_REQUIRED=$${SAMMEN_MFA_REQUIRED:-false} $(PY) manage.py runserver 127.0.0.1:8000

messages: $(STAMP) ## Refresh the English translation from the Danish source text and compile it
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=tests --no-obsolete
	# msgmerge guesses "fuzzy" translations from similar strings; never trust them, refill.
	msgattrib --clear-fuzzy --empty --clear-previous -o locale/en/LC_MESSAGES/django.po locale/en/LC_MESSAGES/django.po
	$(PY) scripts/po_fill.py locale/en/LC_MESSAGES/django.po locale/en/translations.json
	$(PY) manage.py compilemessages --ignore=.venv

lint: $(STAMP) ## ruff check + ruff format --check + import layers (import-linter)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(STAMP) ## mypy --strict
	$(BIN)/mypy .

checks: $(STAMP) ## manage.py check (dev and production profile) + makemigrations --check
	$(PY) manage.py check --fail-level WARNING
	SAMMEN_ENV=production SAMMEN_MINLOG_CLIENT=municipality.nsp.MinLogClient \
	  SAMMEN_NOTIFIER=municipality.sms.Notifier \
	  DJANGO_SECRET_KEY=ci-check-$$(date +%s)-not-a-real-secret-key-0123456789abcdef \
	  DJANGO_ALLOWED_HOSTS=sammen.example.dk $(PY) manage.py check --deploy --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run

pytest: $(STAMP) browser ## The pytest suite on SQLite
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

pytest-postgres: $(STAMP) browser ## The pytest suite on PostgreSQL (skipped when none answers)
	@if $(PY) -c "import socket,sys; s=socket.socket(); s.settimeout(2); sys.exit(s.connect_ex(('127.0.0.1',5432)))"; then \
	  echo "PostgreSQL svarer på 127.0.0.1:5432 – kører testene mod PostgreSQL"; \
	  DATABASE_URL=$(PG_URL) $(BIN)/pytest -n 2 $(PYTEST_ARGS); \
	else echo "PostgreSQL svarer ikke på 127.0.0.1:5432 – springer PostgreSQL-kørslen over"; fi

test: lint typecheck checks pytest pytest-postgres ## Everything CI runs: lint, types, checks, tests on SQLite and PostgreSQL

bench: $(STAMP) ## Benchmarks, one after the other (see bench/README.md); BENCH=name runs one
	$(BIN)/python -m bench $(BENCH)

clean: ## Remove the venv, the SQLite database and caches
	rm -rf $(VENV) db.sqlite3* var staticfiles .mypy_cache .ruff_cache
