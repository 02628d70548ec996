# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/tui-reader $(ARGS)

# The gates: lint (complexity included), format, strict types and the import layering (settings in
# pyproject.toml), then every test.
lint: $(STAMP)
	$(VENV)/bin/ruff check tui_reader tests benchmarks
	$(VENV)/bin/ruff format --check tui_reader tests benchmarks
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

# Tests run on both cores; those marked serial (tmux, processes racing each other) run alone afterwards.
test: lint
	$(PY) -m pytest -q -n 2 -m "not serial" $(PYTEST_ARGS) || [ $$? -eq 5 ]  # 5: nothing selected, not a failure
	$(PY) -m pytest -q -m serial $(PYTEST_ARGS) || [ $$? -eq 5 ]
	$(MAKE) --no-print-directory bench-smoke

bench: $(STAMP)
	$(PY) benchmarks/run_all.py

# Every benchmark at a tiny size (about a minute): a benchmark that no longer runs fails `make test`.
.PHONY: bench-smoke
bench-smoke: $(STAMP)
	$(PY) benchmarks/run_all.py --smoke

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis .mypy_cache .ruff_cache .grimp_cache
