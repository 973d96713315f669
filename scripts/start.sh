#!/usr/bin/env bash
# The one start command (npm start): local infrastructure, a build, then every
# Hive service as a background process (logs in .hive/logs, pids in .hive/run).
# Running it again leaves healthy services alone. `npm stop` stops them.
set -euo pipefail
cd "$(dirname "$0")/.."

SERVICES=(agent-manager coordinator workflow-engine performance-monitor mcp-bridge gateway)

bash infra/scripts/infra.sh up
set -a
# shellcheck disable=SC1091
source .hive/infra.env
set +a

echo "building..."
npx nx run-many -t build --outputStyle=static >/dev/null

mkdir -p .hive/logs .hive/run/services
for service in "${SERVICES[@]}"; do
  pidfile=".hive/run/services/${service}.pid"
  log=".hive/logs/${service}.log"
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    echo "  ${service}: already running (pid $(cat "$pidfile"))"
    continue
  fi
  : >"$log"
  nohup node "services/${service}/dist/main.js" >>"$log" 2>&1 &
  echo $! >"$pidfile"
done

deadline=$((SECONDS + 90))
for service in "${SERVICES[@]}"; do
  log=".hive/logs/${service}.log"
  until grep -q "${service} ready" "$log"; do
    if ! kill -0 "$(cat ".hive/run/services/${service}.pid")" 2>/dev/null || [ "$SECONDS" -gt "$deadline" ]; then
      echo "${service} did not start; last lines of ${log}:" >&2
      tail -n 30 "$log" >&2
      exit 1
    fi
    sleep 0.2
  done
  echo "  ${service}: $(grep -o -e 'health on [^)]*' -e 'ready on .*)' "$log" | tail -1 | sed 's/\x1b\[[0-9;]*m//g')"
done

# Three simulated agents stand in for LLM servers (HIVE_SIMULATED_AGENTS=0 skips them): acacia,
# walnut and ironwood on 11501-11503, registered as shared agents of every tenant.
if [ "${HIVE_SIMULATED_AGENTS:-1}" != "0" ]; then
  pidfile=".hive/run/services/simulated-agents.pid"
  log=".hive/logs/simulated-agents.log"
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    echo "  simulated agents: already running (pid $(cat "$pidfile"))"
  else
    : >"$log"
    nohup node tools/simulated-agent/dist/main.js --preset standard >>"$log" 2>&1 &
    echo $! >"$pidfile"
    until [ "$(grep -c 'listening on' "$log")" -ge 3 ]; do
      if ! kill -0 "$(cat "$pidfile")" 2>/dev/null || [ "$SECONDS" -gt "$deadline" ]; then
        echo "the simulated agents did not start; last lines of ${log}:" >&2
        tail -n 30 "$log" >&2
        exit 1
      fi
      sleep 0.2
    done
    sed 's/^/  /' "$log"
  fi
  node tools/simulated-agent/dist/registering/register-standard-agents.js
fi

cat <<INFO

Hive is running.
  Gateway API          http://127.0.0.1:${GATEWAY_PORT:-3000}/api  (token: npm run -s token -- --role admin --tenant acme)
  API docs             http://127.0.0.1:${GATEWAY_PORT:-3000}/api/docs  (OpenAPI: /api/openapi.json)
  WebSocket            ws://127.0.0.1:${GATEWAY_PORT:-3000}/ws?token=<token>
  Dashboard            http://127.0.0.1:${GATEWAY_PORT:-3000}/dashboard/  (log in as a local user, or paste a token)
  CLI                  npm run -s hive -- --help
  Kafka                ${KAFKA_BROKERS}
  PostgreSQL           ${DATABASE_URL}
  Metrics store        ${INFLUX_URL}  (VictoriaMetrics, InfluxDB v2 write API)
  Logs                 .hive/logs/
  Stop                 npm stop            (services; add -- --all to stop the infrastructure too)
INFO
