# Two entry points that work on a fresh clone (python3 -m venv; packages from PyPI and npm):
#   make demo   install laborlens (and the dashboard map's npm assets) and run it on the samples
#   make test   install with dev tools, then lint, type-check, import contracts and tests

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

WEB_VENDOR := src/laborlens/web/static/vendor

.PHONY: demo test lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamp files: reinstall only when the package metadata changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

# The dashboard map's npm packages, copied into the package's static folder (not committed).
$(WEB_VENDOR)/.built: package.json package-lock.json scripts/build_web_assets.sh
	bash scripts/build_web_assets.sh
	if [ -f $(WEB_VENDOR)/leaflet/leaflet.js ]; then touch $@; fi

demo: $(VENV)/.installed $(WEB_VENDOR)/.built
	$(BIN)/laborlens demo

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests
	$(BIN)/mypy src
	$(BIN)/lint-imports

test: lint $(WEB_VENDOR)/.built
	$(BIN)/pytest -q

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache laborlens-demo.db node_modules $(WEB_VENDOR)
