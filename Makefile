# Two commands for a newcomer: `make run` (demo on SQLite) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
CONSTRAINTS := requirements/constraints.txt
STAMP := $(VENV)/.installed

.PHONY: run test test-sqlite test-postgres lint messages compilemessages demo bench clean

$(STAMP): pyproject.toml $(CONSTRAINTS)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c $(CONSTRAINTS) -e ".[test]"
	touch $(STAMP)

compilemessages: $(STAMP)
	$(PY) manage.py compilemessages --ignore=.venv -v 0

run: $(STAMP) compilemessages
	DEBUG=1 $(PY) manage.py migrate --no-input -v 0
	DEBUG=1 $(PY) manage.py load_demo
	@echo "Open http://127.0.0.1:8000/ and sign in with one of the accounts above."
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

demo: $(STAMP) compilemessages
	DEBUG=1 $(PY) manage.py migrate --no-input -v 0
	DEBUG=1 $(PY) manage.py load_demo --reset

# SQLite always; PostgreSQL too when TEST_POSTGRES_URL is set (CI sets it and requires it).
test: test-sqlite test-postgres lint

test-sqlite: $(STAMP) compilemessages
	DATABASE_URL= $(BIN)/pytest -n 2

test-postgres: $(STAMP) compilemessages
	@if [ -n "$$TEST_POSTGRES_URL" ]; then \
		echo "Running the suite on PostgreSQL"; \
		DATABASE_URL="$$TEST_POSTGRES_URL" $(BIN)/pytest -n 2 -m "not e2e"; \
	elif [ "$$CI" = "true" ]; then \
		echo "CI needs PostgreSQL: TEST_POSTGRES_URL is not set" >&2; exit 1; \
	else \
		echo "Skipping PostgreSQL: set TEST_POSTGRES_URL=postgres://user:pass@host/db to include it"; \
	fi

# The benchmarks of docs/benchmarks.md on PostgreSQL: national data, the main pages under load
# through gunicorn and wrk, every export's time and memory; then 20 people autosaving at once,
# on PostgreSQL and on a fresh SQLite file (needs Debian's postgresql and wrk).
bench: $(STAMP) compilemessages
	scripts/bench

lint: $(STAMP)
	$(BIN)/ruff check .

messages: $(STAMP)
	$(PY) manage.py makemessages -l sv --ignore=.venv --ignore=tests --no-location --no-obsolete

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles
