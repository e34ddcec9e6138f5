# The two commands a new user needs: `make run` and `make test`. Everything else helps.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-dev messages makemessages worker check lint format browser css clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed-run: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed-run

install: $(VENV)/.installed-run
install-dev: $(VENV)/.installed-dev

# Production targets read the environment from ENV_FILE when that file exists (the file the
# systemd units read), so nobody has to export it by hand first.
ENV_FILE ?= /etc/shuangchuang.env
WITH_ENV = if [ -f "$(ENV_FILE)" ]; then set -a; . "$(ENV_FILE)"; set +a; fi;

# Compiling catalogues serves no request: without a production environment it runs as DEBUG.
messages: install
	@$(WITH_ENV) DEBUG="$${DEBUG:-1}" $(MANAGE) compile_catalogs

## Serve the portal with demo data, a Celery worker and beat (file-system broker: no servers).
run: export DEBUG ?= 1
# Links in e-mails and QR codes point at the address the portal is served on.
run: export SITE_URL ?= http://$(HOST):$(PORT)
run: messages
	mkdir -p var
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo_week --today
	$(MANAGE) load_demo_exhibition
	$(MANAGE) load_demo_contest
	@echo "Portal: http://$(HOST):$(PORT)/   admin: http://$(HOST):$(PORT)/admin/"
	@trap 'kill $$(cat var/worker.pid 2>/dev/null) 2>/dev/null; exit 0' EXIT INT TERM; \
	$(BIN)/celery -A shuangchuang worker --beat --loglevel=WARNING --concurrency=2 -Q celery,media-transcode \
		--pidfile=var/worker.pid --schedule=var/celerybeat-schedule & \
	$(MANAGE) runserver $(HOST):$(PORT)

## Run the whole suite (SQLite by default; .ci/run switches PostgreSQL and Redis on), in
## TEST_WORKERS processes (pytest-xdist; each has its own test database; 1 runs it serially).
TEST_WORKERS ?= 2
test: install-dev
	DJANGO_SETTINGS_MODULE=shuangchuang.test_settings $(MANAGE) compile_catalogs
	$(BIN)/python -m pytest $(if $(filter-out 0 1,$(TEST_WORKERS)),-n $(TEST_WORKERS)) $(PYTEST_ARGS)

## Extract new strings into the English catalogue (needs GNU gettext).
makemessages: install-dev
	DJANGO_SETTINGS_MODULE=shuangchuang.test_settings $(MANAGE) makemessages --locale en --no-obsolete --add-location file \
		--ignore '.venv/*' --ignore 'var/*' --ignore 'tests/*' --ignore 'benchmarks/*' --ignore 'test-output/*'

## ruff (lint and format) and import-linter (the layers and app order of docs/architecture.md).
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

## Rewrite the code in the house format and fix what ruff can fix by itself.
format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## A Celery worker and beat for the portal, as `make run` starts them (Redis when REDIS_URL is
## set, the file-system broker otherwise); the pidfile is var/worker.pid.
worker: export DEBUG ?= 1
worker: messages
	mkdir -p var
	$(BIN)/celery -A shuangchuang worker --beat --loglevel=INFO --concurrency=2 -Q celery,media-transcode \
		--pidfile=var/worker.pid --schedule=var/celerybeat-schedule

## Debian's Chromium and CJK fonts for the browser tests (as root; CI calls it).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk; \
	fi

## Bootstrap's CSS trimmed to the classes the portal uses (needs Node.js; commit the result).
css: install-dev
	@work=$$(mktemp -d) && trap 'rm -rf "$$work"' EXIT && cp shuangchuang/scripts/trim_bootstrap.mjs "$$work"/ && \
	(cd "$$work" && npm install --silent --no-audit --no-fund purgecss@7.0.2 >/dev/null) && \
	node "$$work"/trim_bootstrap.mjs "$(CURDIR)" \
		"$$($(BIN)/python -c 'import crispy_bootstrap5, pathlib; print(pathlib.Path(crispy_bootstrap5.__file__).parent / "templates")')"

check: install-dev
	DJANGO_SETTINGS_MODULE=shuangchuang.test_settings $(MANAGE) makemigrations --check --dry-run

clean:
	rm -rf var test-output

## Production stack on this machine (SECRET_KEY, DATABASE_URL, REDIS_URL from ENV_FILE or the
## environment): gunicorn, workers, beat, pidfiles in var/run.
.PHONY: stack-start stack-stop deploy-check
stack-start: install messages
	@$(WITH_ENV) shuangchuang/scripts/stack.sh start

stack-stop:
	@$(WITH_ENV) shuangchuang/scripts/stack.sh stop

## Django's deployment checklist and the storage checks, with the production environment
## (ENV_FILE, default /etc/shuangchuang.env, or the environment).
deploy-check: install
	@$(WITH_ENV) $(MANAGE) check --deploy --fail-level WARNING
