# ipcoop: the single entry point. `make run` serves the platform, `make test` runs every check.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
WORKERS ?= 3
STAMP := $(VENV)/.installed

# Python 3.13 (pyenv's, selected by .python-version), else 3.12.
PYTHON ?= $(shell for p in python3.13 "$$(pyenv root 2>/dev/null)/versions/3.13"*/bin/python3 python3.12; do \
	if command -v "$$p" >/dev/null 2>&1 && "$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; \
	then command -v "$$p"; break; fi; done)

.PHONY: help install run serve test lint format messages check-migrations security test-unit test-browser browser-deps fonts clean bench bench-deps

help:
	@echo "make run    install, migrate, load demo data and serve on http://127.0.0.1:$(PORT)"
	@echo "make test   install what the tests need and run lint, migration check and every test"
	@echo "make bench  generate the large data set and run every benchmark (benchmarks/README.md)"

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Python 3.13 or 3.12 is needed (pyenv install 3.13)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP) messages

# Compiled catalogues are built, not committed. Needs GNU gettext's msgfmt.
messages: $(STAMP)
	@command -v msgfmt >/dev/null || { apt-get update -qq && apt-get install -y -qq gettext; }
	cd ipcoop && ../$(BIN)/django-admin compilemessages --settings=ipcoop.settings --pythonpath=.. -v0

run: install fonts
	mkdir -p var
	$(BIN)/ipcoop migrate --no-input -v0
	$(BIN)/ipcoop seed-demo
	$(BIN)/ipcoop seed-worksharing-demo
	$(BIN)/ipcoop seed-meetings-demo
	$(BIN)/ipcoop seed-cooperation-demo
	$(BIN)/ipcoop seed-academy
	$(BIN)/ipcoop reindex
	$(BIN)/ipcoop collectstatic --no-input -v0
	@echo
	@echo "ipcoop is served at http://127.0.0.1:$(PORT)/  (API docs: http://127.0.0.1:$(PORT)/api/v1/docs)"
	@echo "Sign in with a demo account above. Stop with Ctrl-C."
	$(BIN)/gunicorn ipcoop.wsgi --bind 127.0.0.1:$(PORT) --workers $(WORKERS) --worker-class sync \
		--access-logfile - --forwarded-allow-ips 127.0.0.1

# Noto fonts for certificates in every script (Korean, Thai, Khmer, Lao, Burmese).
fonts:
	@if ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || ! fc-list 2>/dev/null | grep -qi "Noto Sans Khmer"; then \
		echo "Installing the Noto fonts from Debian"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-core fonts-noto-cjk >/dev/null; \
	fi

# Debian's Chromium and the Noto fonts for browser tests, installed once when missing;
# axe-core (accessibility checks, from npm, pinned by package-lock.json).
browser-deps: node_modules/.installed
	@if ! command -v chromium >/dev/null || ! fc-list | grep -qi "Noto Sans CJK" || ! fc-list | grep -qi "Noto Sans Khmer"; then \
		echo "Installing Chromium and Noto fonts from Debian"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-core fonts-noto-cjk >/dev/null; \
	fi

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; }
	npm ci --no-audit --no-fund --silent
	touch $@

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check-migrations: $(STAMP)
	$(BIN)/python manage.py makemigrations --check --dry-run

test: install browser-deps lint check-migrations security
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Security checks. bandit: ipcoop/ without tests and migrations ([tool.bandit] in pyproject.toml),
# failing on any finding of high severity and high confidence. pip-audit: every installed package
# (the project itself, installed editable, excepted) against the package index's vulnerability
# data, failing on any known vulnerability; when the index's vulnerability data cannot be reached
# it prints a warning that nothing was checked (never a silent pass). AUDIT_OFFLINE=1 skips that
# part on purpose and says so.
security: $(STAMP)
	$(BIN)/bandit -c pyproject.toml -r ipcoop -q --severity-level high --confidence-level high
	@if [ "$(AUDIT_OFFLINE)" = 1 ]; then \
		echo "pip-audit SKIPPED (AUDIT_OFFLINE=1): installed packages NOT checked for known vulnerabilities"; \
	else \
		out=$$($(BIN)/pip-audit --strict --skip-editable --progress-spinner off --timeout 30 2>&1); rc=$$?; \
		echo "$$out"; \
		if [ $$rc -ne 0 ] && grep -qiE "could not be audited|connection|resolve|timed? ?out|404" <<<"$$out"; then \
			echo "WARNING: pip-audit could not reach the vulnerability data of the package index:" \
				"installed packages were NOT checked. Run 'make security' where the index is reachable."; \
		else \
			exit $$rc; \
		fi; \
	fi

# Benchmarks (benchmarks/README.md): wrk and nginx from Debian for the load test.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/ipcoop_scale
bench-deps: browser-deps
	@if ! command -v wrk >/dev/null || ! { command -v nginx || test -x /usr/sbin/nginx; } >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx-light >/dev/null; \
		service nginx stop >/dev/null 2>&1 || true; \
	fi

# Every benchmark in one command; generates the large data set when the database is empty.
bench: install bench-deps
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python benchmarks/bench_all.py --generate large $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache node_modules
