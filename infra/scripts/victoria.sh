# shellcheck shell=bash
# VictoriaMetrics on 127.0.0.1:8428: the local stand-in for InfluxDB 2.x. It accepts the same
# InfluxDB line-protocol writes at /api/v2/write (org, bucket and token are ignored), which is
# all @influxdata/influxdb-client needs. Sourced by infra.sh.
#
# -search.latencyOffset=0s: by default queries hide the last 30 s of samples, which would make
# every "write a metric, then read it back" test wait half a minute.
# Freshly written samples become searchable within about a second; a test that must not wait
# can call GET /internal/force_flush first.

VM_HOST=127.0.0.1
VM_PORT=8428
VM_DATA="$HIVE_DIR/victoria"
VM_LOG="$LOG_DIR/victoria-metrics.log"
VM_START_TIMEOUT=${VM_START_TIMEOUT:-30}

vm_binary() {
  command -v victoria-metrics 2>/dev/null || { [ -x /usr/bin/victoria-metrics ] && echo /usr/bin/victoria-metrics; } || true
}

# Installs Debian's package when the binary is missing. The package also ships a systemd unit;
# we never use it (these machines have no systemd, and the scripts own the process).
vm_ensure_installed() {
  [ -n "$(vm_binary)" ] && return 0
  [ "$(id -u)" = 0 ] || die "victoria-metrics is not installed; run: sudo apt-get install victoria-metrics"
  info "  installing the Debian package victoria-metrics..."
  {
    apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends victoria-metrics
  } >"$LOG_DIR/victoria-install.log" 2>&1 || {
    show_log_tail "$LOG_DIR/victoria-install.log"
    die "apt-get install victoria-metrics failed"
  }
  [ -n "$(vm_binary)" ] || die "victoria-metrics installed but its binary is not on PATH"
}

vm_healthy() {
  [ "$(curl -fsS --max-time 2 "http://$VM_HOST:$VM_PORT/health" 2>/dev/null)" = OK ]
}

vm_up() {
  local pid started
  started=$(now_ms)
  pid=$(live_pid victoria-metrics)
  if [ -z "$pid" ]; then pid=$(adopt_or_refuse_port victoria-metrics "$VM_PORT") || exit 1; fi
  if [ -n "$pid" ]; then
    if vm_healthy; then
      ok "victoria   already running on http://$VM_HOST:$VM_PORT (pid $pid)"
      return 0
    fi
    warn "victoria-metrics (pid $pid) does not answer /health; restarting it"
    stop_pid "$pid" victoria-metrics 15
    rm -f "$RUN_DIR/victoria-metrics.pid"
  fi

  vm_ensure_installed
  mkdir -p "$VM_DATA"
  start_daemon victoria-metrics "$VM_LOG" "$(vm_binary)" \
    -httpListenAddr="$VM_HOST:$VM_PORT" \
    -storageDataPath="$VM_DATA" \
    -search.latencyOffset=0s
  pid=$(live_pid victoria-metrics)

  local deadline=$(( $(date +%s) + VM_START_TIMEOUT ))
  until vm_healthy; do
    if ! pid_alive "$pid"; then
      show_log_tail "$VM_LOG"
      die "victoria-metrics exited during startup"
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      show_log_tail "$VM_LOG"
      stop_pid "$pid" victoria-metrics 10 # leave nothing half-started behind
      rm -f "$RUN_DIR/victoria-metrics.pid"
      die "victoria-metrics did not answer http://$VM_HOST:$VM_PORT/health within ${VM_START_TIMEOUT}s"
    fi
    sleep 0.2
  done
  ok "victoria   started on http://$VM_HOST:$VM_PORT (pid $pid, ready in $(elapsed_since "$started"))"
}

vm_down() {
  local pid
  pid=$(live_pid victoria-metrics)
  if [ -z "$pid" ]; then
    info "  victoria   not running (nothing of ours to stop)"
    return 0
  fi
  stop_pid "$pid" victoria-metrics 20 # SIGTERM: flushes in-memory data to disk, then exits
  rm -f "$RUN_DIR/victoria-metrics.pid"
  ok "victoria   stopped (was pid $pid)"
}

vm_status() {
  local pid state
  pid=$(live_pid victoria-metrics)
  if [ -n "$pid" ] && vm_healthy; then state=running
  elif [ -n "$pid" ]; then state="starting/unhealthy"
  elif vm_healthy; then state="running (not started by these scripts)"
  else state=stopped
  fi
  status_line victoria "$state" "http://$VM_HOST:$VM_PORT (InfluxDB v2 write API at /api/v2/write)" "${pid:--}" "$VM_LOG"
}
