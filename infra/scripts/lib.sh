# shellcheck shell=bash
# Shared helpers for the local infrastructure scripts. Sourced by infra.sh; not run on its own.
#
# Layout of the runtime folder (gitignored):
#   .hive/logs/<component>.log   what each process writes
#   .hive/run/<component>.pid    pid of every process these scripts started (and only those)
#   .hive/infra.env              the effective connection settings, for other scripts to source

# shellcheck disable=SC2034 # used by the scripts that source this one
HIVE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HIVE_DIR="$HIVE_ROOT/.hive"
LOG_DIR="$HIVE_DIR/logs"
RUN_DIR="$HIVE_DIR/run"

if [ -t 1 ]; then
  C_OK=$'\e[32m' C_WARN=$'\e[33m' C_ERR=$'\e[31m' C_DIM=$'\e[2m' C_OFF=$'\e[0m'
else
  C_OK='' C_WARN='' C_ERR='' C_DIM='' C_OFF=''
fi

info() { printf '%s\n' "$*"; }
ok()   { printf '%s✓%s %s\n' "$C_OK" "$C_OFF" "$*"; }
warn() { printf '%s!%s %s\n' "$C_WARN" "$C_OFF" "$*" >&2; }
die()  { printf '%s✗ %s%s\n' "$C_ERR" "$*" "$C_OFF" >&2; exit 1; }

# Seconds since the epoch with millisecond precision, for "ready in 1.234 s" messages.
now_ms() { date +%s%3N; }
elapsed_since() { # <start_ms>
  local ms=$(( $(now_ms) - $1 ))
  printf '%d.%03d s' $((ms / 1000)) $((ms % 1000))
}

# Prints the last lines of a log so a failure explains itself.
show_log_tail() { # <file> [lines]
  local file=$1 lines=${2:-40}
  if [ -s "$file" ]; then
    printf '%s--- last %s lines of %s ---%s\n' "$C_DIM" "$lines" "$file" "$C_OFF" >&2
    tail -n "$lines" "$file" >&2
    printf '%s--- end of %s ---%s\n' "$C_DIM" "$file" "$C_OFF" >&2
  else
    printf '(%s is empty or missing)\n' "$file" >&2
  fi
}

# --- Processes ---------------------------------------------------------------------------------

pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

# True when <pid> is one of ours: its command line mentions this checkout's .hive folder
# (every process we start gets a path under it as an argument). Guards against acting on a pid
# that the kernel has since reused for an unrelated process.
pid_is_ours() { # <pid>
  pid_alive "$1" && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF "$HIVE_DIR/"
}

# The pid recorded for a component if that process is still alive and ours; otherwise removes a
# stale pid file and prints nothing.
live_pid() { # <component>
  local file="$RUN_DIR/$1.pid" pid
  [ -f "$file" ] || return 0
  pid=$(head -n1 "$file" 2>/dev/null | tr -dc '0-9')
  if pid_is_ours "$pid"; then
    printf '%s\n' "$pid"
  else
    rm -f "$file"
  fi
}

# Stops a process gracefully: <signal> (TERM by default), up to <timeout> seconds, then KILL.
stop_pid() { # <pid> <name> [timeout_s] [signal]
  local pid=$1 name=$2 timeout=${3:-30} sig=${4:-TERM} waited=0
  pid_alive "$pid" || return 0
  kill -s "$sig" "$pid" 2>/dev/null || return 0
  kill -s CONT "$pid" 2>/dev/null || true # a stopped (SIGSTOP, ^Z) process only acts on it once resumed
  while pid_alive "$pid"; do
    if [ "$waited" -ge $((timeout * 10)) ]; then
      warn "$name (pid $pid) still running after ${timeout}s; sending SIGKILL"
      kill -s KILL "$pid" 2>/dev/null || true
      sleep 0.5
      break
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
}

# Bash code that closes every file descriptor above 2 in the shell running it. Every long-lived
# process we start runs through it: a daemon that inherits the caller's pipe keeps it open, so
# `npm run infra:up | tee` or a CI step would hang until the daemon exits, and one that inherits
# the lock fd (see take_lock in infra.sh) would block every later `up` and `down`.
# shellcheck disable=SC2016
CLOSE_EXTRA_FDS='for fd in /proc/$$/fd/*; do fd=${fd##*/}; [ "$fd" -gt 2 ] 2>/dev/null && eval "exec $fd>&-"; done'

# Runs a command that may leave processes behind (pg_ctl start) with only fds 0-2 inherited.
run_with_std_fds() { bash -c "$CLOSE_EXTRA_FDS"'; exec "$@"' run-with-std-fds "$@"; }

# Starts a long-running process detached from this shell and records its pid.
#   start_daemon <component> <log file> <command...>
# The process gets its own session (no SIGINT/SIGHUP from the terminal or from npm's process
# group), stdin from /dev/null, stdout+stderr appended to the log and no other inherited fds.
start_daemon() {
  local component=$1 log=$2
  shift 2
  local pidfile="$RUN_DIR/$component.pid"
  rm -f "$pidfile"
  # Inside the new session: write our own pid, then exec, so the pid is the daemon's pid.
  # shellcheck disable=SC2016
  setsid bash -c "$CLOSE_EXTRA_FDS"'
    pidfile=$1; shift
    echo $$ >"$pidfile"
    exec "$@"
  ' start-daemon "$pidfile" "$@" </dev/null >>"$log" 2>&1 &
  # Wait (briefly) for the pid file so callers can rely on it.
  for _ in $(seq 1 50); do
    [ -s "$pidfile" ] && return 0
    sleep 0.05
  done
  die "$component did not start (no pid file); see $log"
}

# --- Network -----------------------------------------------------------------------------------

# True when something accepts TCP connections on host:port (bash's /dev/tcp, 1 s timeout).
port_open() { # <host> <port>
  # shellcheck disable=SC2016 # $1 and $2 belong to the inner shell
  timeout 1 bash -c 'exec 3<>"/dev/tcp/$1/$2"' port-check "$1" "$2" 2>/dev/null
}

# Pid of the process listening on a local TCP port, if this user can see it (needs `ss`).
port_owner() { # <port>
  command -v ss >/dev/null || return 0
  ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n1 | cut -d= -f2
}

# Describes a pid for error messages: "1234 (java -Xmx1g ...)".
describe_pid() { # <pid>
  local cmd
  cmd=$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | cut -c1-120)
  printf '%s (%s)' "$1" "${cmd:-unknown}"
}

# If <port> is held by a process of ours that lost its pid file, record it again and print its
# pid ("adopt" it). If it is held by someone else, fail with who holds it. Prints nothing when
# the port is free.
adopt_or_refuse_port() { # <component> <port>
  local component=$1 port=$2 owner
  port_open 127.0.0.1 "$port" || return 0
  owner=$(port_owner "$port")
  if [ -n "$owner" ] && pid_is_ours "$owner"; then
    echo "$owner" >"$RUN_DIR/$component.pid"
    printf '%s\n' "$owner"
    return 0
  fi
  if [ -n "$owner" ]; then
    die "port $port (needed by $component) is held by pid $(describe_pid "$owner"), which these scripts did not start. Stop it, then run this again."
  fi
  die "port $port (needed by $component) is in use by a process this user cannot identify. Free it, then run this again."
}
