# Two commands on a fresh machine: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
STATIC := src/pairpad/static/index.html
FRONTEND_DEPS := frontend/node_modules/.package-lock.json
FRONTEND_SOURCES := $(shell find frontend/src frontend/index.html frontend/vite.config.ts frontend/tsconfig*.json frontend/package.json -type f 2>/dev/null)
DEMO := .demo-workspace
CHROMIUM := /usr/bin/chromium

.PHONY: all setup run test lint typecheck pytest vitest bench clean system-deps

all: setup

setup: $(INSTALLED) $(STATIC)

$(INSTALLED): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

$(FRONTEND_DEPS): frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	touch $@

$(STATIC): $(FRONTEND_DEPS) $(FRONTEND_SOURCES)
	cd frontend && npm run build

# Debian's Chromium for the e2e tests (never a downloaded browser).
system-deps:
	@if [ ! -x $(CHROMIUM) ]; then \
	  echo "Installing Debian's chromium for the e2e tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	fi

$(DEMO): demo
	rm -rf $(DEMO) && cp -r demo $(DEMO)
	cd $(DEMO) && git init -q -b main && git add -A && \
	  git -c user.name=Pairpad -c user.email=demo@pairpad.invalid commit -qm "Demo project"

run: setup $(DEMO)
	$(VENV)/bin/pairpad open $(DEMO)

lint: $(INSTALLED)
	$(VENV)/bin/ruff check src tests bench

typecheck: $(INSTALLED)
	$(VENV)/bin/mypy

vitest: $(FRONTEND_DEPS)
	cd frontend && npm test

# Two runs: Playwright's sync API keeps an event loop running in the main thread, which
# would break every asyncio test collected after the browser tests. A browser test that
# fails is run once more (and reported as rerun): on 2 shared cores a real browser's timing
# varies; a behaviour that is broken fails both times.
pytest: setup system-deps
	$(VENV)/bin/pytest --ignore=tests/e2e
	$(VENV)/bin/pytest tests/e2e --reruns 1 --reruns-delay 2

test: setup system-deps lint typecheck vitest pytest

bench: setup system-deps
	for script in bench/*.py; do case $$script in bench/_*) continue;; esac; \
	  echo "== $$script"; $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) frontend/node_modules src/pairpad/static $(DEMO)
