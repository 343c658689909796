#!/usr/bin/env bash
# The bench command (npm run bench [-- --quick ...]): installs what is missing, builds, starts a fresh
# Kafka broker of its own and a fresh database (on DATABASE_URL's server, else the local or an embedded
# PostgreSQL), runs bench/src/main.ts, then stops and drops what it started.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../infra/scripts/lib.sh"

export RUN_DIR="$ROOT/.run/bench"
mkdir -p "$RUN_DIR"
BENCH_DB="orgpulse_bench_$(date +%s)_$$"
CREATED_DB=""

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  stop_kafka
  if [ -n "$CREATED_DB" ]; then node "$ROOT/infra/postgres/postgres.mjs" drop-database "$DATABASE_URL" || true; fi
  stop_postgres
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

require_tools
ensure_node_modules
[ "${ORGPULSE_BENCH_SKIP_BUILD:-0}" = 1 ] || build
say "building the bench"
(cd "$ROOT" && npx tsc -p tsconfig.bench.json && npx tsc-alias -p tsconfig.bench.json)

# A broker of its own, always fresh: the baselines read whole topics.
unset KAFKA_BROKERS
kafka_port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
start_kafka "$kafka_port" 1
if [ -n "${DATABASE_URL:-}" ]; then
  DATABASE_URL="$(node -e 'const u=new URL(process.argv[1]); u.pathname="/"+process.argv[2]; console.log(u.toString())' "$DATABASE_URL" "$BENCH_DB")"
fi
start_postgres "$BENCH_DB"
CREATED_DB=1

node "$ROOT/dist/bench/bench/src/main.js" "$@"
