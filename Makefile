# swe-swe — every target installs what it needs first, so each works on a fresh clone.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PYTEST := $(PY) -m pytest

.PHONY: install run test test-deps unit node-test e2e chaos fuzz bench soak lint pwa clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

## run: start swe-swe on http://127.0.0.1:7000 (prints the link to open, token included)
run: install
	$(VENV)/bin/swe-swe $(ARGS)

## test: everything CI runs — backend unit/integration, PWA logic, browser end-to-end
test: test-deps unit node-test e2e

test-deps: install
	./scripts/install-test-deps.sh

unit: install
	$(PYTEST) backend/tests -q

node-test:
	node --test pwa/tests/

e2e: test-deps
	$(PYTEST) e2e -q -p no:cacheprovider

## chaos: the long profile of the chaos run and of the resilience suite (30 s offline spells), 100 kill -9s of the server (R2), and an approval answered after 10 minutes; prints the seeds (SWE_SWE_CHAOS_SEED replays one)
chaos: test-deps
	SWE_SWE_CHAOS_KILLS=100 $(PYTEST) backend/tests/test_chaos_kill.py -q -s -p no:cacheprovider
	SWE_SWE_CHAOS_PROFILE=long $(PYTEST) e2e -q -s -p no:cacheprovider -k "chaos or resilience"
	SWE_SWE_SLOW=1 $(PYTEST) backend/tests/test_approvals_slow.py -q

## fuzz: 10,000+ seeded hostile WebSocket frames and HTTP requests against a real server (FUZZ_ARGS="--seed N" replays one)
fuzz: install
	$(PY) backend/tests/fuzz_server.py --cases 10000 $(FUZZ_ARGS)

bench: test-deps
	$(PY) bench/run.py

## soak: an hour of traffic (sends, reconnects, turns, idle sockets) against a demo-agent server; reports growth of RSS, fds, asyncio tasks and agent processes (SOAK_ARGS="--minutes 3" shortens it)
soak: install
	$(PY) bench/soak.py $(SOAK_ARGS)

## pwa: after changing the app (pwa/, service-worker/sw.js): stamp the worker's VERSION and remake the bundle in pwa/build/ (commit both; the server sends the sources while the bundle is behind them)
pwa:
	[ -x node_modules/.bin/esbuild ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error
	node scripts/build-pwa.mjs

lint: install
	$(PY) -m pip install -q ruff
	$(VENV)/bin/ruff check backend e2e bench

clean:
	rm -rf $(VENV) node_modules .pytest_cache
