# shellcheck shell=bash
# Redis for the gateway's rate limits (shared by all gateway instances), in order of preference:
#   1. REDIS_URL, when set to something other than the local default: used as is (checked only);
#   2. the machine's server on 127.0.0.1:6379 (these machines run one);
#   3. otherwise a private server from the machine's redis-server binary (installed from Debian's
#      package when missing), in memory only (no snapshots: rate-limit windows are short-lived).
# Sourced by infra.sh.

REDIS_HOST=127.0.0.1
REDIS_PORT=${HIVE_REDIS_PORT:-6379} # overridable only to exercise the private-server path beside a running one
REDIS_DEFAULT_URL="redis://$REDIS_HOST:$REDIS_PORT"
REDIS_LOG="$LOG_DIR/redis.log"
REDIS_START_TIMEOUT=${REDIS_START_TIMEOUT:-20}

redis_external_url() {
  if [ -n "${REDIS_URL:-}" ] && [ "$REDIS_URL" != "$REDIS_DEFAULT_URL" ]; then printf '%s\n' "$REDIS_URL"; fi
}

# PING over a raw TCP connection (no redis-cli needed): true when the answer is +PONG.
redis_ping() { # [host] [port]
  local host=${1:-$REDIS_HOST} port=${2:-$REDIS_PORT}
  # shellcheck disable=SC2016 # $1 and $2 belong to the inner shell
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2" && printf "PING\r\n" >&3 && IFS= read -r reply <&3 && [ "${reply%$'"'"'\r'"'"'}" = "+PONG" ]' redis-ping "$host" "$port" 2>/dev/null
}

redis_binary() { command -v redis-server 2>/dev/null || true; }

redis_ensure_installed() {
  [ -n "$(redis_binary)" ] && return 0
  [ "$(id -u)" = 0 ] || die "redis-server is not installed; run: sudo apt-get install redis-server"
  info "  installing the Debian package redis-server..."
  {
    apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server
  } >"$LOG_DIR/redis-install.log" 2>&1 || { show_log_tail "$LOG_DIR/redis-install.log"; die "apt-get install redis-server failed"; }
}

redis_up() {
  local external pid started
  external=$(redis_external_url)
  if [ -n "$external" ]; then
    ok "redis      using REDIS_URL (external, not managed here)"
    return 0
  fi
  pid=$(live_pid redis)
  if [ -n "$pid" ] && redis_ping; then
    ok "redis      already running on $REDIS_DEFAULT_URL (pid $pid)"
    return 0
  elif [ -z "$pid" ] && redis_ping; then
    ok "redis      machine's server answers on $REDIS_DEFAULT_URL (not managed here)"
    return 0
  elif [ -n "$pid" ]; then
    warn "the private Redis server (pid $pid) does not answer; restarting it"
    stop_pid "$pid" redis 10
    rm -f "$RUN_DIR/redis.pid"
  fi
  started=$(now_ms)
  redis_ensure_installed
  # Redis rewrites its process title; the template keeps this checkout's .hive path in it (the config
  # file's), which is how these scripts recognise their own processes (lib.sh, pid_is_ours).
  mkdir -p "$HIVE_DIR/redis"
  printf 'bind %s\nport %s\nsave ""\nappendonly no\ndaemonize no\ndir %s\nproc-title-template "{title} {listen-addr} {config-file}"\n' \
    "$REDIS_HOST" "$REDIS_PORT" "$HIVE_DIR/redis" >"$HIVE_DIR/redis/redis.conf"
  start_daemon redis "$REDIS_LOG" "$(redis_binary)" "$HIVE_DIR/redis/redis.conf"
  pid=$(live_pid redis)
  local deadline=$(( $(date +%s) + REDIS_START_TIMEOUT ))
  until redis_ping; do
    pid_alive "$pid" || { show_log_tail "$REDIS_LOG"; die "redis-server exited during startup"; }
    if [ "$(date +%s)" -ge "$deadline" ]; then
      show_log_tail "$REDIS_LOG"
      stop_pid "$pid" redis 5
      rm -f "$RUN_DIR/redis.pid"
      die "redis-server did not answer PING on $REDIS_DEFAULT_URL within ${REDIS_START_TIMEOUT}s"
    fi
    sleep 0.1
  done
  ok "redis      started a private server on $REDIS_DEFAULT_URL (pid $pid, ready in $(elapsed_since "$started"))"
}

redis_down() {
  local pid
  pid=$(live_pid redis)
  if [ -z "$pid" ]; then
    if [ -z "$(redis_external_url)" ] && redis_ping; then info "  redis      left running (the machine's server; these scripts did not start it)"
    else info "  redis      not running (nothing of ours to stop)"
    fi
    return 0
  fi
  stop_pid "$pid" redis 10
  rm -f "$RUN_DIR/redis.pid"
  ok "redis      stopped the private server (was pid $pid)"
}

redis_status() {
  local pid external
  external=$(redis_external_url)
  if [ -n "$external" ]; then
    status_line redis "external" "$external" - -
    return 0
  fi
  pid=$(live_pid redis)
  if [ -n "$pid" ] && redis_ping; then status_line redis "running (private server)" "$REDIS_DEFAULT_URL" "$pid" "$REDIS_LOG"
  elif [ -n "$pid" ]; then status_line redis "starting/unhealthy (private server)" "$REDIS_DEFAULT_URL" "$pid" "$REDIS_LOG"
  elif redis_ping; then status_line redis "running (machine's server, not managed here)" "$REDIS_DEFAULT_URL" "$(port_owner "$REDIS_PORT")" "(the machine's Redis log)"
  else status_line redis stopped "$REDIS_DEFAULT_URL" - "$REDIS_LOG"
  fi
}

redis_effective_url() {
  local external
  external=$(redis_external_url)
  printf '%s\n' "${external:-$REDIS_DEFAULT_URL}"
}
