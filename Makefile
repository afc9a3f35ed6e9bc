# The two commands of README.md, each installing what it needs on a fresh machine with Python 3.11+:
#   make serve   build the site and preview it at http://127.0.0.1:8000/ with live reload
#   make test    run the whole test suite (make test-fast: the quick part, for while you work)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
BASE_URL ?=

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: serve build check test test-fast lint clean browser tools

$(STAMP): pyproject.toml
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { apt-get update -qq && apt-get install -y -qq python3-venv && $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $(STAMP)

serve: $(STAMP)
	$(BIN)/python build.py serve --port $(PORT)

build: $(STAMP)
	$(BIN)/python build.py build $(if $(BASE_URL),--base-url "$(BASE_URL)")

check: $(STAMP)
	$(BIN)/python build.py check

# Browser tests drive the Debian chromium (Playwright's own browser download is not used).
browser:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium; }

# Checkers the visitor tests run: axe-core (accessibility, in the browser) and the Nu Html Checker (Java).
TOOLS := .tools/node_modules
$(TOOLS)/.installed:
	@command -v java >/dev/null || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq default-jre-headless; }
	@command -v npm >/dev/null || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq npm; }
	npm install --prefix .tools --no-audit --no-fund --silent axe-core@4 vnu-jar
	@touch $@
tools: $(TOOLS)/.installed

# Lint, format and types: ruff and mypy (strict), configured in pyproject.toml.
lint: $(STAMP)
	$(BIN)/ruff check mecasite tests bench tools build.py
	$(BIN)/ruff format --check mecasite tests bench tools build.py
	$(BIN)/mypy

# Units and small sites written from a dict, on every core: well under 30 s. No browser, no forked builds.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -n auto -m "not slow and not full"

# Everything CI runs: lint, then the whole suite, browser included.
test: $(STAMP) browser tools lint
	$(BIN)/python -m pytest

clean:
	rm -rf public .preview .cache
