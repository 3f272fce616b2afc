# partnerkit — two commands do all set-up: `make lab` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
STAMP := $(VENV)/.installed
LAB_ARGS ?=
# JupyterLab refuses to run as root unless told; CI machines and containers often are root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
PYTEST_ARGS ?=

.PHONY: lab test env lint typecheck unit notebooks nbval sample readme lock bench bench-core clean \
  test-fast dashboard

## Build the environment (only when the lock or project metadata changed).
env: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "uv==$(UV_VERSION)"
	# compiled at install, as pip does: Python then never compiles the libraries at start
	# (a second or more per kernel or command where bytecode is not written back)
	$(BIN)/uv pip install --quiet --python $(BIN)/python --require-hashes --compile-bytecode -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

## Open the sample portfolio in JupyterLab (the main job).
lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks \
	  --LabApp.default_url=/lab/tree/01-portfolio-overview.ipynb $(ROOT_FLAG) $(LAB_ARGS)

## Run every test: lint, type check, unit/property/doctests, notebooks.
test: $(STAMP) lint typecheck unit nbval

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache --no-logo

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest $(PYTEST_ARGS)

## Unit, property and doctests without the browser and slow ones (no notebook plugin), on
## two worker processes, each test file kept whole on one worker so its fixtures are built once.
test-fast: $(STAMP)
	$(BIN)/pytest -q -p no:nbval -m "not browser and not slow" -n 2 --dist loadfile $(PYTEST_ARGS)

## Serve the explorer and the decision board as a page without code (Voila, offline, on
## 127.0.0.1 only): open http://127.0.0.1:$(DASHBOARD_PORT)/ in a browser.
DASHBOARD ?= dashboards/review.ipynb
DASHBOARD_PORT ?= 8866
DASHBOARD_ARGS ?=
dashboard: $(STAMP)
	JUPYTER_PATH=$(CURDIR)/dashboards/share $(BIN)/voila $(DASHBOARD) --no-browser \
	  --Voila.ip=127.0.0.1 --port=$(DASHBOARD_PORT) --template=partnerkit $(DASHBOARD_ARGS)

## nbval re-runs every notebook and compares each output with the stored one (strict).
nbval: $(STAMP)
	$(BIN)/pytest --nbval notebooks/ --nbval-current-env \
	  --nbval-sanitize-with notebooks/nbval-sanitize.cfg

## Re-execute the notebooks in place after code changes (nbval compares their outputs).
notebooks: $(STAMP)
	for nb in notebooks/*.ipynb; do \
	  $(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	    --ExecutePreprocessor.store_widget_state=False "$$nb" || exit 1; \
	done

## Regenerate the README sections derived from code (schema, scorecard, reasons).
readme: $(STAMP)
	$(BIN)/python tools/readme.py

## Regenerate the committed sample portfolio from its seed.
sample: $(STAMP)
	$(BIN)/partnerkit sample data/samples --seed 7 --partners 150

## Re-resolve pinned dependencies (needs uv).
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --universal \
	  --python-version 3.11 -q -o requirements.lock

bench: $(STAMP)
	$(BIN)/python bench/run.py

## The core against the DuckDB peer at L on both data sets, 5 paired runs, and partnerkit's
## stage 1 on each engine (polars and DuckDB at S/M/L, Spark local[2] at S/M, one run each):
## about 20 minutes on a quiet machine once the data exist (2.5 more the first time).
bench-core: $(STAMP)
	$(BIN)/python bench/run.py --data both --scales S,M,L --runs 5 --interactive-reps 0 \
	  --measures pk-core,duckdb,duckdb-onescan,polars-hand-stream,pk-engine-polars,pk-engine-duckdb,pk-engine-spark

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
