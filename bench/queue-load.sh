#!/usr/bin/env bash
# Queue throughput: completed tasks per second for non-blocking sends to the echo model, end to end (send, queue,
# worker, store), on SQLite with one instance and, when HECTOR_BENCH_PG_DSN names an empty PostgreSQL database,
# on PostgreSQL with one and with two instances sharing it.
# Usage: bench/queue-load.sh [tasks] [concurrency]      (release build first: cmake --build --preset release)
# WORKERS=n sets queue.workers (default 4, the product's default). MODEL_MS=n replaces the echo model with the fake
# OpenAI server answering after n ms (a model of known latency, where more workers or instances add throughput).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TASKS=${1:-20000}
CONC=${2:-32}
BUILD=${BUILD:-build}
HECTOR=$BUILD/hector
case $HECTOR in /*) ;; *) HECTOR=$ROOT/$HECTOR ;; esac
LOAD=$BUILD/bench/a2a_load
SECRET=bench-admin-secret
for b in "$HECTOR" "$LOAD"; do [ -x "$b" ] || { echo "missing $b: build the release preset"; exit 1; }; done

work=$(mktemp -d)
stop_all() { for f in "$work"/*.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null; rm -f "$f"; done; sleep 0.5; }
trap 'stop_all; [ -f "$work/fake.keep" ] && kill "$(cat "$work/fake.keep")" 2>/dev/null; rm -rf "$work"' EXIT

port_of() {  # <log> → port
  for _ in $(seq 1 1000); do
    p=$(grep -o 'listening on http://[^ ]*' "$1" 2>/dev/null | sed 's/.*://' | head -1)
    [ -n "$p" ] && { echo "$p"; return; }
    sleep 0.01
  done
  echo "did not start: $(cat "$1")" >&2; exit 1
}

start() {  # <name> <storage flags...> → prints the port
  local name=$1; shift
  mkdir -p "$work/$name"
  (cd "$work/$name" && exec "$HECTOR" -c "$CONFIG" serve --host 127.0.0.1 --port 0 \
      --auth-secret "$SECRET" "$@" >"$work/$name.log" 2>&1) &
  echo $! >"$work/$name.pid"
  port_of "$work/$name.log"
}

CONFIG=$work/config.yaml
MODEL_MS=${MODEL_MS:-0}
if [ "$MODEL_MS" -gt 0 ]; then
  FAKE=$BUILD/tests/support/fake_openai_server
  [ -x "$FAKE" ] || { echo "missing $FAKE: build the release preset"; exit 1; }
  "$FAKE" >"$work/fake.log" 2>&1 &
  echo $! >"$work/fake.keep"
  FPORT=$(port_of "$work/fake.log")
  printf 'llms:\n  default: {provider: openai, model: gpt-4o, api_key: bench, base_url: "http://127.0.0.1:%s/v1"}\n' \
    "$FPORT" >"$CONFIG"
  printf 'agents:\n  assistant: {description: Agent on a fake model of known latency}\n' >>"$CONFIG"
else
  cp bench/config.yaml "$CONFIG"
fi
[ -n "${WORKERS:-}" ] && printf 'queue:\n  workers: %s\n' "$WORKERS" >>"$CONFIG"
echo "cores=$(nproc) tasks=$TASKS concurrency=$CONC workers=${WORKERS:-4} model_ms=$MODEL_MS"
P=$(start sqlite)
"$LOAD" queue "$P" assistant "$TASKS" "$CONC" "$SECRET" "$MODEL_MS"
stop_all

if [ -n "${HECTOR_BENCH_PG_DSN:-}" ]; then
  reset_pg() { psql -q "$HECTOR_BENCH_PG_DSN" -c 'DROP SCHEMA public CASCADE; CREATE SCHEMA public;' >/dev/null 2>&1; }
  reset_pg
  P=$(start pg1 --storage postgres --storage-db "$HECTOR_BENCH_PG_DSN")
  "$LOAD" queue "$P" assistant "$TASKS" "$CONC" "$SECRET" "$MODEL_MS"
  stop_all
  reset_pg
  A=$(start pg2a --storage postgres --storage-db "$HECTOR_BENCH_PG_DSN")
  B=$(start pg2b --storage postgres --storage-db "$HECTOR_BENCH_PG_DSN")
  "$LOAD" queue "$A,$B" assistant "$TASKS" "$CONC" "$SECRET" "$MODEL_MS"
fi
