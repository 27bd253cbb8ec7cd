# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
RUNTIME_STAMP := $(VENV)/.runtime-$(shell cat requirements.txt | cksum | cut -d' ' -f1)
DEV_STAMP     := $(VENV)/.dev-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
LANGS := fr nl
MO := $(foreach l,$(LANGS),facilitation/translations/$(l)/LC_MESSAGES/messages.mo)

.PHONY: run install test lint bench messages docs migrate chromium nginx clean

run: $(RUNTIME_STAMP) $(MO)
	$(BIN)/python wsgi.py

# What a server needs, without starting it (docs/deploy.md): the venv and the translations.
install: $(RUNTIME_STAMP) $(MO)

test: $(DEV_STAMP) $(MO) chromium nginx
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: $(DEV_STAMP)
	$(BIN)/ruff check .

# N phones on one board; see docs/performance.md.
bench: $(DEV_STAMP) $(MO)
	$(BIN)/python bench/fanout.py $(BENCH_ARGS)

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Relais a besoin de Python 3.11 ou plus récent (python3 --version)."; exit 1; }
	@$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || \
	  { echo "Il manque le module venv : sudo apt install python3-venv"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(RUNTIME_STAMP): requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	rm -f $(VENV)/.runtime-*
	touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.dev-* $(VENV)/.runtime-*
	touch $@ $(RUNTIME_STAMP)

facilitation/translations/%/LC_MESSAGES/messages.mo: facilitation/translations/%/LC_MESSAGES/messages.po | $(BIN)/python
	$(BIN)/pip install --quiet babel==2.19.0
	$(BIN)/pybabel compile -d facilitation/translations -l $*

# Browser tests use Debian's chromium; install it when we can (root with apt-get).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "chromium could not be installed: browser tests will be skipped"; \
	  else echo "no /usr/bin/chromium and no apt-get as root: browser tests will be skipped"; fi; \
	fi

# The deployment test runs deploy/'s nginx configuration; install nginx when we can.
nginx:
	@if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null \
	      && (nginx -s stop 2>/dev/null || true)) \
	      || echo "nginx could not be installed: the deployment test will be skipped"; \
	  else echo "no nginx and no apt-get as root: the deployment test will be skipped"; fi; \
	fi

# Rewrite the payload tables of docs/protocol.md from the declarations (a test checks them).
docs: $(DEV_STAMP)
	$(BIN)/python -m facilitation.reference

# Bring the database to the latest schema (what every start does too, under a lock).
migrate: $(RUNTIME_STAMP) $(MO)
	$(BIN)/flask --app wsgi db upgrade

# Re-extract the strings to translate after changing templates or code.
messages: $(DEV_STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k _ -k gettext -k lazy_gettext -o messages.pot .
	for l in $(LANGS); do $(BIN)/pybabel update -i messages.pot -d facilitation/translations -l $$l \
	  --no-fuzzy-matching --ignore-obsolete || exit 1; done
	rm -f messages.pot

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
