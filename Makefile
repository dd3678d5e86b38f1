# The two commands: `make run` and `make test`. Each installs what it needs itself.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
export INVOICEFLOW_DATA_DIR ?= $(CURDIR)/var

.PHONY: run test bench install clean

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## Start the service on SQLite under ./var with the diagrams deployed and demo users ready,
## and a worker beside it (timers, reminders, notifications); Ctrl-C stops both.
run: $(STAMP)
	$(BIN)/invoiceflow db upgrade
	$(BIN)/invoiceflow deploy --bundled
	$(BIN)/invoiceflow demo
	$(BIN)/invoiceflow worker & WORKER=$$!; \
	trap 'kill $$WORKER 2>/dev/null; wait $$WORKER 2>/dev/null' EXIT INT TERM; \
	$(BIN)/invoiceflow serve --host 127.0.0.1 --port 5000

## Run the test suite (PostgreSQL too when INVOICEFLOW_TEST_DATABASE_URL is set).
test: $(STAMP)
	$(BIN)/pytest

## Run the benchmarks (by hand; they print their figures).
bench: $(STAMP)
	$(BIN)/python bench/engine_floor.py
	$(BIN)/python bench/engine_loops.py

clean:
	rm -rf $(VENV) var build *.egg-info
