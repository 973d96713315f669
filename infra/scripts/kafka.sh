# shellcheck shell=bash
# Apache Kafka: a single KRaft node (broker + controller in one JVM) on 127.0.0.1:9092 / :9093,
# run from jars that Maven resolves into .hive/kafka/libs. Sourced by infra.sh.

KAFKA_HOME="$HIVE_DIR/kafka"
KAFKA_LIBS="$KAFKA_HOME/libs"
KAFKA_DATA="$KAFKA_HOME/data"
KAFKA_CONFIG="$KAFKA_HOME/server.properties"
KAFKA_LOG="$LOG_DIR/kafka.log"           # the broker's own log (log4j, rolling)
KAFKA_STDOUT="$LOG_DIR/kafka.stdout.log" # the JVM's stdout/stderr: normally empty, crashes land here
KAFKA_POM="$HIVE_ROOT/infra/kafka/pom.xml"
KAFKA_HOST=127.0.0.1
KAFKA_PORT=9092
KAFKA_CONTROLLER_PORT=9093
# A broker with much transaction state to load can take over a minute on a busy 2-core machine.
KAFKA_START_TIMEOUT=${KAFKA_START_TIMEOUT:-180}
# The single source of the broker version is the pom.
KAFKA_VERSION=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$KAFKA_POM")

# Logging for the broker and for the tools run below (StorageTool): all into kafka.log.
KAFKA_LOG4J_OPTS=(
  -Dlog4j.configuration="file:$HIVE_ROOT/infra/kafka/log4j.properties"
  -Dhive.kafka.log="$KAFKA_LOG"
)
# JVM settings close to Kafka's own kafka-server-start.sh, with a smaller heap.
KAFKA_JVM_OPTS=(
  -Xms256m -Xmx1g
  -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35
  -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15
  -Djava.awt.headless=true
  "${KAFKA_LOG4J_OPTS[@]}"
)

# The libs folder is complete when its marker names this version and this pom's checksum, so an
# edit to the pom (a new version, another dependency) resolves again; otherwise Maven is skipped.
kafka_libs_marker() { printf '%s %s\n' "$KAFKA_VERSION" "$(sha256sum "$KAFKA_POM" | cut -c1-16)"; }

kafka_ensure_libs() {
  local marker="$KAFKA_LIBS/.complete" want
  want=$(kafka_libs_marker)
  if [ -f "$marker" ] && [ "$(cat "$marker")" = "$want" ]; then
    return 0
  fi
  command -v mvn >/dev/null || die "Maven (mvn) is needed to fetch the Kafka $KAFKA_VERSION jars; install it (apt-get install maven)."
  info "  resolving Apache Kafka $KAFKA_VERSION jars with Maven (first run only)..."
  local started tmp="$KAFKA_HOME/libs.partial"
  started=$(now_ms)
  rm -rf "$tmp"
  mkdir -p "$tmp"
  # Copy into a scratch folder and swap it in, so an interrupted run never leaves a folder that
  # looks complete.
  if ! mvn -q -B --no-transfer-progress -Dstyle.color=never -f "$KAFKA_POM" \
      dependency:copy-dependencies -DoutputDirectory="$tmp" >"$LOG_DIR/kafka-maven.log" 2>&1; then
    show_log_tail "$LOG_DIR/kafka-maven.log"
    die "Maven could not resolve Kafka $KAFKA_VERSION (log: $LOG_DIR/kafka-maven.log)"
  fi
  ls "$tmp"/kafka_2.13-"$KAFKA_VERSION".jar >/dev/null 2>&1 \
    || die "Maven finished but kafka_2.13-$KAFKA_VERSION.jar is missing from $tmp"
  echo "$want" >"$tmp/.complete"
  rm -rf "$KAFKA_LIBS"
  mv "$tmp" "$KAFKA_LIBS"
  info "  $(find "$KAFKA_LIBS" -name '*.jar' | wc -l) jars in $KAFKA_LIBS ($(elapsed_since "$started"))"
}

kafka_java() { java "${KAFKA_LOG4J_OPTS[@]}" -cp "$KAFKA_LIBS/*" "$@"; }

kafka_rendered_config() { sed "s|@DATA_DIR@|$KAFKA_DATA|g" "$HIVE_ROOT/infra/kafka/server.properties"; }

kafka_render_config() {
  mkdir -p "$KAFKA_DATA"
  kafka_rendered_config >"$KAFKA_CONFIG"
}

# Formats the storage once. meta.properties is what StorageTool writes and what the broker reads
# to know its cluster id, so its presence is the "already formatted" test.
kafka_format_once() {
  [ -f "$KAFKA_DATA/meta.properties" ] && return 0
  local cluster_id
  cluster_id=$(kafka_java kafka.tools.StorageTool random-uuid 2>>"$KAFKA_STDOUT") \
    || die "kafka.tools.StorageTool random-uuid failed (see $KAFKA_STDOUT)"
  info "  formatting $KAFKA_DATA (cluster id $cluster_id)"
  kafka_java kafka.tools.StorageTool format -t "$cluster_id" -c "$KAFKA_CONFIG" \
    >>"$KAFKA_STDOUT" 2>&1 || { show_log_tail "$KAFKA_STDOUT"; die "formatting Kafka storage failed"; }
}

