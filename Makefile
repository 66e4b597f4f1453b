# Postroom: `make run` starts the app, `make test` runs the whole suite.
SHELL := /bin/bash
PORT ?= 8000
export PORT
# uv from PATH, else the one pip installs into this Python.
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
RUN := $(UV) run --frozen

.PHONY: run install uv web worker test test-deps lint typecheck format messages check-deploy schema-check bench bench-import bench-send bench-reports bench-tracking bench-crm bench-experiments bench-tx bench-push

uv:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv

# Bytecode is compiled once here: where PYTHONDONTWRITEBYTECODE is set, every process
# would otherwise compile Django and the app again (seconds per start).
install: uv
	$(UV) sync --frozen --compile-bytecode -q
	$(RUN) python -m compileall -q -j 0 postroom config bench

var/secret_key:
	@mkdir -p var
	@python3 -c "import secrets; print(secrets.token_urlsafe(50))" > var/secret_key
	@chmod 600 var/secret_key

# The embedded mode: SQLite, the SQLite job queue, a web server and a worker.
# SITE_URL (the address in sent links) is fixed before honcho starts: honcho gives
# each process its own PORT (the worker's is PORT+100), and the worker writes the mail.
run: export DEBUG ?= true
run: install var/secret_key
	@export SECRET_KEY="$${SECRET_KEY:-$$(cat var/secret_key)}"; \
	export SITE_URL="$$($(RUN) python -c 'from config.env import SITE_URL; print(SITE_URL)')" && \
	$(RUN) python manage.py migrate --noinput && \
	$(RUN) python manage.py ensure_admin && \
	echo "Postroom on http://127.0.0.1:$(PORT)/ (Ctrl+C stops the web server and the worker); links in sent mail lead to $$SITE_URL" && \
	exec $(RUN) honcho start --no-prefix -f Procfile web worker

test-deps: install
	@command -v chromium >/dev/null 2>&1 || bash .ci/install-chromium

test: test-deps
	$(RUN) pytest

# lint-imports holds the apps' layers (the contract in pyproject.toml).
lint: install
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) lint-imports

typecheck: install
	$(RUN) mypy .

format: install
	$(RUN) ruff format .
	$(RUN) ruff check --fix .

# Update the Russian catalogue from the source (new strings arrive untranslated in
# locale/ru/LC_MESSAGES/django.po: translate them there), then compile it. No source
# locations in the catalogue: they would change with every edit and conflict in merges.
messages: export DEBUG ?= true
messages: install
	$(RUN) python manage.py makemessages -l ru --no-obsolete --no-location --ignore=.venv --ignore=var --ignore=tests
	$(RUN) python manage.py compilemessages --ignore=.venv

# Production settings (DEBUG off): the deployment checks, then collectstatic as the
# README's production steps run it (the manifest storage refuses a missing reference),
# into a scratch directory.
check-deploy: install
	@set -e; export DEBUG=false SECRET_KEY=check-deploy-$$(python3 -c "import secrets; print(secrets.token_urlsafe(50))"); \
	  $(RUN) python manage.py check --deploy --fail-level WARNING; \
	  scratch=$$(mktemp -d); trap 'rm -rf "$$scratch"' EXIT; \
	  POSTROOM_VAR_DIR=$$scratch $(RUN) python manage.py collectstatic --noinput -v 0; \
	  echo "collectstatic under production settings: OK"

# schemathesis against a real server (granian, production settings) on a fresh, seeded
# database: fails on any 500, response-schema violation or undeclared status code.
SCHEMA_CHECK_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postroom_schema_check
schema-check: install
	@case "$(SCHEMA_CHECK_DATABASE_URL)" in postgres*) \
	  dropdb -h 127.0.0.1 -U postgres --if-exists $(notdir $(SCHEMA_CHECK_DATABASE_URL)) && \
	  createdb -h 127.0.0.1 -U postgres $(notdir $(SCHEMA_CHECK_DATABASE_URL));; esac
	DATABASE_URL=$(SCHEMA_CHECK_DATABASE_URL) $(RUN) python tests/schema/schema_check.py

# Benchmarks print figures; they assert nothing. PostgreSQL at BENCH_DATABASE_URL.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postroom_bench
BENCH_SEND_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postroom_bench_send
BENCH_REPORTS_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postroom_bench_reports
BENCH_TRACKING_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postroom_bench_tracking
BENCH_TRACKING_REDIS_URL ?= redis://127.0.0.1:6379/11
BENCH_CRM_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postroom_bench_crm
bench: bench-import bench-send bench-tracking bench-reports bench-crm bench-experiments

bench-import: install
	@psql "$(BENCH_DATABASE_URL)" -c "SELECT 1" >/dev/null 2>&1 || createdb -h 127.0.0.1 -U postgres $(notdir $(BENCH_DATABASE_URL))
	DEBUG=true DATABASE_URL=$(BENCH_DATABASE_URL) $(RUN) python manage.py migrate --noinput -v 0
	DEBUG=true DATABASE_URL=$(BENCH_DATABASE_URL) $(RUN) python bench/import_bench.py

