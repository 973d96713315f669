#!/usr/bin/env bash
# Stops the services npm start launched (SIGTERM: each finishes its batch in
# flight, commits and leaves its consumer groups). With --all, the
# infrastructure too.
set -uo pipefail
cd "$(dirname "$0")/.."

for pidfile in .hive/run/services/*.pid; do
  [ -e "$pidfile" ] || continue
  name=$(basename "$pidfile" .pid)
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    echo "stopped ${name}"
  fi
  rm -f "$pidfile"
done

if [ "${1:-}" = "--all" ]; then
  bash infra/scripts/infra.sh down
fi
