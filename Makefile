# jobtrend: every target creates .venv on demand and installs the project into it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo docs test lint run bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dev]'
	touch $(STAMP)

demo: $(STAMP)  ## the whole pipeline offline on a simulated job market served from 127.0.0.1
	$(BIN)/jobtrend demo --out demo-out

docs: demo  ## docs/demo-share.png, the README's chart: the demo report's share chart
	mkdir -p docs
	cp demo-out/report/share.png docs/demo-share.png

test: $(STAMP)  ## the test suite (PostgreSQL too when JOBTREND_TEST_DATABASE_URL is set)
	$(BIN)/python -m pytest -q

lint: $(STAMP)  ## ruff and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

run: $(STAMP)  ## the daemon, with your config
	$(BIN)/jobtrend run

bench: $(STAMP)  ## benchmarks (not part of the tests)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) demo-out .pytest_cache .mypy_cache .ruff_cache
