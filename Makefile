# Bloc — the two commands: `make demo` and `make test`. Everything else builds on them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BLOC := $(VENV)/bin/bloc
DEMO_DB := var/demo.sqlite3
DEMO_ENV := DJANGO_DEBUG=1 DATABASE_URL=sqlite:///$(CURDIR)/$(DEMO_DB) BLOC_STAFF_MFA_REQUIRED=0 BLOC_TASK_BACKEND=database
export PIP_DISABLE_PIP_VERSION_CHECK=1

.PHONY: demo test check e2e bench install dev clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.dev: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install -q -e ".[dev]"
	touch $@

install: $(VENV)/.installed
dev: $(VENV)/.dev

# axe-core for the browser journeys' accessibility checks, from the npm registry into var/node
# (kept out of git). Without npm the journeys still run and skip those checks.
AXE_VERSION := 4.11.0
AXE := var/node/node_modules/axe-core/axe.min.js
$(AXE):
	@mkdir -p var/node
	@npm install --prefix var/node --no-save --no-package-lock --no-audit --no-fund \
	  axe-core@$(AXE_VERSION) >/dev/null 2>&1 \
	  || echo "axe-core could not be installed: browser journeys skip the accessibility checks"

## make demo: install, build an embedded SQLite demo database, run the task worker and the server.
## Each email is one line (recipients and subject); the demo logins come last, once it serves.
demo: install
	@mkdir -p var
	$(DEMO_ENV) $(BLOC) migrate --noinput -v0
	$(DEMO_ENV) $(BLOC) seed-demo --if-empty --no-logins
	@echo "Sending the demo's queued email (one line each)..."
	@$(DEMO_ENV) $(BLOC) db_worker --queue-name default --batch --no-startup-delay -v0
	@echo "Serving on http://localhost:8000/ (Ctrl-C stops the server and the task worker)"
	@$(DEMO_ENV) $(BLOC) db_worker --queue-name default & WORKER=$$!; \
	 $(DEMO_ENV) $(BLOC) run-periodic --loop & PERIODIC=$$!; \
	 $(DEMO_ENV) $(BLOC) seed-demo --logins-only --wait-for http://localhost:8000/health/ & LOGINS=$$!; \
	 trap 'kill $$WORKER $$PERIODIC $$LOGINS 2>/dev/null' EXIT INT TERM; \
	 $(DEMO_ENV) $(BLOC) runserver --noreload localhost:8000

## make test: the whole suite on SQLite (PostgreSQL-only tests are skipped here; .ci/run runs them).
## Browser journeys run in their own session: Playwright's sync API refuses to share a process
## with tests that leave an asyncio loop behind.
test: dev $(AXE)
	$(PY) -m pytest -m "not e2e"
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest -m e2e

## make check: lint, format, types, layers, migrations, deploy checks
check: dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy bloc config
	$(VENV)/bin/lint-imports
	DJANGO_DEBUG=1 $(BLOC) makemigrations --check --dry-run
	DJANGO_SECRET_KEY=check-deploy-$$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n') \
	  DJANGO_ALLOWED_HOSTS=bloc.example.org $(BLOC) check --deploy --fail-level WARNING

## make e2e: browser journeys in headless Chromium (needs /usr/bin/chromium)
e2e: dev $(AXE)
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest tests/e2e -m e2e

## make bench: performance benchmarks (see bench/README.md)
bench: dev
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) var