# True when the broker answers a Kafka request, not merely a TCP connect (the kernel accepts
# connections on a listening socket even while the JVM is hung or stopped). Sends ApiVersions v0
#   size=12 | api_key=18 | api_version=0 | correlation_id=1 | client_id="hv"
# and expects a response header with correlation id 1 and error code 0. Takes a few ms.
kafka_answers() {
  local reply
  # shellcheck disable=SC2016 # $1 and $2 belong to the inner shell
  reply=$(timeout 2 bash -c '
    exec 3<>"/dev/tcp/$1/$2" || exit 1
    printf "\x00\x00\x00\x0c\x00\x12\x00\x00\x00\x00\x00\x01\x00\x02hv" >&3
    head -c 10 <&3 | od -An -tx1 -w10
  ' kafka-answers "$KAFKA_HOST" "$KAFKA_PORT" 2>/dev/null) || return 1
  # od prints " 00 00 01 78 ..." (leading space): bytes 0-3 response size, 4-7 correlation id,
  # 8-9 error code
  [ "$(cut -d' ' -f6-11 <<<"$reply")" = "00 00 00 01 00 00" ]
}

# Waits until the broker started at log offset <from_byte> says it is up and accepts
# connections. Fails early if the process dies.
kafka_wait_ready() { # <pid> <from_byte>
  local pid=$1 from=$2 deadline=$(( $(date +%s) + KAFKA_START_TIMEOUT ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    if ! pid_alive "$pid"; then
      show_log_tail "$KAFKA_LOG"
      show_log_tail "$KAFKA_STDOUT" 20
      die "Kafka (pid $pid) exited during startup"
    fi
    # "Kafka Server started (kafka.server.KafkaRaftServer)" is the broker's last startup line.
    # Read only what this start wrote; if the log rolled over meanwhile, read it all.
    local size
    size=$(stat -c %s "$KAFKA_LOG" 2>/dev/null || echo 0)
    [ "$size" -lt "$from" ] && from=0
    if tail -c +"$((from + 1))" "$KAFKA_LOG" 2>/dev/null | grep -q 'Kafka Server started' \
        && kafka_answers; then
      return 0
    fi
    sleep 0.25
  done
  show_log_tail "$KAFKA_LOG"
  show_log_tail "$KAFKA_STDOUT" 20
  stop_pid "$pid" kafka 10 # leave nothing half-started behind
  rm -f "$RUN_DIR/kafka.pid"
  die "Kafka did not become ready on $KAFKA_HOST:$KAFKA_PORT within ${KAFKA_START_TIMEOUT}s (log: $KAFKA_LOG)"
}

kafka_up() {
  local pid started
  started=$(now_ms)
  command -v java >/dev/null || die "java is needed to run Kafka (OpenJDK 17: apt-get install openjdk-17-jre-headless)"

  pid=$(live_pid kafka)
  # A live broker of ours without a pid file (deleted, or started by an interrupted run).
  # (adopt_or_refuse_port fails inside $(...), so its failure is passed on explicitly.)
  if [ -z "$pid" ]; then pid=$(adopt_or_refuse_port kafka "$KAFKA_PORT") || exit 1; fi
  if [ -z "$pid" ]; then pid=$(adopt_or_refuse_port kafka "$KAFKA_CONTROLLER_PORT") || exit 1; fi

  if [ -n "$pid" ]; then
    if kafka_answers; then
      ok "kafka      already running on $KAFKA_HOST:$KAFKA_PORT (pid $pid)"
      kafka_rendered_config | cmp -s - "$KAFKA_CONFIG" \
        || warn "infra/kafka/server.properties changed since this broker started; apply it with: npm run infra:down -- kafka && npm run infra:up"
      return 0
    fi
    # Alive but not answering: hung or half-started. Start over rather than wait on it.
    warn "kafka (pid $pid) is running but does not answer on $KAFKA_PORT; restarting it"
    stop_pid "$pid" kafka 20
    rm -f "$RUN_DIR/kafka.pid"
  fi

  mkdir -p "$KAFKA_HOME"
  : >"$KAFKA_STDOUT" # only this attempt's JVM output, so a failure's tail is about this attempt
  kafka_ensure_libs
  kafka_render_config
  kafka_format_once

  local from
  from=$(stat -c %s "$KAFKA_LOG" 2>/dev/null || echo 0)
  start_daemon kafka "$KAFKA_STDOUT" java "${KAFKA_JVM_OPTS[@]}" -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_CONFIG"
  pid=$(live_pid kafka)
  [ -n "$pid" ] || { show_log_tail "$KAFKA_STDOUT"; die "Kafka exited immediately"; }
  kafka_wait_ready "$pid" "$from"
  ok "kafka      started on $KAFKA_HOST:$KAFKA_PORT (pid $pid, ready in $(elapsed_since "$started"))"
}

kafka_down() {
  local pid
  pid=$(live_pid kafka)
  if [ -z "$pid" ]; then
    info "  kafka      not running (nothing of ours to stop)"
    return 0
  fi
  # SIGTERM makes the broker shut down cleanly (flushes logs, so the next start skips recovery).
  stop_pid "$pid" kafka 30
  rm -f "$RUN_DIR/kafka.pid"
  ok "kafka      stopped (was pid $pid)"
}

kafka_status() {
  local pid state
  pid=$(live_pid kafka)
  if [ -n "$pid" ] && kafka_answers; then state=running
  elif [ -n "$pid" ]; then state="starting/unhealthy"
  elif kafka_answers; then state="running (not started by these scripts)"
  else state=stopped
  fi
  status_line kafka "$state" "$KAFKA_HOST:$KAFKA_PORT (controller :$KAFKA_CONTROLLER_PORT, Kafka $KAFKA_VERSION)" "${pid:--}" "$KAFKA_LOG"
}
