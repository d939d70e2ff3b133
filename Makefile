# Two commands for a fresh machine with Python 3.11: `make demo` and `make test`.
# Each creates .venv and installs what it needs first (again only when pyproject.toml changes).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo run test check-content bench lint

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(PY) -m bot demo

run: $(STAMP)
	$(PY) -m bot run

test: $(STAMP)
	$(PY) -m pytest

check-content: $(STAMP)
	$(PY) -m bot check-content content

lint: $(STAMP)
	$(VENV)/bin/ruff check bot tests bench emulator
	$(VENV)/bin/mypy

bench: $(STAMP)
	for script in bench/*.py; do $(PY) $$script || exit 1; done
