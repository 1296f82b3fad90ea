# Two commands on a fresh machine: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
STATIC := src/pairpad/static/index.html
FRONTEND_DEPS := frontend/node_modules/.package-lock.json
LSP_TOOLS := tools/lsp/node_modules/.package-lock.json
FRONTEND_SOURCES := $(shell find frontend/src frontend/index.html frontend/vite.config.ts frontend/tsconfig*.json frontend/package.json -type f 2>/dev/null)
DEMO := .demo-workspace
CHROMIUM := /usr/bin/chromium

.PHONY: all setup run test lint eslint typecheck pytest vitest bench clean system-deps sandbox-deps lock api-types check-api-types

all: setup

setup: $(INSTALLED) $(STATIC) $(LSP_TOOLS)

# The Python side installs from requirements.lock (hashes checked), so a fresh clone gets the
# versions the tests passed with; `make lock` refreshes it on purpose. llama-cpp-python is not
# in the lock: it is built from source, portably, by scripts/install-llama.sh (see there why).
# Portable llama.cpp: never -march=native (GGML_NATIVE=OFF), x86-64-v3 instruction sets named,
# no AVX-512/AMX (a build made on a Xeon with AMX dies with SIGILL elsewhere).
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_CPU_ALL_VARIANTS=OFF -DGGML_BACKEND_DL=OFF \
  -DGGML_SSE42=ON -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON \
  -DGGML_AVX_VNNI=OFF -DGGML_AVX512=OFF -DGGML_AVX512_VBMI=OFF -DGGML_AVX512_VNNI=OFF \
  -DGGML_AVX512_BF16=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF \
  -DGGML_OPENMP=ON -DLLAMA_CURL=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF
LLAMA_VERSION := $(shell sed -n 's/.*"llama-cpp-python\[server\]==\([0-9.]*\)".*/\1/p' pyproject.toml)
PIP_VERSION := 26.3
UV := $(VENV)/bin/uv

$(INSTALLED): pyproject.toml requirements.lock scripts/install-llama.sh Makefile
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet 'pip==$(PIP_VERSION)'
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" scripts/install-llama.sh $(PY) $(LLAMA_VERSION)
	$(PY) -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	$(PY) -m pip check
	touch $@

# Re-resolve the Python dependencies (newest versions pyproject.toml allows) into the lock.
lock:
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet uv
	$(UV) pip compile pyproject.toml --extra dev --generate-hashes --upgrade \
	  --no-emit-package llama-cpp-python --python-version 3.11 \
	  --python-platform x86_64-manylinux_2_28 -o requirements.lock

$(FRONTEND_DEPS): frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	touch $@

$(STATIC): $(FRONTEND_DEPS) $(FRONTEND_SOURCES)
	cd frontend && npm run build

# The language servers that come from npm (typescript-language-server and its typescript),
# pinned by tools/lsp/package-lock.json; runtime/lsp finds them in tools/lsp/node_modules/.bin.
$(LSP_TOOLS): tools/lsp/package-lock.json
	cd tools/lsp && npm ci --no-audit --no-fund
	touch $@

# Debian's bubblewrap: the sandbox of AI-issued commands and tasks (runtime/sandbox.py);
# `make run` needs it as much as the tests.
sandbox-deps:
	@if ! command -v bwrap >/dev/null; then \
	  echo "Installing Debian's bubblewrap for the command sandbox"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap; \
	fi

# Debian's Chromium for the e2e tests (never a downloaded browser), wrk, bubblewrap.
system-deps: sandbox-deps
	@if [ ! -x $(CHROMIUM) ]; then \
	  echo "Installing Debian's chromium for the e2e tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	fi
	@# Debian's wrk generates the load of bench/api.py from outside the server's process.
	@if ! command -v wrk >/dev/null; then \
	  echo "Installing Debian's wrk for the benchmarks"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; \
	fi

$(DEMO): demo
	rm -rf $(DEMO) && cp -r demo $(DEMO)
	cd $(DEMO) && git init -q -b main && git add -A && \
	  git -c user.name=Pairpad -c user.email=demo@pairpad.invalid commit -qm "Demo project"

run: setup sandbox-deps $(DEMO)
	$(VENV)/bin/pairpad open $(DEMO)

# lint-imports: the import layers of docs/architecture.md ([tool.importlinter] in pyproject.toml).
lint: $(INSTALLED) eslint
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/lint-imports

typecheck: $(INSTALLED)
	$(VENV)/bin/mypy

# The front end's lint: typescript-eslint's type-checked rules and React's hooks rules,
# no warning allowed (frontend/eslint.config.js), and Prettier's check (frontend/.prettierrc;
# `npm run format` fixes it).
eslint: $(FRONTEND_DEPS)
	cd frontend && npm run lint && npm run format:check

# The front end's types for the HTTP API and the Socket.IO events, generated from the server's
# OpenAPI document and events schema (scripts/gen_api_types.py; committed, Prettier-formatted).
API_TYPES := frontend/src/api/generated
api-types: $(INSTALLED) $(FRONTEND_DEPS)
	$(PY) scripts/gen_api_types.py $(API_TYPES)

# Regenerates into a temp dir and compares: a route or event model changed without its types.
check-api-types: $(INSTALLED) $(FRONTEND_DEPS)
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	  $(PY) scripts/gen_api_types.py "$$tmp" >/dev/null && \
	  if ! diff -ru $(API_TYPES) "$$tmp"; then \
	    echo "$(API_TYPES) is stale: run make api-types (and commit it)" >&2; exit 1; \
	  fi

vitest: $(FRONTEND_DEPS)
	cd frontend && npm test

# Two runs: Playwright's sync API keeps an event loop running in the main thread, which
# would break every asyncio test collected after the browser tests. A browser test that
# fails is run once more (and reported as rerun): on 2 shared cores a real browser's timing
# varies; a behaviour that is broken fails both times.
pytest: setup system-deps
	$(VENV)/bin/pytest --ignore=tests/e2e
	$(VENV)/bin/pytest tests/e2e --reruns 1 --reruns-delay 2

test: setup system-deps lint typecheck check-api-types eslint vitest pytest

bench: setup system-deps
	for script in bench/*.py; do case $$script in bench/_*) continue;; esac; \
	  echo "== $$script"; $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) frontend/node_modules src/pairpad/static $(DEMO)
