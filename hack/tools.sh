#!/usr/bin/env bash
# Builds the command-line tools the checks use from their Go modules, once, into the user's cache:
#   hack/tools.sh helm|promtool    prints the path of the binary (building it first if needed)
set -euo pipefail

HELM_VERSION=${HELM_VERSION:-v3.19.5}
PROMETHEUS_VERSION=${PROMETHEUS_VERSION:-v0.316.0}   # Go module version of Prometheus 3.x's promtool
TOOLS_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/immutability-operator/tools"

log() { printf '[tools] %s\n' "$*" >&2; }
die() { printf '[tools] error: %s\n' "$*" >&2; exit 1; }

build() {
  local name=$1 package=$2 version=$3
  local target="$TOOLS_DIR/$name-$version/$name"
  if [[ ! -x "$target" ]]; then
    command -v go >/dev/null 2>&1 || die "Go is required to build $name; 'go' is not on PATH"
    log "building $name $version from $package (a few minutes the first time)"
    local start=$SECONDS
    GOBIN="$(dirname "$target")" CGO_ENABLED=0 go install -trimpath -ldflags "-s -w" "$package@$version" >&2
    log "$name built in $((SECONDS - start))s"
  fi
  echo "$target"
}

case "${1:-}" in
  helm) build helm helm.sh/helm/v3/cmd/helm "$HELM_VERSION" ;;
  promtool) build promtool github.com/prometheus/prometheus/cmd/promtool "$PROMETHEUS_VERSION" ;;
  *) die "usage: $0 helm|promtool" ;;
esac
