#!/usr/bin/env bash
# helm template for the chart in infra/helm/orgpulse, from Maven Central (no helm binary needed): Helm's
# own Go library, run through helm-java on the JVM. Fetches its jars once into .cache/helm-java.
#   bash infra/helm/helm.sh template RELEASE NAMESPACE [VALUES...]   the manifests on stdout
# (with a helm binary, `helm template RELEASE infra/helm/orgpulse -n NAMESPACE -f VALUES` is the same)
# Needs java (17+) and mvn, as infra/kafka/kafka.sh does.
set -euo pipefail

readonly DEP_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd -P)
readonly SCRIPT_DIR REPO_ROOT
readonly POM=$SCRIPT_DIR/render/pom.xml
readonly CHART=$SCRIPT_DIR/orgpulse
readonly CACHE=${ORGPULSE_CACHE_DIR:-$REPO_ROOT/.cache}/helm-java
readonly LIBS=$CACHE/libs
readonly MARKER=$CACHE/libs.complete

die() { printf 'helm.sh: error: %s\n' "$*" >&2; exit 1; }
digest() { sha256sum "$POM" | cut -d' ' -f1; }

fetch() {
  [[ -f $MARKER && $(<"$MARKER") == "$(digest)" ]] && return 0
  command -v mvn >/dev/null 2>&1 || die "mvn not found on PATH (needed once to fetch Helm's jars)"
  mkdir -p "$CACHE"
  exec 8>"$CACHE/.fetch.lock"
  flock 8
  [[ -f $MARKER && $(<"$MARKER") == "$(digest)" ]] && return 0
  printf 'helm.sh: fetching helm-java from Maven Central into %s\n' "$LIBS" >&2
  local tmp=$CACHE/libs.tmp.$$
  rm -rf "$CACHE"/libs.tmp.* "$MARKER"
  if ! mvn -q -B -Dstyle.color=never -f "$POM" "$DEP_PLUGIN:copy-dependencies" \
      -DincludeScope=runtime -DoutputDirectory="$tmp" 2>&1 | sed 's/\x1b\[0m//g' >&2; then
    rm -rf "$tmp"
    die "mvn failed to resolve helm-java (see the output above)"
  fi
  rm -rf "$LIBS"
  mv "$tmp" "$LIBS"
  digest >"$MARKER"
  exec 8>&-
}

java_bin() {
  if [[ -n ${JAVA_HOME:-} ]]; then printf '%s/bin/java' "$JAVA_HOME"; else printf 'java'; fi
}

[[ $# -ge 3 && $1 == template ]] || die "usage: helm.sh template RELEASE NAMESPACE [VALUES...]"
fetch
shift
exec "$(java_bin)" -Xmx256m -cp "$LIBS/*" "$SCRIPT_DIR/render/Render.java" template "$CHART" "$@"
