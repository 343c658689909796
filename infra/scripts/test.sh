#!/usr/bin/env bash
# The test command (npm test, and .ci/run): installs what is missing, runs lint, typecheck and the
# dependency check, starts a real Kafka broker and PostgreSQL the same way as the run command, runs
# every test tier, stops what it started, and exits non-zero on any failure.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

export RUN_DIR="${ORGPULSE_RUN_DIR:-$ROOT/.run/test}"
mkdir -p "$RUN_DIR"
rm -f "$RUN_DIR"/jest-*.json
TEST_DB="orgpulse_test_$(date +%s)_$$"
TEST_RUN_ID="$TEST_DB"
export ORGPULSE_TEST_RUN="$TEST_RUN_ID"
CREATED_TEST_DB=""

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  stop_apps
  stop_kafka
  if [ -n "$CREATED_TEST_DB" ]; then node "$ROOT/infra/postgres/postgres.mjs" drop-database "$DATABASE_URL" || true; fi
  stop_postgres
  stop_test_containers
  # Nothing the tests started may outlive them: every process they start carries ORGPULSE_TEST_RUN.
  unset ORGPULSE_TEST_RUN
  local left="" environ pid
  for environ in /proc/[0-9]*/environ; do
    pid="${environ#/proc/}"; pid="${pid%/environ}"
    if tr '\0' '\n' 2>/dev/null <"$environ" | grep -qx "ORGPULSE_TEST_RUN=$TEST_RUN_ID"; then
      left+="$(ps -o pid=,args= -p "$pid" 2>/dev/null | cut -c1-200)"$'\n'
    fi
  done
  if [ -n "${left//$'\n'/}" ]; then
    say "processes left running after the tests:"; printf '%s\n' "$left" >&2
    status=1
  fi
  node "$ROOT/infra/scripts/test-summary.mjs" "$RUN_DIR" || true
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() { printf '\n==> %s\n' "$*" >&2; }
# The leadership page's browser test drives headless Chromium (Debian's chromium package, or CHROMIUM_PATH).
ensure_chromium() {
  local path="${CHROMIUM_PATH:-/usr/bin/chromium}"
  if [ -x "$path" ]; then say "chromium: $path"; return; fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing Debian's chromium package (apt-get install -y chromium) for the browser test"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    return
  fi
  say "the browser test needs Chromium at $path: run 'sudo apt-get install -y chromium' (Debian/Ubuntu), or set CHROMIUM_PATH to a Chromium or Chrome binary"
  exit 1
}
jest_tier() {
  local tier="$1"; shift
  (cd "$ROOT" && npx jest --selectProjects "$tier" --ci --json --outputFile="$RUN_DIR/jest-$tier.json" "$@")
}

require_tools
ensure_node_modules
step "lint";        (cd "$ROOT" && npm run --silent lint)
step "typecheck";   (cd "$ROOT" && npm run --silent typecheck)
step "dependency direction"; (cd "$ROOT" && npm run --silent depcheck)
step "build";       build
step "generated docs are current"; node "$ROOT/dist/apps/ingest/src/docs/write-docs.js" --check
node "$ROOT/infra/scripts/write-metric-registries.mjs" --check
step "GraphQL schema is current, no breaking change without a new contract version"
node "$ROOT/dist/apps/api/src/graphql/schema-contract/write-schema.main.js" --check
step "unit tests";  jest_tier unit

step "starting Kafka and PostgreSQL"
if [ -z "${DATABASE_URL:-}" ]; then CREATED_TEST_DB=1; fi
start_test_environment "${ORGPULSE_TEST_KAFKA_PORT:-19092}" "$TEST_DB"
export ORGPULSE_TEST_KAFKA_PORT="${STARTED_KAFKA_PORT:-}"

step "integration tests"; jest_tier int --runInBand
step "chromium for the browser test"; ensure_chromium
step "end-to-end tests";  jest_tier e2e --runInBand
step "fault tests"; jest_tier fault --runInBand
# Checks that the bench harness works end to end (a small org, its own broker), not the product's speed.
step "bench smoke (npm run bench -- --quick)"; ORGPULSE_BENCH_SKIP_BUILD=1 bash "$ROOT/bench/run.sh" --quick
step "all tests passed"
