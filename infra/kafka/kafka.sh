#!/usr/bin/env bash
# Run a real Kafka 3.9.2 broker (KRaft, broker+controller), or a local cluster of N such nodes,
# straight on the JVM, without Docker. The broker jars come from Maven Central (see pom.xml next to
# this script).
#
# Usage: infra/kafka/kafka.sh fetch|start|stop|status|brokers|pid
#        infra/kafka/kafka.sh start-node|stop-node|kill-node|pid ID      (cluster, KAFKA_NODES set)
#
#   fetch   Resolve the broker jars into $ORGPULSE_CACHE_DIR/kafka-3.9.2/libs (default
#           <repo>/.cache). Does nothing once a completed fetch is recorded (offline afterwards).
#   start   Start a broker in the background and wait until it is ready. Prints exactly
#           "127.0.0.1:$KAFKA_PORT" on stdout; everything else goes to stderr.
#           No-op (prints the address) if the broker of this data dir is already running.
#           Cluster: starts every node that is not running (in parallel), waits for all, and prints
#           the brokers string "127.0.0.1:p1,127.0.0.1:p2,...".
#   stop    Stop the broker of this data dir (SIGTERM = controlled shutdown, SIGKILL after
#           $KAFKA_STOP_TIMEOUT s). Exit 0 also when nothing was running. Cluster: every node.
#   status  Print the address and exit 0 if the broker is running and accepting connections,
#           exit 1 otherwise. Cluster: the brokers string if every node is up; each node's state
#           on stderr.
#   brokers Print the address (cluster: the brokers string) without checking anything.
#
# Cluster commands (ID is a node id 1..KAFKA_NODES, the node.id Kafka reports as leader/replica):
#   start-node ID  start one node of a created cluster (formatting its storage with the cluster's
#                  id if its data is gone) and wait until it is ready; prints its address
#   stop-node ID   controlled shutdown of one node (SIGTERM, SIGKILL after $KAFKA_STOP_TIMEOUT s)
#   kill-node ID   SIGKILL one node (a crash: no controlled shutdown), return once it is gone
#   pid ID         print the pid of the node's JVM (for other signals, e.g. SIGSTOP/SIGCONT);
#                  exit 1 if it is not running. Without KAFKA_NODES: the single broker's pid
#
# Environment:
#   KAFKA_PORT             client (PLAINTEXT) port, default 9092
#   KAFKA_CONTROLLER_PORT  KRaft controller port, default KAFKA_PORT+1
#   KAFKA_DATA_DIR         default <repo>/.run/kafka-$KAFKA_PORT (holds server.properties,
#                          log/ (the Kafka data), kafka.log, kafka.pid)
#   KAFKA_FRESH=1          start: wipe the data dir first (stops its broker if running);
#                          cluster: every node's data and the cluster id (a new cluster)
#   KAFKA_START_TIMEOUT    start: seconds to wait for readiness, default 120
#   KAFKA_STOP_TIMEOUT     stop: seconds to wait after SIGTERM before SIGKILL, default 30
#   KAFKA_HEAP_OPTS        JVM heap options, default "-Xms128m -Xmx512m" (cluster: -Xmx384m per node)
#   ORGPULSE_CACHE_DIR     jar cache root, default <repo>/.cache
#   JAVA_HOME              if set, $JAVA_HOME/bin/java is used, else java from PATH
#
# Cluster mode (KAFKA_NODES=N, 1..9): N nodes, each broker and KRaft controller (the N controllers
# form the quorum, so a majority must stay up), one cluster id, each its own ports and data dir:
#   KAFKA_PORTS            comma-separated client ports, one per node; default KAFKA_PORT,
#                          KAFKA_PORT+2, KAFKA_PORT+4, ...
#   KAFKA_CONTROLLER_PORTS comma-separated controller ports, one per node; default each client port+1
#   KAFKA_DATA_DIR         the cluster's dir, default <repo>/.run/kafka-cluster-<first port>: holds
#                          cluster.id and node-<ID>/ (laid out as a single broker's data dir)
#   Topics default to min(N,3) replicas and min.insync.replicas 2 (1 below 3 nodes), the internal
#   topics (__consumer_offsets, transactions) likewise.
set -euo pipefail

readonly KAFKA_VERSION=3.9.2
readonly DEP_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1
readonly READY_LINE='Kafka Server started'
# A cluster node counts as ready once the controller has also unfenced it (it then takes replicas).
readonly UNFENCED_LINE='The broker has been unfenced'
WAIT_UNFENCED=0

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd -P)
readonly SCRIPT_DIR REPO_ROOT
readonly POM=$SCRIPT_DIR/pom.xml
readonly LOG4J=$SCRIPT_DIR/log4j.properties

