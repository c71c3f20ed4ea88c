# Every target builds .venv itself when it is missing, from the pinned requirements.lock.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint reliability bench codebook clean

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/cedar demo

# Each test file runs whole on one worker: its module fixtures (a built release, a Spark session) are
# made once, and files share no folder, port or store.
test: lint
	$(BIN)/python -m pytest -n auto --dist loadfile

# The linter and the type checker, both pinned in requirements.lock, with their settings in pyproject.toml.
# mypy cannot follow setuptools' package-dir mapping of the top-level folders onto cedar's subpackages, so
# it checks a tree of links laid out as the installed package.
TYPED := build/typecheck
lint: $(STAMP)
	$(BIN)/ruff check --quiet .
	rm -rf $(TYPED) && mkdir -p $(TYPED)/cedar
	ln -s $(CURDIR)/cedar/*.py $(CURDIR)/cedar/cli $(CURDIR)/cedar/sample $(TYPED)/cedar/
	for d in schema ingest validate releases explore coding; do ln -s $(CURDIR)/$$d $(TYPED)/cedar/$$d; done
	cd $(TYPED) && $(CURDIR)/$(BIN)/mypy -p cedar --config-file $(CURDIR)/pyproject.toml \
		--cache-dir $(CURDIR)/build/mypy-cache

# The reliability suites at full size (fuzzing, kill -9, concurrency, hostile SQL and stores, text);
# `make test` runs the same suites at a small size. Figures: build/reliability-figures.jsonl, written
# into docs/reliability.md (between its RELIABILITY markers) when every suite passed.
RELIABILITY_FIGURES := build/reliability-figures.jsonl
reliability: $(STAMP)
	mkdir -p build && rm -f $(RELIABILITY_FIGURES)
	echo "$$(date -u +%Y-%m-%dT%H:%M:%SZ) $$(cut -d' ' -f1 /proc/loadavg)" > build/reliability-started
	CEDAR_RELIABILITY=full CEDAR_RELIABILITY_FIGURES=$(RELIABILITY_FIGURES) $(BIN)/python -m pytest tests/test_reliability_*.py
	$(BIN)/python tests/reliability/figures.py $(RELIABILITY_FIGURES) --started build/reliability-started --page docs/reliability.md

# Figures: benchmarks/results.json, and tables written into docs/performance.md (between its
# BENCHMARKS markers).
bench: $(STAMP)
	$(BIN)/python -m benchmarks

codebook: $(STAMP)
	$(BIN)/cedar codebook --out docs

clean:
	rm -rf $(VENV) data build *.egg-info
