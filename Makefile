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

# Setup installs the versions pinned in constraints.txt with uv when it can be had (about 5x faster than pip from
# warm caches), else with pip; the same pins either way (INSTALLER=pip forces pip). uv itself is pinned and kept in
# the user's cache folder, installed there by pip on first use, so a machine needs only Python and pip.
UV_VERSION := 0.13.9
INSTALLER ?= auto
UV_HOME := $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/gba-digital-governance/uv-$(UV_VERSION)
UV := $(UV_HOME)/bin/uv
export UV_PYTHON_DOWNLOADS := never
# The project is installed in setuptools' "compat" editable mode: one line in a .pth file puts the checkout on sys.path,
# where the default mode imports a module finder at every Python start-up (about 20 ms of each whole command).
EDITABLE := --config-settings editable_mode=compat

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + "); set PYTHON=python3.11")'
	@rm -rf $(VENV)
	@if [ "$(INSTALLER)" != pip ] && { [ -x "$(UV)" ] || $(PYTHON) -m pip install --quiet --disable-pip-version-check --no-warn-script-location --target "$(UV_HOME)" uv==$(UV_VERSION) >/dev/null 2>&1; } \
	  && "$(UV)" venv --quiet --seed --python "$$(command -v $(PYTHON))" $(VENV) \
	  && "$(UV)" pip install --quiet --python $(BIN)/python -c constraints.txt -e '.[test]' $(EDITABLE); then \
	  echo "setup: installed the pinned versions with uv $(UV_VERSION) (INSTALLER=pip to use pip instead)"; \
	else \
	  [ "$(INSTALLER)" = pip ] || echo "setup: uv $(UV_VERSION) could not be had or failed; installing with pip instead (slower, same versions)"; \
	  rm -rf $(VENV) && $(PYTHON) -m venv $(VENV) \
	  && $(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]' $(EDITABLE) || exit 1; \
	fi
	$(BIN)/python -m gba_utils.warm
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

# pytest-xdist workers for make test and make test-fast (one per core). --dist loadscope gives each worker whole files
# (a file's fixtures are made once) and whole classes: the browser's page checks are one class per language, so both
# workers share them. test-fast's tests each keep one core busy, so two workers halve it (77 s -> 45 s on 2 cores).
TEST_JOBS ?= auto

test: $(STAMP) ## Run every test: lint, the layers contract, unit tests, data rules, builds, nbval, the site in Chromium
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest -n $(TEST_JOBS) --dist loadscope --nbval --nbval-current-env tests notebooks

test-fast: $(STAMP) ## The quick loop: lint, the layers contract and the tests that start no kernel, no browser and no server
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest -q -n $(TEST_JOBS) --dist loadscope -m "not kernel and not browser and not slow" tests

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