LOG_TAG=
log() { printf 'kafka.sh%s: %s\n' "${LOG_TAG:+ [$LOG_TAG]}" "$*" >&2; }
die() { printf 'kafka.sh%s: error: %s\n' "${LOG_TAG:+ [$LOG_TAG]}" "$*" >&2; exit 1; }

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
  NODE_ID=1
  VOTERS=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
  CLUSTER_ID_FILE=
  TOPIC_REPLICAS=1
  TOPIC_MIN_ISR=1
  HEAP_OPTS=${KAFKA_HEAP_OPTS:--Xms128m -Xmx512m}
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

lock_data_dir() { # serialise start/stop on one data dir; fds 7-9 must not leak into the JVM
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
node.id=$NODE_ID
controller.quorum.voters=$VOTERS
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$DATA_DIR/log
num.partitions=1
default.replication.factor=$TOPIC_REPLICAS
min.insync.replicas=$TOPIC_MIN_ISR
offsets.topic.num.partitions=1
offsets.topic.replication.factor=$TOPIC_REPLICAS
transaction.state.log.replication.factor=$TOPIC_REPLICAS
transaction.state.log.min.isr=$TOPIC_MIN_ISR
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
    $HEAP_OPTS -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError
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
  if [[ -n $CLUSTER_ID_FILE ]]; then
    cluster_id=$(<"$CLUSTER_ID_FILE")
  else
    cluster_id=$(random_cluster_id)
  fi
  log "formatting $DATA_DIR/log (cluster id $cluster_id)"
  "$java" "${JVM_OPTS[@]}" kafka.tools.StorageTool format -t "$cluster_id" -c "$PROPS" \
    </dev/null >&2 7<&- 9<&- || die "kafka.tools.StorageTool format failed for $DATA_DIR/log"
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
  grep -qF "$READY_LINE" "$1" 2>/dev/null && port_open "$2" \
    && { (( WAIT_UNFENCED == 0 )) || grep -qF "$UNFENCED_LINE" "$1" 2>/dev/null; }
}

already_running() { # $1 = pid, $2 = timeout; the broker may still be starting (e.g. its starter was killed)
  local pid=$1 deadline=$(( $(date +%s) + $2 ))
  until broker_ready "$LOG_FILE" "$KAFKA_PORT"; do
    proc_alive "$pid" || die "the broker (pid $pid) of $DATA_DIR exited during startup, see $LOG_FILE"
    (( $(date +%s) < deadline )) || die "the broker (pid $pid) of $DATA_DIR is running but not ready, see $LOG_FILE"
    sleep 0.2
  done
  log "already running (pid $pid) on $ADDRESS"
}

cmd_start() {
  resolve_env
  start_instance "${KAFKA_FRESH:-0}"
  printf '%s\n' "$ADDRESS"
}

