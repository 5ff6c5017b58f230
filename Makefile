# The project in two commands: `make reports` and `make test`. `make` alone prints this help.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help setup nbdime reports pdf lab test test-fast notebooks validate datapackage lock clean

help: ## Show this help
	@echo "GBA Digital Governance Report 2022 - reproducible notebooks"
	@echo
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + "); set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	@touch $@

setup: $(STAMP) nbdime ## Create .venv with the pinned versions (constraints.txt) and set up nbdime for git

# nbdime's drivers for *.ipynb (.gitattributes) in this repository's .git/config, never --global. nbdime writes bare
# command names; each is then prefixed with .venv/bin so `git diff` finds it without an activated environment.
NBDIME_KEYS := diff.jupyternotebook.command merge.jupyternotebook.driver difftool.nbdime.cmd mergetool.nbdime.cmd

nbdime: $(STAMP) ## Notebooks cell by cell in git diff and merge (nbdime, this repository's git config only)
	@if git rev-parse --git-dir >/dev/null 2>&1; then \
	  $(BIN)/nbdime config-git --enable && \
	  for key in $(NBDIME_KEYS); do git config --local "$$key" "'$(abspath $(BIN))'/$$(git config --local --get $$key)" || exit 1; done && \
	  echo "nbdime: git diff and git merge now read notebooks cell by cell here (git config --local; nbdiff-web for images)"; \
	else echo "nbdime: not a git checkout, nothing to configure"; fi

# Options for `gba-report build`, added after --city-profiles, e.g. make reports ARGS="-p city=shenzhen --lang en"
ARGS ?=

reports: $(STAMP) ## Build every page into reports/; options for gba-report build go in ARGS, e.g. ARGS="-p city=shenzhen --lang en"
	$(BIN)/gba-report build --city-profiles $(ARGS)

# The PDF editions: gba-report build makes them whenever Chromium and Playwright are there (make reports too, and says
# how to get them when not); make pdf insists, and fails with that message.
pdf: $(STAMP) ## Build the site with each language's PDF edition (reports/pdf/); needs Chromium (apt-get install chromium)
	$(BIN)/gba-report pdf

# JupyterLab's port on 127.0.0.1 (make lab LAB_PORT=8890); LAB_BROWSER=1 also opens a browser
LAB_PORT ?= 8888
LAB_BROWSER ?=

lab: $(STAMP) ## JupyterLab on .venv, in notebooks/, on 127.0.0.1 port LAB_PORT (8888), token kept; prints the URL
	$(BIN)/python -m gba_utils.lab --port $(LAB_PORT)$(if $(LAB_BROWSER), --browser)

test: $(STAMP) ## Run every test: lint, the layers contract, unit tests, data rules, builds, nbval, the site in Chromium
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest --nbval --nbval-current-env tests notebooks

test-fast: $(STAMP) ## The quick loop: lint, the layers contract and the tests that start no kernel, no browser and no server
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest -q -m "not kernel and not browser and not slow" tests

notebooks: $(STAMP) ## Re-execute the committed notebooks in place with default parameters
	$(BIN)/gba-report refresh

validate: $(STAMP) ## Validate the data tables and print a summary
	$(BIN)/gba-report validate

datapackage: $(STAMP) ## Regenerate data/datapackage.json and the codebook tables from gba_utils/schema.py
	$(BIN)/gba-report datapackage

# --all keeps setuptools in the pins (the test extras need it to build the wheel offline); pip itself stays unpinned
lock: ## Re-resolve the newest allowed versions and rewrite constraints.txt
	rm -rf /tmp/gba-lock && $(PYTHON) -m venv /tmp/gba-lock
	/tmp/gba-lock/bin/python -m pip install --quiet -e '.[test]'
	/tmp/gba-lock/bin/python -m pip freeze --all --exclude-editable | grep -v -E '^(-e|pip==)' > constraints.txt

clean: ## Remove the build folder and the published site with its versions (keeps .venv)
	rm -rf build reports .reports.versions
