# shellcheck shell=bash
# PostgreSQL for Hive, in order of preference:
#   1. DATABASE_URL, when set to something other than the local default: used as is (checked only);
#   2. the machine's server on 127.0.0.1:5432 (these machines run PostgreSQL 15, trust auth);
#   3. otherwise a private server started from the machine's binaries, data under .hive/postgres.
# In cases 2 and 3 the database `hive` is created when missing. Sourced by infra.sh.

PG_HOST=127.0.0.1
PG_PORT=${HIVE_PG_PORT:-5432} # overridable only to exercise the private-server path beside a running one
PG_DB=hive
PG_DEFAULT_URL="postgres://postgres@$PG_HOST:$PG_PORT/$PG_DB"
PG_PRIVATE_DIR="$HIVE_DIR/postgres"
PG_PRIVATE_DATA="$PG_PRIVATE_DIR/data"
PG_LOG="$LOG_DIR/postgres.log"
PG_CLUSTER_NAME=hive-private # shows in the private server's process titles ("postgres: hive-private: ...")
PG_START_TIMEOUT=${PG_START_TIMEOUT:-60}

# DATABASE_URL counts as "external" only when it is not what these scripts would write anyway,
# so sourcing .hive/infra.env before `up` does not stop the private server from being started.
pg_external_url() {
  if [ -n "${DATABASE_URL:-}" ] && [ "$DATABASE_URL" != "$PG_DEFAULT_URL" ]; then
    printf '%s\n' "$DATABASE_URL"
  fi
}

# The newest server binaries installed by Debian's postgresql packages.
pg_bindir() {
  local dir
  dir=$(printf '%s\n' /usr/lib/postgresql/*/bin | grep -v '\*' | sort -V | tail -n1 || true)
  [ -n "$dir" ] || dir=$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")
  [ -x "$dir/initdb" ] || die "no PostgreSQL server binaries found (looked in /usr/lib/postgresql/*/bin and PATH)"
  printf '%s\n' "$dir"
}

pg_tool() { # <name>: a client tool from PATH, else from the server's bin dir
  command -v "$1" 2>/dev/null || echo "$(pg_bindir)/$1"
}

# A URL fit for logs: the password, if any, replaced by ***.
redact_url() { sed -E 's#^([a-z]+://[^:/@]+):[^@]*@#\1:***@#' <<<"$1"; }

pg_ready() { "$(pg_tool pg_isready)" -q -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -t 2 2>/dev/null; }

psql_local() { "$(pg_tool psql)" -X -q -v ON_ERROR_STOP=1 -h "$PG_HOST" -p "$PG_PORT" -U postgres "$@"; }

# initdb and postgres refuse to run as root: as root, run them as the `postgres` OS user.
# (An array, not a function, so it can go through run_with_std_fds.)
if [ "$(id -u)" = 0 ]; then AS_PG_USER=(runuser -u postgres --); else AS_PG_USER=(); fi

pg_ensure_database() {
  local exists
  exists=$(psql_local -d postgres -Atc "select 1 from pg_database where datname = '$PG_DB'") \
    || die "cannot query PostgreSQL on $PG_HOST:$PG_PORT as user postgres (trust auth expected)"
  if [ "$exists" != 1 ]; then
    psql_local -d postgres -c "create database $PG_DB" >/dev/null
    info "  created database $PG_DB"
  fi
}

