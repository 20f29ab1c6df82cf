#!/usr/bin/env bash
# Runs the ASGI server and the task worker together; Ctrl-C stops both.
set -euo pipefail
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
PY=.venv/bin/python
$PY manage.py db_worker --queue-name default &
worker=$!
trap 'kill $worker 2>/dev/null || true; wait $worker 2>/dev/null || true' EXIT INT TERM
echo "eCabinet on http://$HOST:$PORT (task worker pid $worker). Ctrl-C stops both."
$PY -m uvicorn ecabinet.asgi:application --host "$HOST" --port "$PORT" --ws-per-message-deflate false --lifespan off
