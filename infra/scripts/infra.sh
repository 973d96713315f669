#!/usr/bin/env bash
# Local infrastructure for Hive without Docker: Kafka (KRaft, single node), PostgreSQL,
# VictoriaMetrics (the InfluxDB 2 write-API stand-in) and Redis (the gateway's rate limits),
# all on 127.0.0.1.
#
#   bash infra/scripts/infra.sh up     [component...]   start what is not running, repair what is half-started
#   bash infra/scripts/infra.sh down   [component...]   stop what these scripts started (never anything else)
#   bash infra/scripts/infra.sh status [component...]   one line per component
#   bash infra/scripts/infra.sh owned                  names of the components these scripts are running
#
# Components: postgres, redis, victoria (VictoriaMetrics), kafka. Default: all of them.
# Runtime state lives in .hive/ (gitignored); see lib.sh for the layout. After `up`,
# .hive/infra.env holds KAFKA_BROKERS, DATABASE_URL, INFLUX_URL, ... for other scripts to source.
# docker-compose.yml runs the same stack (same versions and broker settings) on a Docker host.
set -Eeuo pipefail
# set -e stops at the first unexpected failure; say where, instead of exiting silently.
trap 'printf "✗ infra.sh: unexpected failure (exit %s) at %s:%s: %s\n" "$?" "${BASH_SOURCE[0]##*/}" "$LINENO" "$BASH_COMMAND" >&2' ERR

SCRIPTS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$SCRIPTS/lib.sh"
# shellcheck source=postgres.sh
source "$SCRIPTS/postgres.sh"
# shellcheck source=redis.sh
source "$SCRIPTS/redis.sh"
# shellcheck source=victoria.sh
source "$SCRIPTS/victoria.sh"
# shellcheck source=kafka.sh
source "$SCRIPTS/kafka.sh"

ALL_COMPONENTS=(postgres redis victoria kafka)

usage() {
  sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit 2
}

status_line() { # <component> <state> <address> <pid> <log>
  printf '%-9s %-44s %s\n' "$1" "$2" "$3"
  printf '%-9s pid %-40s log %s\n' '' "${4:--}" "${5:--}"
}

write_env_file() {
  local file="$HIVE_DIR/infra.env"
  cat >"$file.tmp" <<EOF
# Written by infra/scripts/infra.sh up: the local infrastructure's connection settings.
# Source it (set -a; . .hive/infra.env; set +a) before starting services or tests by hand.
KAFKA_BROKERS=$KAFKA_HOST:$KAFKA_PORT
DATABASE_URL=$(pg_effective_url)
REDIS_URL=$(redis_effective_url)
INFLUX_URL=http://$VM_HOST:$VM_PORT
# VictoriaMetrics ignores org, bucket and token; they are here so the same client code runs
# unchanged against InfluxDB 2 (docker-compose.yml sets up org hive, bucket hive).
INFLUX_ORG=hive
INFLUX_BUCKET=hive
INFLUX_TOKEN=hive-dev-token
EOF
  mv "$file.tmp" "$file"
}

# Serialises up/down so two callers (say, two test runners) never start a component twice.
take_lock() {
  exec 9>"$RUN_DIR/infra.lock"
  flock -w 180 9 || die "another infra.sh up/down has held $RUN_DIR/infra.lock for 3 minutes"
}

run_each() { # <action> <component...>
  local action=$1 component
  shift
  for component in "$@"; do
    case "$component" in
      postgres) "pg_$action" ;;
      redis) "redis_$action" ;;
      victoria) "vm_$action" ;;
      kafka) "kafka_$action" ;;
      *) die "unknown component '$component' (expected: ${ALL_COMPONENTS[*]})" ;;
    esac
  done
}

main() {
  local command=${1:-}
  [ $# -gt 0 ] && shift
  local components=("$@")
  [ ${#components[@]} -gt 0 ] || components=("${ALL_COMPONENTS[@]}")
  mkdir -p "$LOG_DIR" "$RUN_DIR"

  case "$command" in
    up)
      take_lock
      local started
      started=$(now_ms)
      run_each up "${components[@]}"
      write_env_file
      info "infrastructure ready in $(elapsed_since "$started"); settings in $HIVE_DIR/infra.env"
      ;;
    down)
      take_lock
      # Reverse order: Kafka first, so nothing is left writing to the stores.
      local reversed=() i
      for ((i = ${#components[@]} - 1; i >= 0; i--)); do reversed+=("${components[i]}"); done
      run_each down "${reversed[@]}"
      ;;
    status)
      run_each status "${components[@]}"
      ;;
    owned)
      # For callers that must stop only what they started (.ci/run): which components have a
      # live process recorded in .hive/run. The machine's own PostgreSQL is never listed.
      [ -n "$(live_pid postgres)" ] && echo postgres
      [ -n "$(live_pid redis)" ] && echo redis
      [ -n "$(live_pid victoria-metrics)" ] && echo victoria
      [ -n "$(live_pid kafka)" ] && echo kafka
      true
      ;;
    *) usage ;;
  esac
}

main "$@"