# Starts the broker of the resolved data dir (unless it runs) and waits until it is ready.
start_instance() { # $1 = 1 to wipe its data first
  local fresh=$1
  local timeout=${KAFKA_START_TIMEOUT:-120}
  [[ $timeout =~ ^[0-9]+$ ]] || die "KAFKA_START_TIMEOUT must be a number of seconds, got '$timeout'"

  local pid locked=0
  if [[ -d $DATA_DIR ]]; then
    lock_data_dir
    locked=1
    if pid=$(running_pid); then
      if [[ $fresh == 1 ]]; then
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
  if [[ $fresh == 1 && -f $OWNER_MARK ]]; then
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
    </dev/null >"$LOG_FILE" 2>&1 7<&- 8<&- 9<&- &
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

# ---------------------------------------------------------------------------------------------
# Cluster (KAFKA_NODES=N): N broker+controller nodes, one cluster id, one dir per node
# ---------------------------------------------------------------------------------------------
PORTS=()
CONTROLLER_PORTS=()
resolve_cluster_env() {
  NODES=$KAFKA_NODES
  [[ $NODES =~ ^[1-9]$ ]] || die "KAFKA_NODES must be a number of nodes 1..9, got '$NODES'"
  local base=${KAFKA_PORT:-9092} i
  is_port "$base" || die "KAFKA_PORT must be a TCP port number, got '$base'"
  if [[ -n ${KAFKA_PORTS:-} ]]; then
    IFS=, read -r -a PORTS <<<"$KAFKA_PORTS"
    (( ${#PORTS[@]} == NODES )) || die "KAFKA_PORTS must list $NODES ports (KAFKA_NODES), got '$KAFKA_PORTS'"
  else
    PORTS=()
    for ((i = 0; i < NODES; i++)); do PORTS+=($((base + 2 * i))); done
  fi
  if [[ -n ${KAFKA_CONTROLLER_PORTS:-} ]]; then
    IFS=, read -r -a CONTROLLER_PORTS <<<"$KAFKA_CONTROLLER_PORTS"
    (( ${#CONTROLLER_PORTS[@]} == NODES )) \
      || die "KAFKA_CONTROLLER_PORTS must list $NODES ports (KAFKA_NODES), got '$KAFKA_CONTROLLER_PORTS'"
  else
    CONTROLLER_PORTS=()
    for ((i = 0; i < NODES; i++)); do CONTROLLER_PORTS+=($((PORTS[i] + 1))); done
  fi
  local all=" " port
  for port in "${PORTS[@]}" "${CONTROLLER_PORTS[@]}"; do
    is_port "$port" || die "KAFKA_PORTS and KAFKA_CONTROLLER_PORTS must be TCP port numbers, got '$port'"
    [[ $all != *" $port "* ]] || die "port $port is given twice (KAFKA_PORTS, KAFKA_CONTROLLER_PORTS)"
    all+="$port "
  done
  CLUSTER_DIR=$(abs_path "${KAFKA_DATA_DIR:-$REPO_ROOT/.run/kafka-cluster-${PORTS[0]}}")
  CLUSTER_DIR=${CLUSTER_DIR%/}
  [[ -n $CLUSTER_DIR ]] || die "KAFKA_DATA_DIR must not be /"
  CLUSTER_MARK=$CLUSTER_DIR/.orgpulse-kafka-cluster
  VOTERS=
  BROKERS=
  for ((i = 0; i < NODES; i++)); do
    VOTERS+="${VOTERS:+,}$((i + 1))@127.0.0.1:${CONTROLLER_PORTS[i]}"
    BROKERS+="${BROKERS:+,}127.0.0.1:${PORTS[i]}"
  done
}

select_node() { # $1 = node id: the single-broker globals for that node
  local id=$1
  [[ $id =~ ^[1-9]$ ]] && (( id <= NODES )) || die "no node '$id' in this cluster: node ids are 1..$NODES"
  KAFKA_PORT=${PORTS[id - 1]}
  KAFKA_CONTROLLER_PORT=${CONTROLLER_PORTS[id - 1]}
  DATA_DIR=$CLUSTER_DIR/node-$id
  PID_FILE=$DATA_DIR/kafka.pid
  LOG_FILE=$DATA_DIR/kafka.log
  PROPS=$DATA_DIR/server.properties
  OWNER_MARK=$DATA_DIR/.orgpulse-kafka-data
  ADDRESS=127.0.0.1:$KAFKA_PORT
  NODE_ID=$id
  CLUSTER_ID_FILE=$CLUSTER_DIR/cluster.id
  TOPIC_REPLICAS=$(( NODES < 3 ? NODES : 3 ))
  TOPIC_MIN_ISR=$(( NODES < 3 ? 1 : 2 ))
  HEAP_OPTS=${KAFKA_HEAP_OPTS:--Xms96m -Xmx384m}
  WAIT_UNFENCED=1
  LOG_TAG="node $id"
}

lock_cluster() { # serialises cluster commands; fd 7 must not leak into the JVMs
  mkdir -p "$CLUSTER_DIR"
  command -v flock >/dev/null 2>&1 || return 0
  exec 7<"$CLUSTER_DIR"
  flock 7
}

require_cluster() {
  [[ -s $CLUSTER_DIR/cluster.id ]] \
    || die "no cluster in $CLUSTER_DIR (cluster.id missing): run 'KAFKA_NODES=$NODES kafka.sh start' first"
}

# Runs "$@" once per node id in parallel subshells (each with its node selected); fails if any did.
for_each_node() {
  local pids=() id failed=0
  for ((id = 1; id <= NODES; id++)); do
    ( select_node "$id"; "$@" ) &
    pids+=($!)
  done
  trap 'kill -TERM "${pids[@]}" 2>/dev/null; exit 130' INT TERM HUP
  for id in "${pids[@]}"; do wait "$id" || failed=1; done
  trap - INT TERM HUP
  return "$failed"
}

stop_instance() { # $1 = seconds before SIGKILL (0: SIGKILL at once)
  local pid
  if ! pid=$(running_pid); then
    rm -f "$PID_FILE"
    return 0
  fi
  if (( $1 == 0 )); then
    log "killing (SIGKILL) pid $pid"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    local n=0
    while proc_alive "$pid" && (( n < 100 )); do sleep 0.1; n=$((n + 1)); done
  else
    log "stopping (pid $pid)"
    terminate "$pid" "$1"
  fi
  proc_alive "$pid" && die "node (pid $pid) did not exit even after SIGKILL"
  rm -f "$PID_FILE"
}

stop_timeout() {
  local timeout=${KAFKA_STOP_TIMEOUT:-30}
  [[ $timeout =~ ^[0-9]+$ ]] || die "KAFKA_STOP_TIMEOUT must be a number of seconds, got '$timeout'"
  printf '%s' "$timeout"
}

cluster_start() {
  resolve_cluster_env
  local fresh=${KAFKA_FRESH:-0} timeout
  timeout=$(stop_timeout)
  lock_cluster
  [[ -f $CLUSTER_MARK || -z $(ls -A "$CLUSTER_DIR") ]] \
    || die "refusing to use non-empty $CLUSTER_DIR: it was not created by infra/kafka/kafka.sh"
  if [[ $fresh == 1 && -f $CLUSTER_MARK ]]; then
    for_each_node stop_instance "$timeout" || die "could not stop the running nodes"
    log "KAFKA_FRESH=1: wiping $CLUSTER_DIR"
    find "$CLUSTER_DIR" -mindepth 1 -delete
  fi
  : >"$CLUSTER_MARK"
  [[ -s $CLUSTER_DIR/cluster.id ]] || random_cluster_id >"$CLUSTER_DIR/cluster.id"
  cmd_fetch
  log "starting $NODES nodes (cluster id $(<"$CLUSTER_DIR/cluster.id"), data $CLUSTER_DIR)"
  # All at once: a node is ready only once a majority of the controllers is up.
  if ! for_each_node start_instance 0; then
    log "a node did not start: stopping the others"
    for_each_node stop_instance 5 || true
    die "the cluster did not start"
  fi
  printf '%s\n' "$BROKERS"
}

cluster_stop() {
  resolve_cluster_env
  if [[ ! -d $CLUSTER_DIR ]]; then
    log "not running ($CLUSTER_DIR does not exist)"
    return 0
  fi
  local timeout
  timeout=$(stop_timeout)
  lock_cluster
  for_each_node stop_instance "$timeout"
  log "stopped"
}

cluster_status() {
  resolve_cluster_env
  local id pid up=0
  for ((id = 1; id <= NODES; id++)); do
    (
      select_node "$id"
      if pid=$(running_pid) && port_open "$KAFKA_PORT"; then
        log "running (pid $pid) on $ADDRESS"
      else
        log "not running ($ADDRESS, $DATA_DIR)"
        exit 1
      fi
    ) && up=$((up + 1))
  done
  (( up == NODES )) || return 1
  printf '%s\n' "$BROKERS"
}

node_command() { # $1 = start-node|stop-node|kill-node|pid, $2 = node id
  if [[ -z ${KAFKA_NODES:-} && $1 == pid ]]; then
    resolve_env
    running_pid || die "not running ($DATA_DIR)"
    printf '\n'
    return 0
  fi
  [[ -n ${KAFKA_NODES:-} ]] || die "$1 needs a cluster: set KAFKA_NODES (and the same ports and dir as its start)"
  resolve_cluster_env
  [[ -n ${2:-} ]] || die "usage: kafka.sh $1 NODE_ID (1..$NODES)"
  local timeout pid
  timeout=$(stop_timeout)
  select_node "$2"
  case $1 in
    pid)
      pid=$(running_pid) || die "not running ($DATA_DIR)"
      printf '%s\n' "$pid"
      ;;
    kill-node)
      lock_cluster
      stop_instance 0
      ;;
    stop-node)
      lock_cluster
      stop_instance "$timeout"
      ;;
    start-node)
      lock_cluster
      require_cluster
      start_instance 0
      printf '%s\n' "$ADDRESS"
      ;;
  esac
}

usage() {
  sed -n '2,/^set -euo pipefail/{/^set -euo pipefail/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}" >&2
}

cluster_mode() { [[ -n ${KAFKA_NODES:-} ]]; }

main() {
  case ${1:-} in
    fetch) cmd_fetch ;;
    start) if cluster_mode; then cluster_start; else cmd_start; fi ;;
    stop) if cluster_mode; then cluster_stop; else cmd_stop; fi ;;
    status) if cluster_mode; then cluster_status; else cmd_status; fi ;;
    brokers)
      if cluster_mode; then resolve_cluster_env; printf '%s\n' "$BROKERS"; else resolve_env; printf '%s\n' "$ADDRESS"; fi
      ;;
    start-node | stop-node | kill-node | pid) node_command "$1" "${2:-}" ;;
    -h | --help | help) usage ;;
    *) usage; exit 2 ;;
  esac
}

main "$@"
