# The two commands: `make demo` and `make test`. Everything else is a helper for them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test golden lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/coachloop demo --dir demo

test: $(STAMP)
	$(BIN)/pytest --durations=20

golden: $(STAMP)
	COACHLOOP_UPDATE_GOLDEN=1 $(BIN)/pytest -q tests/golden

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

# Every benchmark (benchmarks/bench_*.py), each printing its figures and ratios; see benchmarks/README.md.
bench: $(STAMP)
	@set -e; for f in benchmarks/bench_*.py; do \
	  m=$$(basename $$f .py); echo "== $$m"; OMP_NUM_THREADS=1 $(BIN)/python -m benchmarks.$$m; done

clean:
	rm -rf $(VENV) demo
