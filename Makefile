# Two entry points on a fresh machine with Python >= 3.11:
#   make run   - set up and run the dashboard on sample_data/
#   make test  - set up and run the whole test suite (what CI runs)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PORT   ?= 8501

.PHONY: install run test test-quick test-robustness lint browser axe bench docs clean fuzz

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/python -m ui.serve --server.headless=true --server.port=$(PORT)

# Debian packages the tests need, installed with apt when missing (no browser downloads
# are possible): Chromium for the Playwright tests, nginx for the deployment test,
# poppler-utils (pdftotext, pdftoppm, pdfinfo) for the report tests.
SYSTEM_PACKAGES := chromium:chromium nginx:nginx pdftotext:poppler-utils
browser:
	@missing=""; for pair in $(SYSTEM_PACKAGES); do \
	  command -v $${pair%%:*} >/dev/null 2>&1 || [ -x /usr/sbin/$${pair%%:*} ] \
	    || missing="$$missing $${pair##*:}"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages for the tests:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi

# axe-core (npm, pinned in tests/axe/package-lock.json) for the accessibility tests; npm
# comes with Debian's nodejs/npm packages, installed with apt when missing.
AXE := tests/axe/node_modules/axe-core/axe.min.js
axe: $(AXE)
$(AXE): tests/axe/package.json tests/axe/package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
	  echo "installing Debian's npm for the accessibility tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm; }
	cd tests/axe && npm ci --no-audit --no-fund --loglevel=error
	touch $(AXE)

lint: install
	$(BIN)/ruff check .

# Everything, including the live-reload robustness suite (real app, real browser,
# 20-session stress test; IPS_STRESS_SESSIONS=N to change it).
test: install browser axe lint
	$(BIN)/python -m pytest

# While developing: everything but the robustness suite (minutes of wall time).
test-quick: install browser axe lint
	$(BIN)/python -m pytest -m "not slow"

# Only the robustness suite, with its figures printed (-s).
test-robustness: install browser
	$(BIN)/python -m pytest -m slow -s tests/test_live_reload.py

# The large fuzz run: 1,200 damaged variants of a small extract's files (byte flips,
# truncations, swapped footers), validate + load each; prints the figure at the end.
fuzz: install
	IPS_FUZZ_VARIANTS=$${IPS_FUZZ_VARIANTS:-1200} $(BIN)/python -m pytest -q -s -m slow \
	  tests/test_fuzz.py

docs: install
	$(BIN)/ips-data docs

bench: install
	$(BIN)/ips-data bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
