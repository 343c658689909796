# Shared by run.sh and test.sh: install what is missing, start Kafka and PostgreSQL unless the
# environment points at running ones, and stop exactly what was started.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUN_DIR="${ORGPULSE_RUN_DIR:-$ROOT/.run}"
STARTED_KAFKA_DATA_DIR=""
STARTED_KAFKA_PORT=""
EMBEDDED_PG_PID=""
TEST_CONTAINERS_PID=""
APP_PIDS=()

say() { printf 'orgpulse: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

require_tools() {
  command -v node >/dev/null || die "Node.js 20.19+ is required (node not found)"
  command -v npm >/dev/null || die "npm is required"
  local major; major="$(node -p 'process.versions.node.split(".")[0]')"
  [ "$major" -ge 20 ] || die "Node.js 20.19+ is required (found $(node -v))"
}

# npm ci when node_modules is missing or older than the lock file. The lock file lists every platform's
# optional packages (infra/scripts/complete-lockfile.mjs keeps it so), so npm ci installs exactly it.
ensure_node_modules() {
  local stamp="$ROOT/node_modules/.orgpulse-installed"
  if [ ! -f "$stamp" ] || [ "$ROOT/package-lock.json" -nt "$stamp" ]; then
    say "installing dependencies (npm ci)"
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error >&2) ||
      die "npm ci failed: the lock file does not match package.json (run npm install, then node infra/scripts/complete-lockfile.mjs)"
    touch "$stamp"
  fi
}

build() {
  say "building"
  (cd "$ROOT" && npm run --silent build >&2)
}

# Starts a broker from Kafka's jars unless KAFKA_BROKERS is set. Sets KAFKA_BROKERS. With KAFKA_NODES=N,
# a local N-node cluster (ports $1, $1+2, ...) whose topics the apps replicate min(N,3) times, unless
# KAFKA_REPLICATION_FACTOR / KAFKA_MIN_INSYNC_REPLICAS say otherwise.
start_kafka() {
  local port="$1" fresh="${2:-0}"
  if [ -n "${KAFKA_BROKERS:-}" ]; then
    say "using Kafka at KAFKA_BROKERS=$KAFKA_BROKERS"
    return
  fi
  command -v java >/dev/null || die "Java 17+ is required to run Kafka without Docker (java not found)"
  STARTED_KAFKA_PORT="$port"
  if [ -n "${KAFKA_NODES:-}" ]; then
    STARTED_KAFKA_DATA_DIR="$RUN_DIR/kafka-cluster-$port"
    say "starting a $KAFKA_NODES-node Kafka cluster on 127.0.0.1:$port, :$((port + 2)), ..."
    export KAFKA_REPLICATION_FACTOR="${KAFKA_REPLICATION_FACTOR:-$((KAFKA_NODES < 3 ? KAFKA_NODES : 3))}"
    export KAFKA_MIN_INSYNC_REPLICAS="${KAFKA_MIN_INSYNC_REPLICAS:-$((KAFKA_NODES < 3 ? 1 : 2))}"
  else
    STARTED_KAFKA_DATA_DIR="$RUN_DIR/kafka-$port"
    say "starting Kafka on 127.0.0.1:$port"
  fi
  KAFKA_BROKERS="$(KAFKA_PORT="$port" KAFKA_DATA_DIR="$STARTED_KAFKA_DATA_DIR" KAFKA_FRESH="$fresh" \
    bash "$ROOT/infra/kafka/kafka.sh" start)" || die "Kafka did not start (logs: $STARTED_KAFKA_DATA_DIR/**/kafka.log)"
  export KAFKA_BROKERS
}

stop_kafka() {
  [ -n "$STARTED_KAFKA_DATA_DIR" ] || return 0
  KAFKA_PORT="$STARTED_KAFKA_PORT" KAFKA_DATA_DIR="$STARTED_KAFKA_DATA_DIR" bash "$ROOT/infra/kafka/kafka.sh" stop || true
  STARTED_KAFKA_DATA_DIR=""
}

# Sets DATABASE_URL to database $1: DATABASE_URL when given (it must answer), else the local server
# at 127.0.0.1:5432, else an embedded PostgreSQL in $RUN_DIR.
start_postgres() {
  local database="$1" pg="$ROOT/infra/postgres/postgres.mjs"
  if [ -n "${DATABASE_URL:-}" ]; then
    node "$pg" probe "$DATABASE_URL" || die "DATABASE_URL does not answer; unset it to use a local or embedded PostgreSQL"
    say "using PostgreSQL at DATABASE_URL"
    node "$pg" ensure-database "$DATABASE_URL"
    return
  fi
  local local_url="postgres://postgres@127.0.0.1:5432/$database"
  if [ "${ORGPULSE_POSTGRES:-auto}" != "embedded" ] && node "$pg" probe "$local_url" 2>/dev/null; then
    say "using the local PostgreSQL at 127.0.0.1:5432"
    DATABASE_URL="$local_url"
  else
    local port="${ORGPULSE_EMBEDDED_PG_PORT:-54329}" ready="$RUN_DIR/postgres-embedded.url"
    say "no PostgreSQL answers at 127.0.0.1:5432: starting an embedded one on 127.0.0.1:$port"
    mkdir -p "$RUN_DIR"
    rm -f "$ready"
    node "$pg" embedded --dir "$RUN_DIR/postgres-embedded" --port "$port" --ready-file "$ready" &
    EMBEDDED_PG_PID=$!
    for _ in $(seq 1 240); do
      [ -s "$ready" ] && break
      kill -0 "$EMBEDDED_PG_PID" 2>/dev/null || die "the embedded PostgreSQL did not start"
      sleep 0.5
    done
    [ -s "$ready" ] || die "the embedded PostgreSQL did not become ready"
    DATABASE_URL="postgres://postgres:postgres@127.0.0.1:$port/$database"
  fi
  export DATABASE_URL
  node "$pg" ensure-database "$DATABASE_URL"
}

