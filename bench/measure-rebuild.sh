#!/usr/bin/env bash
# `projections rebuild` alone on a database filled by bench/src/rebuild-setup.main.ts (the rebuild leaves the
# store as it was, so it can be run again): the CLI's CPU and peak RSS, and its PostgreSQL backends' CPU
# (polled from /proc, so it misses the last 0.3 s). Extra arguments go to node (e.g. --cpu-prof); CLI=path runs
# another build's CLI (a before/after comparison).
# usage: bash bench/measure-rebuild.sh DATABASE_NAME [node flags...]   (server: 127.0.0.1:5432, user postgres)
set -euo pipefail
DB=$1
shift
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
POLLED=$(mktemp)
(
  while true; do
    for pid in $(psql -h 127.0.0.1 -U postgres -Atc \
      "SELECT pid FROM pg_stat_activity WHERE datname = '$DB' AND pid <> pg_backend_pid()"); do
      [ -r "/proc/$pid/stat" ] && echo "$pid $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null)" >>"$POLLED"
    done
    sleep 0.3
  done
) &
POLLER=$!
trap 'kill "$POLLER" 2>/dev/null; rm -f "$POLLED"' EXIT
DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB" LOG_LEVEL=warn \
  /usr/bin/time -f "cli: peak RSS %M KiB, %U s user, %S s system, %e s wall" \
  node "$@" "${CLI:-$ROOT/dist/apps/cli/src/main.js}" projections rebuild
awk -v hz="$(getconf CLK_TCK)" 'NF == 2 {last[$1] = $2} END {for (p in last) s += last[p]; printf "postgres backends: %.1f s CPU\n", s / hz}' "$POLLED"