# Sending: the engine into Postfix's smtp-sink against a plain smtplib baseline.
bench-send: install
	@command -v smtp-sink >/dev/null 2>&1 || test -x /usr/sbin/smtp-sink || \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q postfix >/dev/null
	@psql "$(BENCH_SEND_DATABASE_URL)" -c "SELECT 1" >/dev/null 2>&1 || createdb -h 127.0.0.1 -U postgres $(notdir $(BENCH_SEND_DATABASE_URL))
	DEBUG=true DATABASE_URL=$(BENCH_SEND_DATABASE_URL) $(RUN) python manage.py migrate --noinput -v 0
	DEBUG=false SECRET_KEY=bench-send-not-secret-$$(hostname)-0123456789abcdefghijklmnopqrstuvwxyz LOG_LEVEL=WARNING RELAY_ALLOW_PRIVATE=true DATABASE_URL=$(BENCH_SEND_DATABASE_URL) $(RUN) python bench/send_bench.py

# Push: the engine into the fake providers (a process each) against the same requests pre-built.
BENCH_PUSH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postroom_bench_push
bench-push: install
	@psql "$(BENCH_PUSH_DATABASE_URL)" -c "SELECT 1" >/dev/null 2>&1 || createdb -h 127.0.0.1 -U postgres $(notdir $(BENCH_PUSH_DATABASE_URL))
	DEBUG=true DATABASE_URL=$(BENCH_PUSH_DATABASE_URL) $(RUN) python manage.py migrate --noinput -v 0
	DEBUG=false SECRET_KEY=bench-push-not-secret-$$(hostname)-0123456789abcdefghijklmnopqrstuvwxyz LOG_LEVEL=WARNING DATABASE_URL=$(BENCH_PUSH_DATABASE_URL) $(RUN) python -u bench/push_bench.py

# Transactional latency (202 -> sink) while a campaign sends, and the campaign's throughput with and without.
BENCH_TX_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postroom_bench_tx
BENCH_TX_REDIS_URL ?= redis://127.0.0.1:6379/12
bench-tx: install
	@psql "$(BENCH_TX_DATABASE_URL)" -c "SELECT 1" >/dev/null 2>&1 || createdb -h 127.0.0.1 -U postgres $(notdir $(BENCH_TX_DATABASE_URL))
	DEBUG=true DATABASE_URL=$(BENCH_TX_DATABASE_URL) $(RUN) python manage.py migrate --noinput -v 0
	DATABASE_URL=$(BENCH_TX_DATABASE_URL) REDIS_URL=$(BENCH_TX_REDIS_URL) $(RUN) python bench/tx_bench.py

# Reports: 1,000,000 deliveries and 3,000,000 events through the real ingest, then page timings.
bench-reports: install
	@psql "$(BENCH_REPORTS_DATABASE_URL)" -c "SELECT 1" >/dev/null 2>&1 || createdb -h 127.0.0.1 -U postgres $(notdir $(BENCH_REPORTS_DATABASE_URL))
	DEBUG=true DATABASE_URL=$(BENCH_REPORTS_DATABASE_URL) $(RUN) python manage.py migrate --noinput -v 0
	DEBUG=true LOG_LEVEL=WARNING DATABASE_URL=$(BENCH_REPORTS_DATABASE_URL) $(RUN) python bench/report_bench.py

# CRM: 1,000,000 leads and 100,000 contracts over 200 campaigns, then analytics and lead-list timings.
bench-crm: install
	@psql "$(BENCH_CRM_DATABASE_URL)" -c "SELECT 1" >/dev/null 2>&1 || createdb -h 127.0.0.1 -U postgres $(notdir $(BENCH_CRM_DATABASE_URL))
	DEBUG=true DATABASE_URL=$(BENCH_CRM_DATABASE_URL) $(RUN) python manage.py migrate --noinput -v 0
	DEBUG=true LOG_LEVEL=WARNING DATABASE_URL=$(BENCH_CRM_DATABASE_URL) $(RUN) python bench/crm_bench.py

# Experiments: bandit and A/B modes replayed against known click rates, 50 seeds, against an oracle.
# LEAD: the timing of allocating 1,000,000 recipients on PostgreSQL goes in
# bench/experiments.py's allocation_timing_postgres (it needs a database URL here then).
BENCH_EXPERIMENTS_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postroom_bench_experiments
bench-experiments: install
	$(RUN) python bench/experiments.py
	@psql "$(BENCH_EXPERIMENTS_DATABASE_URL)" -c "SELECT 1" >/dev/null 2>&1 || createdb -h 127.0.0.1 -U postgres $(notdir $(BENCH_EXPERIMENTS_DATABASE_URL))
	DEBUG=true DATABASE_URL=$(BENCH_EXPERIMENTS_DATABASE_URL) $(RUN) python manage.py migrate --noinput -v 0
	DEBUG=false SECRET_KEY=bench-experiments-not-secret-$$(hostname)-0123456789abcdefghijklmnopqrstuvwxyz LOG_LEVEL=WARNING DATABASE_URL=$(BENCH_EXPERIMENTS_DATABASE_URL) $(RUN) python -u bench/experiments_db.py

# Tracking: wrk against the open pixel, the click redirect and a bare Django view, on the Procfile's web server.
bench-tracking: install
	@command -v wrk >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >/dev/null
	@psql "$(BENCH_TRACKING_DATABASE_URL)" -c "SELECT 1" >/dev/null 2>&1 || createdb -h 127.0.0.1 -U postgres $(notdir $(BENCH_TRACKING_DATABASE_URL))
	DEBUG=true DATABASE_URL=$(BENCH_TRACKING_DATABASE_URL) $(RUN) python manage.py migrate --noinput -v 0
	DATABASE_URL=$(BENCH_TRACKING_DATABASE_URL) REDIS_URL=$(BENCH_TRACKING_REDIS_URL) $(RUN) python bench/tracking_bench.py
