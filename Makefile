# Quick start: `make demo` runs the demo, `make test` runs the tests.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: demo test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

# The demo needs the package alone, not the test extras: a stamp of its own.
$(VENV)/.demo-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e .
	touch $@

demo: $(VENV)/.demo-installed
	$(BIN)/health-eval demo --out out/demo

test: lint
	$(BIN)/python -m pytest -q

lint: $(VENV)/.installed
	$(BIN)/ruff check health_eval indicators reports tests benchmarks tools

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/run.py --segments 1000

clean:
	rm -rf $(VENV) out build *.egg-info
