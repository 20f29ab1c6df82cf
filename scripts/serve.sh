#!/usr/bin/env bash
# Runs the ASGI server and exactly one task worker together; Ctrl-C or SIGTERM stops both
# (core/tests/test_serve_script.py starts it for real and checks both).
set -uo pipefail
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
# ecabinet/settings.py builds SITE_URL (the links in email and SMS) from these unless it is set.
export HOST PORT
PY="${PY:-.venv/bin/python}"

# Job control puts each child in its own process group: Ctrl-C then reaches this script only,
# which stops each child exactly once. (A second SIGINT makes the worker abandon its task.)
set -m

pids=()

force_stop() {
    for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
}

stop() {
    trap - EXIT
    trap force_stop INT TERM  # pressed again while a task finishes: stop at once
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    wait
}

trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap stop EXIT

# --no-reload: under DEBUG the worker would otherwise run inside Django's autoreloader, a second
# process that outlives a SIGTERM sent to the first.
$PY manage.py db_worker --queue-name default --no-reload &
pids+=("$!")
$PY -m uvicorn ecabinet.asgi:application --host "$HOST" --port "$PORT" --ws-per-message-deflate false --lifespan off &
pids+=("$!")
echo "eCabinet on http://$HOST:$PORT (server pid ${pids[1]}, task worker pid ${pids[0]}). Ctrl-C stops both."

# When either stops on its own (a port already in use, a crash), stop the other and report it.
wait -n
status=$?
echo "eCabinet: a process stopped (exit status $status); stopping the other." >&2
exit "$status"
