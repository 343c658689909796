#!/usr/bin/env bash
# The run command (npm start): installs what is missing, builds, starts Kafka and PostgreSQL unless
# KAFKA_BROKERS / DATABASE_URL point at running ones, runs every app and prints demo credentials.
# Ctrl-C stops everything it started.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

export API_PORT="${API_PORT:-3000}" INGEST_PORT="${INGEST_PORT:-3001}"
export PROJECTOR_PORT="${PROJECTOR_PORT:-3002}" ALERTER_PORT="${ALERTER_PORT:-3003}"
export HOST="${HOST:-127.0.0.1}" LOG_LEVEL="${LOG_LEVEL:-info}"
# libraries skip their development checks (graphql-js on every request); the local run keeps GraphQL
# introspection and field suggestions for exploring the API (a deployment leaves them off)
export NODE_ENV="${NODE_ENV:-production}" API_INTROSPECTION="${API_INTROSPECTION:-on}"

cleanup() {
  trap - EXIT INT TERM
  say "stopping"
  stop_apps
  stop_kafka
  stop_postgres
  rm -f "$RUN_DIR/env.json"
  say "stopped"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

require_tools
# Integration secrets are encrypted at rest with this key; one is made under the run folder when missing.
if [ -z "${ORGPULSE_SECRETS_KEY:-}" ]; then
  mkdir -p "$RUN_DIR"
  if [ ! -s "$RUN_DIR/secrets-key" ]; then
    (umask 077 && node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("base64"))' >"$RUN_DIR/secrets-key")
    say "created the secrets key $RUN_DIR/secrets-key (ORGPULSE_SECRETS_KEY)"
  fi
  ORGPULSE_SECRETS_KEY="$(cat "$RUN_DIR/secrets-key")"
  export ORGPULSE_SECRETS_KEY
fi
ensure_node_modules
build
start_kafka "${KAFKA_PORT:-9092}"
start_postgres "${ORGPULSE_DB_NAME:-orgpulse}"
node "$ROOT/dist/apps/cli/src/main.js" migrate >/dev/null
# lets `npm run cli` in another terminal find this database
node -e 'require("fs").writeFileSync(process.argv[1], JSON.stringify({DATABASE_URL: process.env.DATABASE_URL, KAFKA_BROKERS: process.env.KAFKA_BROKERS}))' "$RUN_DIR/env.json"

for app in projector ingest api alerter; do start_app "$app"; done
wait_for_http projector "http://127.0.0.1:$PROJECTOR_PORT/health" "${APP_PIDS[0]}"
wait_for_http ingest "http://127.0.0.1:$INGEST_PORT/health" "${APP_PIDS[1]}"
wait_for_http api "http://127.0.0.1:$API_PORT/health" "${APP_PIDS[2]}"
wait_for_http alerter "http://127.0.0.1:$ALERTER_PORT/health" "${APP_PIDS[3]}"

credentials="$(node "$ROOT/dist/apps/cli/src/main.js" demo ensure --credentials-file "$RUN_DIR/demo-credentials.json")"
field() { node -e 'process.stdout.write(JSON.parse(process.argv[1])[process.argv[2]])' "$credentials" "$1"; }
ingest_key="$(field ingestKey)"
api_token="$(field apiToken)"
now="$(date -u +%Y-%m-%dT%H:%M:%SZ)"

cat <<BANNER

orgpulse is running
  Leadership   http://127.0.0.1:$API_PORT/#token=$api_token   (open in a browser: signs in as the demo admin)
  GraphQL API  http://127.0.0.1:$API_PORT/graphql
  Ingest       http://127.0.0.1:$INGEST_PORT/v1/events
  Projector    http://127.0.0.1:$PROJECTOR_PORT/health   (metrics: /metrics)
  Alerter      http://127.0.0.1:$ALERTER_PORT/health
  Kafka        $KAFKA_BROKERS
  Logs         $RUN_DIR/logs/

Demo organization $(field orgId)
  ingest key  $ingest_key
  API token   $api_token   (admin)

Post an event:
curl -sS -X POST http://127.0.0.1:$INGEST_PORT/v1/events -H 'Authorization: Bearer $ingest_key' -H 'Content-Type: application/json' -d '{"id":"demo-$(date -u +%s)","type":"team.blocked","occurredAt":"$now","data":{"teamId":"payments","reason":"dependency"}}'

Query GraphQL:
curl -sS http://127.0.0.1:$API_PORT/graphql -H 'Authorization: Bearer $api_token' -H 'Content-Type: application/json' -d '{"query":"{ team(id: \"payments\") { id blocked blockedSince headcount } }"}'

Press Ctrl-C to stop.
BANNER

# Returns when any app exits (or on Ctrl-C); the EXIT trap then stops the rest.
wait -n "${APP_PIDS[@]}" || true
say "an app exited; see $RUN_DIR/logs/"
exit 1
