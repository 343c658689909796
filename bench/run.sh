#!/usr/bin/env bash
# The bench command (npm run bench [-- --quick --runs N ...]): installs what is missing, builds, picks the
# PostgreSQL server (DATABASE_URL's, else the local or an embedded one) and a database name of its own, and
# runs bench/src/main.ts, which gives each run a fresh Kafka broker (free ports), database and apps and
# stops and drops them after the run. Whatever a killed run left behind is dropped here.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../infra/scripts/lib.sh"

export RUN_DIR="$ROOT/.run/bench"
BENCH_DB="${ORGPULSE_BENCH_DB_PREFIX:-orgpulse_bench}_$(date +%s)_$$"
# this invocation's own: the runs' broker data dirs go here, so another bench running alongside is left alone
export BENCH_RUN_DIR="$RUN_DIR/$BENCH_DB"
mkdir -p "$BENCH_RUN_DIR"
CREATED_DB=""

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [ -n "$CREATED_DB" ]; then
    node "$ROOT/infra/postgres/postgres.mjs" drop-database "$DATABASE_URL" || true
    drop_run_databases || true
  fi
  for dir in "$BENCH_RUN_DIR"/kafka-*/; do
    [ -d "$dir" ] && KAFKA_DATA_DIR="$dir" bash "$ROOT/infra/kafka/kafka.sh" stop || true
  done
  rm -rf "$BENCH_RUN_DIR"
  stop_postgres
  exit "$status"
}
# The per-run databases main.ts creates (<bench db>_run<N>), should it have been killed before dropping them.
drop_run_databases() {
  (cd "$ROOT" && node -e '
    const { Client } = require("pg");
    const url = new URL(process.argv[1]); const prefix = url.pathname.slice(1) + "_run";
    url.pathname = "/postgres";
    const client = new Client({ connectionString: url.toString() });
    (async () => {
      await client.connect();
      const { rows } = await client.query("SELECT datname FROM pg_database WHERE starts_with(datname, $1)", [prefix]);
      for (const { datname } of rows) await client.query(`DROP DATABASE "${datname}" WITH (FORCE)`);
      await client.end();
    })().catch((e) => { console.error(e.message); process.exit(1); });
  ' "$DATABASE_URL")
}

trap cleanup EXIT
trap 'exit 130' INT TERM

require_tools
ensure_node_modules
[ "${ORGPULSE_BENCH_SKIP_BUILD:-0}" = 1 ] || build
say "building the bench"
(cd "$ROOT" && npx tsc -p tsconfig.bench.json && npx tsc-alias -p tsconfig.bench.json)

# Each run starts a broker of its own (bench/src/bench-broker.ts): the baselines read whole topics.
command -v java >/dev/null || die "Java 17+ is required to run Kafka (java not found)"
if [ -n "${DATABASE_URL:-}" ]; then
  DATABASE_URL="$(node -e 'const u=new URL(process.argv[1]); u.pathname="/"+process.argv[2]; console.log(u.toString())' "$DATABASE_URL" "$BENCH_DB")"
fi
start_postgres "$BENCH_DB"
CREATED_DB=1

node "$ROOT/dist/bench/bench/src/main.js" "$@"
