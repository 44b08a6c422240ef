# Two commands set everything up: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
FLASK := $(VENV)/bin/flask --app wsgi
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: run test test-sqlite test-pg test-browser lint bench install translations clean

$(VENV)/bin/python:
	python3 -m venv $(VENV)

$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	@mkdir -p instance
	$(FLASK) db upgrade
	@$(FLASK) seed-demo
	@echo "Serving on http://127.0.0.1:5000 with a job worker beside it (Ctrl+C stops both). Mail stays in the outbox; see README."
	@$(FLASK) jobs worker --workers 1 & worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
		$(FLASK) run --host 127.0.0.1 --port 5000

# The whole suite on SQLite; on PostgreSQL too when TEST_DATABASE_URL is set; the browser suite when
# Chromium is found (PORTAL_BROWSER_LATER=1 leaves it to a later step, as .ci/run does).
test: $(STAMP)
	$(PY) -m pytest -m "not browser" -p no:cacheprovider -n 2 $(PYTEST_ARGS)
	@if [ -n "$$TEST_DATABASE_URL" ]; then $(MAKE) --no-print-directory test-pg; fi
	@if [ -n "$$PORTAL_BROWSER_LATER" ]; then echo "browser suite: runs later in .ci/run"; \
	elif [ -x "$${CHROMIUM:-/usr/bin/chromium}" ] || command -v chromium >/dev/null 2>&1; then \
		$(MAKE) --no-print-directory test-browser; \
	else echo "skipped: no Chromium (install the Debian package 'chromium' to run the browser suite)"; fi

test-pg: $(STAMP)
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test} \
		$(PY) -m pytest -m "not browser" -p no:cacheprovider $(PYTEST_ARGS)

test-browser: $(STAMP)
	$(PY) -m pytest -m browser -p no:cacheprovider $(PYTEST_ARGS) tests/browser

# ruff, then mypy on portal/ (its settings and the shrinking ignore list are in pyproject.toml).
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

bench: $(STAMP)
	@command -v wrk >/dev/null 2>&1 || { echo "installing wrk (Debian package) for the load generator"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	$(PY) -m bench.run

translations: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o portal/translations/messages.pot portal
	$(VENV)/bin/pybabel update -i portal/translations/messages.pot -d portal/translations --no-fuzzy-matching
	$(VENV)/bin/pybabel compile -d portal/translations

clean:
	rm -rf $(VENV) instance .pytest_cache
