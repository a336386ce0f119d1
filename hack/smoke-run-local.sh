#!/usr/bin/env bash
# Runs the README's local-run command as a user would and checks the result: the operator becomes ready, the
# sample policy selects the sample pods, and an image edited in place gets its pod replaced. Used by CI.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
log=$(mktemp)
HTTP_ADDRESS=127.0.0.1:${SMOKE_HTTP_PORT:-18080} hack/run-local.sh > "$log" 2>&1 &
runner=$!
cleanup() { kill "$runner" 2>/dev/null || true; wait "$runner" 2>/dev/null || true; }
trap cleanup EXIT
fail() { echo "[smoke] $*"; tail -40 "$log"; exit 1; }

export KUBECONFIG
KUBECONFIG=$(hack/local-cluster.sh kubeconfig)
kubectl=$(hack/local-cluster.sh bin kubectl 2>/dev/null || true)
for _ in $(seq 1 240); do
  curl -sf "http://127.0.0.1:${SMOKE_HTTP_PORT:-18080}/readyz" >/dev/null 2>&1 && break
  kill -0 "$runner" 2>/dev/null || fail "hack/run-local.sh exited early"
  sleep 1
done
curl -sf "http://127.0.0.1:${SMOKE_HTTP_PORT:-18080}/readyz" >/dev/null || fail "the operator never became ready"
kubectl=$(hack/local-cluster.sh bin kubectl)
for _ in $(seq 1 60); do
  [[ $("$kubectl" -n demo get impol nginx -o jsonpath='{.status.matchedPods}' 2>/dev/null) == 3 ]] && break
  sleep 1
done
"$kubectl" -n demo get impol
[[ $("$kubectl" -n demo get impol nginx -o jsonpath='{.status.matchedPods}') == 3 ]] || fail "policy nginx does not match 3 pods"
pod=$("$kubectl" -n demo get pods -l app=nginx -o jsonpath='{.items[0].metadata.name}')
"$kubectl" -n demo set image "pod/$pod" nginx=nginx:1.28
for _ in $(seq 1 60); do
  "$kubectl" -n demo get pod "$pod" >/dev/null 2>&1 || break
  sleep 1
done
"$kubectl" -n demo get pod "$pod" >/dev/null 2>&1 && fail "the drifted pod $pod was not replaced"
"$kubectl" -n demo get impol nginx
echo "[smoke] hack/run-local.sh works: the drifted pod $pod was replaced"
