#!/usr/bin/env bash
# A2A load: message/send (blocking) and message/stream with the echo model at concurrency 1, 16 and 64, the
# server's overhead over a 20 ms model and over a model answering in 10-30 ms, at 1 and 16, then RSS with many
# open SSE streams (resubscriptions to tasks kept running by a fake model that never answers).
# Usage: bench/a2a-load.sh [seconds] [streams]      (release build first: cmake --build --preset release)
#   STORE=memory: tasks and sessions in memory instead of the default SQLite file.
#   With wrk installed, message/send at 16 connections is also driven by wrk (which counts the answers only; a2a_load
#   checks every one, at about the same CPU cost per request).
#   DRIVER_SCHED=batch: the drivers run under SCHED_BATCH (chrt -b 0, no privileges needed). Where they share the
#   cores with the server, as on a small machine, their wake-ups then do not preempt the server's I/O threads: closer
#   to a driver on another machine. The server itself runs as usual.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SECONDS_PER_RUN=${1:-5}
STREAMS=${2:-10000}
BUILD=${BUILD:-build}
HECTOR=$BUILD/hector
case $HECTOR in /*) ;; *) HECTOR=$ROOT/$HECTOR ;; esac
LOAD=$BUILD/bench/a2a_load
FAKE=$BUILD/tests/support/fake_openai_server
for b in "$HECTOR" "$LOAD" "$FAKE"; do [ -x "$b" ] || { echo "missing $b: build the release preset"; exit 1; }; done
DRIVE=()
case ${DRIVER_SCHED:-} in
  "") ;;
  batch) DRIVE=(chrt -b 0) ;;
  *) echo "DRIVER_SCHED: batch or unset"; exit 2 ;;
esac
ulimit -n 65536 2>/dev/null || echo "warning: could not raise the open-file limit"

work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT

port_of() {  # <log> → port
  for _ in $(seq 1 500); do
    p=$(grep -o 'listening on http://[^ ]*' "$1" 2>/dev/null | sed 's/.*://' | head -1)
    [ -n "$p" ] && { echo "$p"; return; }
    sleep 0.01
  done
  echo "did not start: $(cat "$1")" >&2; exit 1
}

"$FAKE" >"$work/fake.log" 2>&1 &
FPORT=$(port_of "$work/fake.log")
cat >"$work/config.yaml" <<CFG
llms:
  echo: {provider: echo}
  slow: {provider: openai, model: gpt-4o, api_key: bench, base_url: "http://127.0.0.1:$FPORT/v1", timeout: 10m}
agents:
  assistant: {llm: echo}
  waiting: {llm: slow}
server:
  limits: {max_concurrent_runs: 100000}
queue: {task_timeout: 10m}
CFG
if [ "${STORE:-}" = memory ]; then
  printf 'storage:\n  tasks: {backend: inmemory}\n  sessions: {backend: inmemory}\n' >>"$work/config.yaml"
fi
(cd "$work" && exec "$HECTOR" -c "$work/config.yaml" serve --host 127.0.0.1 --port 0 >"$work/hector.log" 2>&1) &
HPID=$!
PORT=$(port_of "$work/hector.log")
echo "cores=$(nproc) seconds_per_run=$SECONDS_PER_RUN driver_sched=${DRIVER_SCHED:-other}"
# Each step first runs for a second unmeasured: the first seconds at a new concurrency (connections, the stores
# reaching their caps, allocator caches) otherwise show in its p99.
warm() { "${DRIVE[@]}" "$LOAD" "$1" "$PORT" assistant "$2" 1 >/dev/null; }
for c in 1 16 64; do warm send "$c"; "${DRIVE[@]}" "$LOAD" send "$PORT" assistant "$c" "$SECONDS_PER_RUN"; done
if command -v wrk >/dev/null; then
  cat >"$work/send.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"jsonrpc":"2.0","id":1,"method":"message/send","params":{"message":{"role":"user","parts":[{"kind":"text","text":"load test message"}]}}}'
LUA
  "${DRIVE[@]}" wrk -t1 -c16 -d"${SECONDS_PER_RUN}s" --latency -s "$work/send.lua" "http://127.0.0.1:$PORT/agents/assistant" |
    awk '/Requests\/sec/{r=$2} $1=="50%"{p50=$2} $1=="99%"{p99=$2} END{printf "message/send    c=16 (wrk) %9.0f req/s   p50 %s   p99 %s\n", r, p50, p99}'
fi
for c in 1 16 64; do warm stream "$c"; "${DRIVE[@]}" "$LOAD" stream "$PORT" assistant "$c" "$SECONDS_PER_RUN"; done
# What the server adds to a model of known latency (the fake answers "wait20 ..." after 20 ms), over HTTP to the
# provider as in production.
for c in 1 16; do "${DRIVE[@]}" "$LOAD" send "$PORT" waiting "$c" "$SECONDS_PER_RUN" 20; done
# The same with each request's model time drawn from 10-30 ms: with a fixed time the 16 clients stay in lockstep
# (the model answers all of them at once, and the last of the burst waits for the other 15).
for c in 1 16; do "${DRIVE[@]}" "$LOAD" send "$PORT" waiting "$c" "$SECONDS_PER_RUN" 10-30; done
# The baseline of those figures: the same requests straight to the fake model server, without hector in between
# (what the fake and HTTP to it take by themselves is part of the overhead above).
for c in 1 16; do "${DRIVE[@]}" "$LOAD" model "$FPORT" - "$c" "$SECONDS_PER_RUN" 10-30; done
rss() { awk '/VmRSS/{print $2}' /proc/$HPID/status; }
echo "hector RSS before streams: $(( $(rss) / 1024 )) MB"
TASKS=$(( (STREAMS + 63) / 64 ))
"${DRIVE[@]}" "$LOAD" hold "$PORT" waiting "$STREAMS" "$TASKS" 20 | tail -1 &
LOADPID=$!
sleep 15
echo "hector RSS with $STREAMS open streams on $TASKS running tasks: $(( $(rss) / 1024 )) MB"
wait $LOADPID || true