stop_postgres() {
  [ -n "$EMBEDDED_PG_PID" ] || return 0
  kill -TERM "$EMBEDDED_PG_PID" 2>/dev/null || true
  wait "$EMBEDDED_PG_PID" 2>/dev/null || true
  EMBEDDED_PG_PID=""
}

# The test command's Kafka and PostgreSQL: Testcontainers when a container runtime (Docker engine) answers,
# else the local broker (port $1, fresh) and PostgreSQL as above; KAFKA_BROKERS / DATABASE_URL when set.
# ORGPULSE_TEST_ENV=containers|local forces the choice. Says which it chose. $2 = database name.
start_test_environment() {
  local port="$1" database="$2" script="$ROOT/infra/scripts/test-containers.mjs" choice kafka postgres
  mkdir -p "$RUN_DIR"
  choice="$(node "$script" choose 2>"$RUN_DIR/test-environment.log")" ||
    die "could not choose the test environment: $(cat "$RUN_DIR/test-environment.log")"
  say "$(cat "$RUN_DIR/test-environment.log")"
  read -r kafka postgres <<<"$choice"
  if [ "$kafka" = container ] || [ "$postgres" = container ]; then
    local env_file="$RUN_DIR/test-containers.env" flags=()
    [ "$kafka" = container ] && flags+=(--kafka)
    [ "$postgres" = container ] && flags+=(--postgres)
    rm -f "$env_file"
    say "starting containers (${flags[*]}) with Testcontainers"
    node "$script" start --out "$env_file" --database "$database" "${flags[@]}" &
    TEST_CONTAINERS_PID=$!
    for _ in $(seq 1 1200); do
      [ -s "$env_file" ] && break
      kill -0 "$TEST_CONTAINERS_PID" 2>/dev/null || die "Testcontainers did not start the containers (see above)"
      sleep 0.5
    done
    [ -s "$env_file" ] || die "the containers were not ready after 10 minutes"
    local line
    while IFS= read -r line; do
      case "$line" in
        KAFKA_BROKERS=*) export KAFKA_BROKERS="${line#KAFKA_BROKERS=}" ;;
        DATABASE_URL=*) export DATABASE_URL="${line#DATABASE_URL=}" ;;
      esac
    done <"$env_file"
  fi
  start_kafka "$port" 1
  start_postgres "$database"
}

# Stops the containers start_test_environment started (Testcontainers removes them).
stop_test_containers() {
  [ -n "$TEST_CONTAINERS_PID" ] || return 0
  kill -TERM "$TEST_CONTAINERS_PID" 2>/dev/null || true
  wait "$TEST_CONTAINERS_PID" 2>/dev/null || true
  TEST_CONTAINERS_PID=""
}

# start_app NAME: runs dist/apps/NAME with the current environment, logs in $RUN_DIR/logs.
start_app() {
  local name="$1"
  mkdir -p "$RUN_DIR/logs"
  # shellcheck disable=SC2046 # one flag per word
  node $(sed -n "1p; s/^$name //p" "$ROOT/infra/app-node-options") "$ROOT/dist/apps/$name/src/main.js" >"$RUN_DIR/logs/$name.log" 2>&1 &
  APP_PIDS+=("$!")
}

# SIGTERM lets apps finish in-flight requests and batches; whatever is still alive after 30 s is killed.
stop_apps() {
  [ "${#APP_PIDS[@]}" -gt 0 ] || return 0
  kill -TERM "${APP_PIDS[@]}" 2>/dev/null || true
  for _ in $(seq 1 60); do
    local alive=0
    for pid in "${APP_PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.5
  done
  kill -KILL "${APP_PIDS[@]}" 2>/dev/null || true
  wait "${APP_PIDS[@]}" 2>/dev/null || true
  APP_PIDS=()
}

wait_for_http() {
  local name="$1" url="$2" pid="$3"
  for _ in $(seq 1 120); do
    if node -e "fetch(process.argv[1]).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" "$url" 2>/dev/null; then
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || { tail -n 20 "$RUN_DIR/logs/$name.log" >&2; die "$name exited during start (log: $RUN_DIR/logs/$name.log)"; }
    sleep 0.5
  done
  die "$name did not become healthy at $url (log: $RUN_DIR/logs/$name.log)"
}