pg_start_private() {
  local bindir started
  started=$(now_ms)
  bindir=$(pg_bindir)
  mkdir -p "$PG_PRIVATE_DIR"
  touch "$PG_LOG"
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || die "no 'postgres' OS user to run a private PostgreSQL server as"
    chown postgres: "$PG_PRIVATE_DIR" "$PG_LOG"
    "${AS_PG_USER[@]}" test -w "$PG_PRIVATE_DIR" \
      || die "the postgres OS user cannot reach $PG_PRIVATE_DIR (a parent folder is not traversable); move the checkout or set DATABASE_URL"
  fi
  if [ ! -f "$PG_PRIVATE_DATA/PG_VERSION" ]; then
    info "  initialising a private PostgreSQL cluster in $PG_PRIVATE_DATA"
    rm -rf "$PG_PRIVATE_DATA"
    "${AS_PG_USER[@]}" "$bindir/initdb" -D "$PG_PRIVATE_DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
      >>"$PG_LOG" 2>&1 || { show_log_tail "$PG_LOG"; die "initdb failed"; }
  fi
  # After a crash (kill -9) postmaster.pid stays behind. pg_ctl copes with that, but the server
  # refuses to start while the old postmaster's pid still exists (until it has been reaped) or
  # its orphaned backends still hold the shared memory; give them a few seconds to go.
  local old_pid='' waited=0
  [ -f "$PG_PRIVATE_DATA/postmaster.pid" ] && old_pid=$(head -n1 "$PG_PRIVATE_DATA/postmaster.pid" | tr -dc '0-9')
  while { pid_alive "$old_pid" || pgrep -f "^postgres: $PG_CLUSTER_NAME:" >/dev/null; } \
      && [ "$waited" -lt 100 ]; do
    sleep 0.1
    waited=$((waited + 1))
  done
  # TCP on loopback only, and no Unix socket: the machine's own server may own the default
  # socket directory, and clients here always connect with -h 127.0.0.1.
  # shellcheck disable=SC2094 # pg_ctl's own messages and the server's log share one file
  run_with_std_fds "${AS_PG_USER[@]}" "$bindir/pg_ctl" -D "$PG_PRIVATE_DATA" -l "$PG_LOG" -w -t "$PG_START_TIMEOUT" \
    -o "-c listen_addresses=$PG_HOST -c port=$PG_PORT -c unix_socket_directories='' -c cluster_name=$PG_CLUSTER_NAME" start >>"$PG_LOG" 2>&1 \
    || { show_log_tail "$PG_LOG"; die "the private PostgreSQL server did not start"; }
  head -n1 "$PG_PRIVATE_DATA/postmaster.pid" >"$RUN_DIR/postgres.pid"
  ok "postgres   started a private server on $PG_HOST:$PG_PORT (pid $(cat "$RUN_DIR/postgres.pid"), ready in $(elapsed_since "$started"))"
}

pg_up() {
  local external pid
  external=$(pg_external_url)
  if [ -n "$external" ]; then
    "$(pg_tool psql)" -X -q "$external" -Atc 'select 1' >/dev/null 2>&1 \
      || die "DATABASE_URL is set but does not answer: $(redact_url "$external")"
    ok "postgres   using DATABASE_URL (external, not managed here)"
    return 0
  fi

  pid=$(live_pid postgres)
  if [ -n "$pid" ] && pg_ready; then
    ok "postgres   already running: private server on $PG_HOST:$PG_PORT (pid $pid)"
  elif [ -n "$pid" ]; then
    warn "the private PostgreSQL server (pid $pid) does not answer; restarting it"
    stop_pid "$pid" postgres 30 INT # SIGINT = "fast" shutdown
    rm -f "$RUN_DIR/postgres.pid"
    pg_start_private
  elif pg_ready; then
    ok "postgres   machine's server answers on $PG_HOST:$PG_PORT (not managed here)"
  else
    pg_start_private
  fi
  pg_ensure_database
}

pg_down() {
  local pid
  pid=$(live_pid postgres)
  if [ -z "$pid" ]; then
    if [ -z "$(pg_external_url)" ] && pg_ready; then
      info "  postgres   left running (the machine's server; these scripts did not start it)"
    else
      info "  postgres   not running (nothing of ours to stop)"
    fi
    return 0
  fi
  stop_pid "$pid" postgres 30 INT # SIGINT = "fast" shutdown: disconnects clients, checkpoints
  rm -f "$RUN_DIR/postgres.pid"
  ok "postgres   stopped the private server (was pid $pid)"
}

pg_status() {
  local pid external
  external=$(pg_external_url)
  if [ -n "$external" ]; then
    if "$(pg_tool psql)" -X -q "$external" -Atc 'select 1' >/dev/null 2>&1; then
      status_line postgres "running (external)" "$(redact_url "$external")" - -
    else
      status_line postgres "not answering (external)" "$(redact_url "$external")" - -
    fi
    return 0
  fi
  pid=$(live_pid postgres)
  if [ -n "$pid" ] && pg_ready; then
    status_line postgres "running (private server)" "$PG_DEFAULT_URL" "$pid" "$PG_LOG"
  elif [ -n "$pid" ]; then
    status_line postgres "starting/unhealthy (private server)" "$PG_DEFAULT_URL" "$pid" "$PG_LOG"
  elif pg_ready; then
    status_line postgres "running (machine's server, not managed here)" "$PG_DEFAULT_URL" "$(port_owner "$PG_PORT")" "(the machine's PostgreSQL log)"
  else
    status_line postgres stopped "$PG_DEFAULT_URL" - "$PG_LOG"
  fi
}

pg_effective_url() {
  local external
  external=$(pg_external_url)
  printf '%s\n' "${external:-$PG_DEFAULT_URL}"
}
