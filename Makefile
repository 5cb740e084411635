# Two commands matter: `make run` and `make test`. Everything else is a helper they call.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
HOST   ?= 0.0.0.0
CHROMIUM ?= /usr/bin/chromium
# Test processes (pytest-xdist): one per CPU; `make test PYTEST_WORKERS=0` runs in this process only.
PYTEST_WORKERS ?= auto

.PHONY: run test lint audit migrate demo lock clean bytecode bench-tools

# The virtualenv is rebuilt whenever a lock file or pyproject.toml changes; installs are hash-checked.
$(BIN)/.runtime-stamp: requirements/runtime.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements/runtime.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

# Bytecode of our own modules, written once: where PYTHONDONTWRITEBYTECODE is set (as on this project's machines)
# every process would otherwise compile all of src/ again at start-up (~0.5 s of `serve`'s start, per worker).
# A stale file is only ignored (Python checks the source's time stamp), so `run` refreshes what changed.
bytecode: $(BIN)/.runtime-stamp
	$(BIN)/python -m compileall -q src >/dev/null

$(BIN)/.dev-stamp: requirements/dev.lock $(BIN)/.runtime-stamp
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements/dev.lock
	touch $@

run: bytecode
	$(BIN)/bosonline serve --host $(HOST) --port $(PORT)

test: lint audit $(CHROMIUM)
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# Style, formatting, types and the import contracts ([tool.importlinter] in pyproject.toml); `make test` runs these first.
lint: $(BIN)/.dev-stamp
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy

# Known vulnerabilities in every locked dependency, from PyPI's vulnerability data (network access to pypi.org),
# checked against the hashed lock files without building an environment. An unreachable PyPI fails the audit;
# a release PyPI answers 404 for is listed as not audited; `make audit AUDIT_ARGS=--strict` fails on those too.
audit: $(BIN)/.dev-stamp
	$(BIN)/pip-audit --vulnerability-service pypi --require-hashes --disable-pip --progress-spinner off \
		-r requirements/runtime.lock -r requirements/dev.lock $(AUDIT_ARGS)

# The browser tests (tests/e2e) drive Debian's Chromium through Playwright; no browser is ever downloaded.
$(CHROMIUM):
	apt-get install -y chromium || (apt-get update && apt-get install -y chromium)

# What bench/http_checkout.py needs besides the venv: Debian's wrk, the load generator (run by hand, not by CI).
WRK ?= /usr/bin/wrk
bench-tools: $(BIN)/.runtime-stamp $(WRK)

$(WRK):
	apt-get install -y wrk || (apt-get update && apt-get install -y wrk)

migrate: $(BIN)/.runtime-stamp
	$(BIN)/bosonline migrate

demo: $(BIN)/.runtime-stamp
	$(BIN)/bosonline demo --host $(HOST) --port $(PORT)

# Re-pin after editing pyproject.toml (needs network access to the package index).
lock: $(BIN)/.runtime-stamp
	$(BIN)/pip install --quiet uv==0.13.8
	$(BIN)/uv pip compile pyproject.toml requirements/build.in --python-version 3.11 --generate-hashes \
		--no-header --annotation-style line -o requirements/runtime.lock
	$(BIN)/uv pip compile pyproject.toml requirements/build.in --extra test --python-version 3.11 \
		--generate-hashes --no-header --annotation-style line -o requirements/dev.lock

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache
