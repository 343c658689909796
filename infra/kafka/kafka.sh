#!/usr/bin/env bash
# Run a real single-node Kafka 3.9.2 broker (KRaft, broker+controller) straight on the JVM,
# without Docker. The broker jars come from Maven Central (see pom.xml next to this script).
#
# Usage: infra/kafka/kafka.sh fetch|start|stop|status
#
#   fetch   Resolve the broker jars into $ORGPULSE_CACHE_DIR/kafka-3.9.2/libs (default
#           <repo>/.cache). Does nothing once a completed fetch is recorded (offline afterwards).
#   start   Start a broker in the background and wait until it is ready. Prints exactly
#           "127.0.0.1:$KAFKA_PORT" on stdout; everything else goes to stderr.
#           No-op (prints the address) if the broker of this data dir is already running.
#   stop    Stop the broker of this data dir (SIGTERM = controlled shutdown, SIGKILL after
#           $KAFKA_STOP_TIMEOUT s). Exit 0 also when nothing was running.
#   status  Print the address and exit 0 if the broker is running and accepting connections,
#           exit 1 otherwise.
#
# Environment:
#   KAFKA_PORT             client (PLAINTEXT) port, default 9092
#   KAFKA_CONTROLLER_PORT  KRaft controller port, default KAFKA_PORT+1
#   KAFKA_DATA_DIR         default <repo>/.run/kafka-$KAFKA_PORT (holds server.properties,
#                          log/ (the Kafka data), kafka.log, kafka.pid)
#   KAFKA_FRESH=1          start: wipe the data dir first (stops its broker if running)
#   KAFKA_START_TIMEOUT    start: seconds to wait for readiness, default 120
#   KAFKA_STOP_TIMEOUT     stop: seconds to wait after SIGTERM before SIGKILL, default 30
#   ORGPULSE_CACHE_DIR     jar cache root, default <repo>/.cache
#   JAVA_HOME              if set, $JAVA_HOME/bin/java is used, else java from PATH
set -euo pipefail

readonly KAFKA_VERSION=3.9.2
readonly DEP_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1
readonly READY_LINE='Kafka Server started'

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd -P)
readonly SCRIPT_DIR REPO_ROOT
readonly POM=$SCRIPT_DIR/pom.xml
readonly LOG4J=$SCRIPT_DIR/log4j.properties

log() { printf 'kafka.sh: %s\n' "$*" >&2; }
die() { printf 'kafka.sh: error: %s\n' "$*" >&2; exit 1; }

abs_path() { # absolute path of $1 (relative to the current directory), need not exist
  case $1 in
    /*) printf '%s' "$1" ;;
    *) printf '%s/%s' "$PWD" "$1" ;;
  esac
}

# ---------------------------------------------------------------------------------------------
# Jar cache
# ---------------------------------------------------------------------------------------------
CACHE_ROOT=$(abs_path "${ORGPULSE_CACHE_DIR:-$REPO_ROOT/.cache}")
readonly CACHE_ROOT
readonly KAFKA_HOME_DIR=$CACHE_ROOT/kafka-$KAFKA_VERSION
readonly LIBS_DIR=$KAFKA_HOME_DIR/libs
# Written only after a successful fetch; holds the sha256 of pom.xml so that editing the POM
# invalidates the cache. Lives outside libs/ so that it never lands on the classpath.
readonly LIBS_MARKER=$KAFKA_HOME_DIR/libs.complete

pom_digest() { sha256sum "$POM" | cut -d' ' -f1; }

libs_complete() {
  [[ -f $LIBS_MARKER && -d $LIBS_DIR ]] && [[ $(<"$LIBS_MARKER") == "$(pom_digest)" ]]
}

cmd_fetch() {
  libs_complete && return 0
  command -v mvn >/dev/null 2>&1 || die "mvn not found on PATH (needed once to fetch the Kafka jars)"
  mkdir -p "$KAFKA_HOME_DIR"
  # Serialise concurrent fetches.
  if command -v flock >/dev/null 2>&1; then
    exec 8>"$KAFKA_HOME_DIR/.fetch.lock"
    flock 8
    if libs_complete; then exec 8>&-; return 0; fi
  fi
  log "fetching Kafka $KAFKA_VERSION jars from Maven Central into $LIBS_DIR"
  local tmp=$KAFKA_HOME_DIR/libs.tmp.$$
  rm -rf "$KAFKA_HOME_DIR"/libs.tmp.* "$LIBS_MARKER"
  # (Maven 3.8 -q still prints bare ANSI resets on stdout: strip them, send the rest to stderr.)
  if ! mvn -q -B -Dstyle.color=never -f "$POM" "$DEP_PLUGIN:copy-dependencies" \
      -DincludeScope=runtime -DoutputDirectory="$tmp" 2>&1 | sed 's/\x1b\[0m//g' >&2; then
    rm -rf "$tmp"
    die "mvn failed to resolve the Kafka jars (see the output above)"
  fi
  compgen -G "$tmp/kafka_2.13-$KAFKA_VERSION.jar" >/dev/null \
    || { rm -rf "$tmp"; die "fetch finished but kafka_2.13-$KAFKA_VERSION.jar is missing in $tmp"; }
  rm -rf "$LIBS_DIR"
  mv "$tmp" "$LIBS_DIR"
  pom_digest >"$LIBS_MARKER"
  log "fetched $(find "$LIBS_DIR" -maxdepth 1 -name '*.jar' | wc -l) jars"
  if command -v flock >/dev/null 2>&1; then exec 8>&-; fi
}

# ---------------------------------------------------------------------------------------------
# Broker instance (per data dir)
# ---------------------------------------------------------------------------------------------
is_port() { [[ $1 =~ ^[0-9]+$ ]] && (( $1 >= 1 && $1 <= 65535 )); }

resolve_env() {
  KAFKA_PORT=${KAFKA_PORT:-9092}
  is_port "$KAFKA_PORT" || die "KAFKA_PORT must be a TCP port number, got '$KAFKA_PORT'"
  KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 1))}
  is_port "$KAFKA_CONTROLLER_PORT" \
    || die "KAFKA_CONTROLLER_PORT must be a TCP port number, got '$KAFKA_CONTROLLER_PORT'"
  (( KAFKA_PORT != KAFKA_CONTROLLER_PORT )) || die "KAFKA_PORT and KAFKA_CONTROLLER_PORT must differ"
  DATA_DIR=$(abs_path "${KAFKA_DATA_DIR:-$REPO_ROOT/.run/kafka-$KAFKA_PORT}")
  DATA_DIR=${DATA_DIR%/}
  [[ -n $DATA_DIR ]] || die "KAFKA_DATA_DIR must not be /"
  PID_FILE=$DATA_DIR/kafka.pid
  LOG_FILE=$DATA_DIR/kafka.log
  PROPS=$DATA_DIR/server.properties
  OWNER_MARK=$DATA_DIR/.orgpulse-kafka-data
  ADDRESS=127.0.0.1:$KAFKA_PORT
}

java_bin() {
  if [[ -n ${JAVA_HOME:-} ]]; then
    [[ -x $JAVA_HOME/bin/java ]] || die "JAVA_HOME is set but $JAVA_HOME/bin/java is not executable"
    printf '%s' "$JAVA_HOME/bin/java"
  else
    command -v java 2>/dev/null || die "java not found on PATH (and JAVA_HOME is not set)"
  fi
}

proc_alive() { # exists and is not a (fully exited, unreaped) zombie
  local pid=$1 state threads
  kill -0 "$pid" 2>/dev/null || return 1
  if [[ -r /proc/$pid/status ]]; then
    # While a JVM shuts down, its main thread may already be a zombie ("Z") while the other
    # threads (shutdown hooks: Kafka's controlled shutdown) still run: count the threads too.
    state=$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' "/proc/$pid/status" 2>/dev/null || true)
    threads=$(sed -n 's/^Threads:[[:space:]]*//p' "/proc/$pid/status" 2>/dev/null || true)
    [[ -z $state ]] && return 1
    [[ $state != Z || ${threads:-1} -gt 1 ]]
  else
    state=$(ps -o stat= -p "$pid" 2>/dev/null || true)
    [[ -n $state && $state != Z* ]]
  fi
}

proc_cmdline() {
  if [[ -r /proc/$1/cmdline ]]; then
    tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null || true
  else
    ps -ww -o args= -p "$1" 2>/dev/null || true
  fi
}

# Prints the pid of the broker of this data dir if it is alive (guards against pid reuse).
running_pid() {
  [[ -s $PID_FILE ]] || return 1
  local pid
  pid=$(<"$PID_FILE")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  proc_alive "$pid" || return 1
  [[ $(proc_cmdline "$pid") == *"kafka.Kafka $PROPS"* ]] || return 1
  printf '%s' "$pid"
}

