#!/usr/bin/env bash
# Load test of hector's HTTP layer against a minimal Beast server, in the same run, with wrk.
# Usage: bench/http-load.sh [duration_seconds] [connections]
# Needs the release build: cmake --preset release && cmake --build --preset release
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DURATION=${1:-10}
CONNS=${2:-64}
BUILD=${BUILD:-build}
HECTOR=$BUILD/hector
case $HECTOR in /*) ;; *) HECTOR=$ROOT/$HECTOR ;; esac
HELLO=$BUILD/bench/hello_server
command -v wrk >/dev/null || { echo "wrk is missing (scripts/install-deps)"; exit 1; }
[ -x "$HECTOR" ] && [ -x "$HELLO" ] || { echo "build the release preset first"; exit 1; }

work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT

wait_port() {  # <logfile> → port
  for _ in $(seq 1 200); do
    port=$(grep -o 'listening on http://[^ ]*' "$1" 2>/dev/null | sed 's/.*://' | head -1)
    [ -n "$port" ] && { echo "$port"; return 0; }
    sleep 0.02
  done
  echo "server did not start: $(cat "$1")" >&2; return 1
}

start_ns=$(date +%s%N)
# In the temp dir, so the SQLite store (.hector/hector.db) starts fresh and is removed afterwards.
(cd "$work" && exec "$HECTOR" --log-level warn -c "$ROOT/bench/config.yaml" serve --host 127.0.0.1 --port 0 \
   >"$work/hector.log" 2>&1) &
HPID=$!
# The "listening on" line is logged at info level; read the port from /proc instead when logs are quiet.
for _ in $(seq 1 500); do
  HPORT=$(ss -ltnp 2>/dev/null | grep "pid=$HPID," | grep -o '127.0.0.1:[0-9]*' | head -1 | cut -d: -f2 || true)
  [ -n "$HPORT" ] && break
  sleep 0.005
done
startup_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
"$HELLO" 0 >"$work/hello.log" 2>&1 &
LPORT=$(wait_port "$work/hello.log")
sleep 0.5
rss_kb=$(awk '/VmRSS/{print $2}' /proc/$HPID/status)

run() {  # <label> <url>
  out=$(wrk -t1 -c"$CONNS" -d"${DURATION}s" --latency "$2")
  rps=$(echo "$out" | awk '/Requests\/sec/{print $2}')
  p99=$(echo "$out" | awk '$1=="99%"{print $2}')
  p50=$(echo "$out" | awk '$1=="50%"{print $2}')
  printf '%-34s %12s req/s   p50 %8s   p99 %8s\n' "$1" "$rps" "$p50" "$p99"
}

echo "connections=$CONNS duration=${DURATION}s cores=$(nproc)"
run "hello_server /" "http://127.0.0.1:$LPORT/"
run "hector /health" "http://127.0.0.1:$HPORT/health"
run "hector /agents/assistant" "http://127.0.0.1:$HPORT/agents/assistant"
echo "hector idle RSS: $((rss_kb / 1024)) MB (${rss_kb} kB)"
echo "hector start-up to listening: ${startup_ms} ms"
