# The two commands: `make run` (the platform with demo data on http://127.0.0.1:8000)
# and `make test` (the whole test suite, browser tests included). Everything else is setup.
#
# Embedded defaults need no server: SQLite and the kombu filesystem broker under var/.
# DATABASE_URL, REDIS_URL / CELERY_BROKER_URL and the other variables in README.md switch
# to PostgreSQL and Redis; the settings read them, this file only passes them on.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

# The address people open; HOST=0.0.0.0 still means "this machine" for a browser here.
SITE_URL ?= http://$(if $(filter 0.0.0.0,$(HOST)),127.0.0.1,$(HOST)):$(PORT)
export HOST PORT

VENV_STAMP := $(VENV)/.installed-lock
# The lock files (`make lock` writes them from pyproject.toml): the runtime set, which the
# Docker image installs, and the development set (runtime + tests, lint, honcho, lock tools).
LOCK_BASE := requirements/base.txt
LOCK_DEV := requirements/dev.txt
NPM_STAMP := node_modules/.installed-lock
STATIC_STAMP := var/.collectstatic
I18N_IGNORE := --ignore=.venv --ignore=node_modules --ignore=var
OWN_STATIC := $(shell find static -type f 2>/dev/null)

.PHONY: help setup run test lint lock audit messages clean distclean var-dirs compilemessages migrate check-gettext check-pdf

help:
	@echo "make run    start the platform with demo data on http://127.0.0.1:$(PORT) (Ctrl-C stops it)"
	@echo "make test   run the whole test suite, browser tests included (PYTEST_ARGS='-k login')"
	@echo "make setup  install Python and npm packages, compile messages, collect static, migrate"
	@echo "make lint   ruff check, ruff format --check and the import layers (lint-imports)"
	@echo "make audit  check the locked Python and npm packages for known vulnerabilities"
	@echo "make lock   update requirements/*.txt from pyproject.toml (UPGRADE='django' upgrades one package, UPGRADE=all everything)"
	@echo "make messages  update locale/nl/LC_MESSAGES/django.po from the source"
	@echo "make clean  remove generated files (keeps .venv, node_modules and the database)"
	@echo "make distclean  also remove .venv, node_modules and var/ (database, mail, media)"

# ---------------------------------------------------------------------------------------
# setup: idempotent; pip and npm only run again when their lock files changed. Both install
# exactly what is locked: pip with --require-hashes from requirements/dev.txt, npm ci from
# package-lock.json.

setup: check-gettext $(VENV_STAMP) check-pdf $(NPM_STAMP) var-dirs compilemessages $(STATIC_STAMP) migrate

# The lock files are compiled for Python 3.11 (pyproject.toml: requires-python).
$(VENV)/pyvenv.cfg:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || { \
		echo ""; \
		echo "*** $(PYTHON) is Python $$($(PYTHON) -c 'import platform; print(platform.python_version())'); this project supports 3.11 only."; \
		echo "*** Point make at one:  make setup PYTHON=python3.11"; \
		echo ""; \
		exit 1; }
	$(PYTHON) -m venv $(VENV)

# No editable install: the project runs from this folder (pyproject.toml has packages = []).
# --no-deps: the lock is the whole closure, so pip installs it as it stands instead of resolving
# the packages' own requirements again (with extras, such as weasyprint's fonttools[woff], an
# older pip in a new venv then looks past the pin to a newer release and refuses it); `pip check`
# then confirms that the locked set fits together.
$(VENV_STAMP): $(LOCK_DEV) $(VENV)/pyvenv.cfg
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r $(LOCK_DEV)
	$(PY) -m pip check --disable-pip-version-check
	@touch $@

# Recompile the lock files after a change to pyproject.toml; pins that still fit are kept.
# UPGRADE='django celery' moves those packages to their newest allowed release, UPGRADE=all
# everything. The development set is constrained by the runtime set, so both pin one version.
LOCK_ARGS := --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links
UPGRADE ?=
lock: $(VENV_STAMP)
	@up_base=(); up_dev=(); \
	if [ "$(UPGRADE)" = all ]; then up_base=(--upgrade); up_dev=(--upgrade); else \
		for p in $(UPGRADE); do \
			up_dev+=(--upgrade-package "$$p"); \
			n=$$(echo "$$p" | tr 'A-Z_.' 'a-z--'); \
			if grep -q "^$$n==" $(LOCK_BASE); then up_base+=(--upgrade-package "$$p"); fi; \
		done; \
	fi; \
	export CUSTOM_COMPILE_COMMAND="make lock"; \
	set -x; \
	$(BIN)/pip-compile $(LOCK_ARGS) "$${up_base[@]}" -o $(LOCK_BASE) pyproject.toml; \
	$(BIN)/pip-compile $(LOCK_ARGS) "$${up_dev[@]}" --extra dev -c $(LOCK_BASE) -o $(LOCK_DEV) pyproject.toml
	@echo "Updated $(LOCK_BASE) and $(LOCK_DEV); review with: git diff requirements/"

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

var-dirs:
	@mkdir -p var/mail var/broker/queue var/broker/processed var/media

check-gettext:
	@command -v msgfmt >/dev/null 2>&1 || { \
		echo ""; \
		echo "*** msgfmt (GNU gettext) is missing; it compiles the Dutch translations."; \
		echo "*** Install it with:  sudo apt-get install gettext   (macOS: brew install gettext)"; \
		echo ""; \
		exit 1; }

# WeasyPrint (decision letters, reports) lays out PDFs with Pango: importing it proves Pango is there.
check-pdf: $(VENV_STAMP)
	@$(PY) -c "import weasyprint" >/dev/null 2>&1 || { \
		echo ""; \
		echo "*** Pango is missing; WeasyPrint needs it for the PDF letters and reports."; \
		echo "*** Install it with:  sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core"; \
		echo "*** (macOS: brew install pango)"; \
		echo ""; \
		exit 1; }

compilemessages: check-gettext $(VENV_STAMP)
	@$(MANAGE) compilemessages $(I18N_IGNORE) -v 0

# Our own static files and the npm packages; collectstatic only runs again when they change.
$(STATIC_STAMP): $(VENV_STAMP) $(NPM_STAMP) $(OWN_STATIC) | var-dirs
	$(MANAGE) collectstatic --noinput -v 0
	@touch $@

migrate: $(VENV_STAMP) var-dirs
	@$(MANAGE) migrate --noinput -v 0

# ---------------------------------------------------------------------------------------

run: setup
	$(MANAGE) seed_demo
	@echo ""
	@echo "  The platform runs on $(SITE_URL)/  (web, Celery worker and beat; Ctrl-C stops all three)"
	@echo "  Log in at $(SITE_URL)/accounts/login/ with a demo account above."
	@echo "  Mails are written to var/mail/ unless EMAIL_BACKEND says otherwise."
	@echo ""
	SITE_URL="$(SITE_URL)" PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start -f Procfile -p $(PORT)

test: setup
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

audit: $(VENV_STAMP)
	$(PY) .ci/audit_deps.py

messages: $(VENV_STAMP)
	$(MANAGE) makemessages -l nl $(I18N_IGNORE) --ignore=tests --no-location --no-obsolete

clean:
	rm -rf var/staticfiles $(STATIC_STAMP) .pytest_cache .ruff_cache test-results *.egg-info
	find . -path ./.venv -prune -o -path ./node_modules -prune -o \
		\( -name __pycache__ -type d -prune -exec rm -rf {} + \) -o \( -name '*.mo' -path '*/locale/*' -exec rm -f {} + \)

distclean: clean
	rm -rf $(VENV) node_modules var