port_open() { # something accepts TCP connections on 127.0.0.1:$1
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

port_in_use() { # listening socket on the port (any local address) or accepting connections
  local port=$1
  if command -v ss >/dev/null 2>&1 && [[ -n $(ss -Hltn "sport = :$port" 2>/dev/null) ]]; then
    return 0
  fi
  port_open "$port"
}

configured_address() { # address the broker of this data dir was started with
  [[ -f $PROPS ]] && sed -n 's|^advertised.listeners=PLAINTEXT://||p' "$PROPS" | head -n1
}

lock_data_dir() { # serialise start/stop on one data dir; fd 9 must not leak into the JVM
  command -v flock >/dev/null 2>&1 || return 0
  exec 9<"$DATA_DIR"
  flock 9
}

# Send SIGTERM to the broker's process group, SIGKILL after $2 seconds. Returns when it is gone.
terminate() {
  local pid=$1 timeout=$2 waited=0
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  while proc_alive "$pid"; do
    if (( waited >= timeout * 5 )); then
      log "broker (pid $pid) still running after ${timeout}s, sending SIGKILL"
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
      local n=0
      while proc_alive "$pid" && (( n < 50 )); do sleep 0.2; n=$((n + 1)); done
      break
    fi
    sleep 0.2
    waited=$((waited + 1))
  done
  # (An exited but not yet reaped JVM is a zombie: it holds no files or sockets any more.)
}

write_server_properties() {
  cat >"$PROPS" <<EOF
# Generated by infra/kafka/kafka.sh on every start; edits are overwritten.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$DATA_DIR/log
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.num.partitions=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
EOF
}

random_cluster_id() { # same format as kafka.tools.StorageTool random-uuid (base64url, 16 bytes)
  local id
  while :; do
    id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
    [[ $id != -* && ${#id} -eq 22 ]] && break
  done
  printf '%s' "$id"
}

JVM_OPTS=()
set_jvm_opts() {
  JVM_OPTS=(
    -Xms128m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError
    -Djava.awt.headless=true
    "-Dlog4j.configuration=file:$LOG4J"
    "-Dkafka.logs.dir=$DATA_DIR/logs"
    -cp "$LIBS_DIR/*"
  )
}

format_storage_if_needed() {
  [[ -f $DATA_DIR/log/meta.properties ]] && return 0
  local java cluster_id
  java=$(java_bin)
  cluster_id=$(random_cluster_id)
  log "formatting $DATA_DIR/log (cluster id $cluster_id)"
  "$java" "${JVM_OPTS[@]}" kafka.tools.StorageTool format -t "$cluster_id" -c "$PROPS" \
    </dev/null >&2 9<&- || die "kafka.tools.StorageTool format failed for $DATA_DIR/log"
}

STARTING_PID=
abort_start() { # $1 = reason
  log "$1"
  if [[ -n $STARTING_PID && -f $LOG_FILE ]]; then
    log "last 40 lines of $LOG_FILE:"
    tail -n 40 "$LOG_FILE" >&2 || true
  fi
  if [[ -n $STARTING_PID ]] && proc_alive "$STARTING_PID"; then
    terminate "$STARTING_PID" 10
  fi
  if [[ -z $STARTING_PID || ! -s $PID_FILE || $(<"$PID_FILE") == "$STARTING_PID" ]]; then
    rm -f "$PID_FILE"
  fi
  exit 1
}

broker_ready() { # $1 = log file, $2 = port
  grep -qF "$READY_LINE" "$1" 2>/dev/null && port_open "$2"
}

already_running() { # $1 = pid, $2 = timeout; the broker may still be starting (e.g. its starter was killed)
  local pid=$1 deadline=$(( $(date +%s) + $2 ))
  until broker_ready "$LOG_FILE" "$KAFKA_PORT"; do
    proc_alive "$pid" || die "the broker (pid $pid) of $DATA_DIR exited during startup, see $LOG_FILE"
    (( $(date +%s) < deadline )) || die "the broker (pid $pid) of $DATA_DIR is running but not ready, see $LOG_FILE"
    sleep 0.2
  done
  log "already running (pid $pid) on $ADDRESS"
  printf '%s\n' "$ADDRESS"
}

cmd_start() {
  resolve_env
  local timeout=${KAFKA_START_TIMEOUT:-120}
  [[ $timeout =~ ^[0-9]+$ ]] || die "KAFKA_START_TIMEOUT must be a number of seconds, got '$timeout'"

  local pid locked=0
  if [[ -d $DATA_DIR ]]; then
    lock_data_dir
    locked=1
    if pid=$(running_pid); then
      if [[ ${KAFKA_FRESH:-0} == 1 ]]; then
        log "KAFKA_FRESH=1: stopping the running broker (pid $pid) of $DATA_DIR first"
        terminate "$pid" "${KAFKA_STOP_TIMEOUT:-30}"
        rm -f "$PID_FILE"
      else
        local addr
        addr=$(configured_address || true)
        [[ $addr == "$ADDRESS" ]] \
          || die "the broker of $DATA_DIR is already running on ${addr:-?}, not $ADDRESS (stop it first)"
        already_running "$pid" "$timeout"
        return 0
      fi
    fi
    # Only touch a data dir that is empty or was created by this script.
    [[ -f $OWNER_MARK || -z $(ls -A "$DATA_DIR") ]] \
      || die "refusing to use non-empty $DATA_DIR: it was not created by infra/kafka/kafka.sh"
  fi

  port_in_use "$KAFKA_PORT" && die "port $KAFKA_PORT (KAFKA_PORT) is already in use on 127.0.0.1"
  port_in_use "$KAFKA_CONTROLLER_PORT" \
    && die "port $KAFKA_CONTROLLER_PORT (KAFKA_CONTROLLER_PORT) is already in use on 127.0.0.1"

  if (( ! locked )); then
    mkdir -p "$DATA_DIR"
    lock_data_dir
    # A concurrent start may have won the race for this (new) data dir while we waited.
    if pid=$(running_pid); then
      already_running "$pid" "$timeout"
      return 0
    fi
  fi
  if [[ ${KAFKA_FRESH:-0} == 1 && -f $OWNER_MARK ]]; then
    log "KAFKA_FRESH=1: wiping $DATA_DIR"
    find "$DATA_DIR" -mindepth 1 -delete
  fi
  : >"$OWNER_MARK"
  trap 'abort_start "start interrupted${STARTING_PID:+, stopping the broker}"' INT TERM HUP

  cmd_fetch
  local java
  java=$(java_bin)
  set_jvm_opts
  mkdir -p "$DATA_DIR/logs"
  write_server_properties
  format_storage_if_needed

  [[ -f $LOG_FILE ]] && mv -f "$LOG_FILE" "$LOG_FILE.1"
  rm -f "$PID_FILE"
  local t0
  t0=$(date +%s%N)

  # New session (setsid) so the broker is detached from our terminal and process group; the
  # inner bash records its own pid and then *becomes* the JVM (exec), so kafka.pid is the JVM's
  # pid even if setsid had to fork.
  setsid bash -c 'cd "$1" && echo "$$" >"$2" && shift 2 && exec "$@"' kafka-launch \
    "$DATA_DIR" "$PID_FILE" \
    "$java" "${JVM_OPTS[@]}" kafka.Kafka "$PROPS" \
    </dev/null >"$LOG_FILE" 2>&1 8<&- 9<&- &
  local launcher=$!
  STARTING_PID=$launcher

  # Wait for the pid file written by the launcher.
  local n=0
  until [[ -s $PID_FILE ]]; do
    if (( n >= 100 )); then
      abort_start "the broker launcher did not record a pid"
    fi
    sleep 0.1
    n=$((n + 1))
  done
  STARTING_PID=$(<"$PID_FILE")

  local deadline=$(( $(date +%s) + timeout ))
  while :; do
    if ! proc_alive "$STARTING_PID"; then
      abort_start "the broker JVM exited during startup"
    fi
    if broker_ready "$LOG_FILE" "$KAFKA_PORT"; then
      break
    fi
    if (( $(date +%s) >= deadline )); then
      abort_start "the broker was not ready after ${timeout}s (KAFKA_START_TIMEOUT)"
    fi
    sleep 0.2
  done
  trap - INT TERM HUP

  local ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  log "broker ready on $ADDRESS in $((ms / 1000)).$(printf '%03d' $((ms % 1000)))s (pid $STARTING_PID, log $LOG_FILE)"
  printf '%s\n' "$ADDRESS"
}

cmd_stop() {
  resolve_env
  if [[ ! -d $DATA_DIR ]]; then
    log "not running ($DATA_DIR does not exist)"
    return 0
  fi
  lock_data_dir
  local pid timeout=${KAFKA_STOP_TIMEOUT:-30}
  [[ $timeout =~ ^[0-9]+$ ]] || die "KAFKA_STOP_TIMEOUT must be a number of seconds, got '$timeout'"
  if ! pid=$(running_pid); then
    rm -f "$PID_FILE"
    log "not running ($DATA_DIR)"
    return 0
  fi
  log "stopping broker (pid $pid) of $DATA_DIR"
  terminate "$pid" "$timeout"
  proc_alive "$pid" && die "broker (pid $pid) did not exit even after SIGKILL"
  rm -f "$PID_FILE"
  log "stopped"
}

cmd_status() {
  resolve_env
  local pid addr
  if pid=$(running_pid); then
    addr=$(configured_address || true)
    addr=${addr:-$ADDRESS}
    if port_open "${addr##*:}"; then
      log "running (pid $pid) on $addr, data $DATA_DIR"
      printf '%s\n' "$addr"
      return 0
    fi
    log "starting (pid $pid, port ${addr##*:} not accepting connections yet), data $DATA_DIR"
    return 1
  fi
  log "not running ($DATA_DIR)"
  return 1
}

usage() {
  sed -n '2,/^set -euo pipefail/{/^set -euo pipefail/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}" >&2
}

main() {
  case ${1:-} in
    fetch) cmd_fetch ;;
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    -h | --help | help) usage ;;
    *) usage; exit 2 ;;
  esac
}

main "$@"
