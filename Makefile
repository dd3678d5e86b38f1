# The two commands: `make run` and `make test`. Each installs what it needs itself.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
export INVOICEFLOW_DATA_DIR ?= $(CURDIR)/var

.PHONY: run test bench install clean browser translations

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

## Run the test suite (PostgreSQL too when INVOICEFLOW_TEST_DATABASE_URL is set); the browser
## tests drive Debian's Chromium, installed here when it is missing.
test: $(STAMP) browser
	$(BIN)/pytest

## Debian's Chromium for the Playwright browser tests (Playwright's own download is not used).
CHROMIUM := /usr/bin/chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
browser: $(CHROMIUM)
$(CHROMIUM):
	$(SUDO) apt-get update
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium fonts-dejavu-core

## Message catalogs: extract every text people read, merge it into translations/{ru,en}, compile.
## Edit the .po files, then run it again; the compiled .mo files are committed beside them.
translations: $(STAMP)
	PYTHONPATH=. $(BIN)/pybabel extract -F babel.cfg -k N_ -o translations/messages.pot \
	    --no-location --sort-output --project invoiceflow .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching \
	    --ignore-obsolete --no-wrap
	$(BIN)/pybabel compile -d translations --statistics

## Run the benchmarks (by hand; they print their figures). PostgreSQL too when
## INVOICEFLOW_BENCH_DATABASE_URL (or INVOICEFLOW_TEST_DATABASE_URL) is set: its schema is recreated.
BENCH_STAMP := $(VENV)/.bench-stamp
$(BENCH_STAMP): $(STAMP) setup.cfg pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python bench/engine_floor.py
	$(BIN)/python bench/engine_loops.py
	$(BIN)/python bench/timers.py
	$(BIN)/python bench/reports.py

clean:
	rm -rf $(VENV) var build *.egg-info
