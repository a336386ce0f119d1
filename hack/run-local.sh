#!/usr/bin/env bash
# Runs the operator on this machine against the local control plane, with the samples applied:
# starts (or reuses) the cluster, builds the jar, installs the CRD, applies config/samples/ and runs the operator
# in the foreground (Ctrl-C stops it; `hack/local-cluster.sh down` stops the cluster).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

hack/local-cluster.sh up >/dev/null
export KUBECONFIG
KUBECONFIG=$(hack/local-cluster.sh kubeconfig)
kubectl=$(hack/local-cluster.sh bin kubectl)

echo "[run-local] building the operator"
mvn -B -q package -DskipTests
"$kubectl" apply --server-side --force-conflicts -f crds/ >/dev/null
"$kubectl" wait --for=condition=Established crd/immutabilitypolicies.immutability.dev --timeout=60s >/dev/null
"$kubectl" apply -k config/samples/ >/dev/null

cat <<MSG
[run-local] the samples are applied in namespace demo. In another shell:
  export KUBECONFIG=$KUBECONFIG PATH=$(dirname "$kubectl"):\$PATH
  kubectl -n demo get impol
  kubectl -n demo set image pod/\$(kubectl -n demo get pods -l app=nginx -o name | head -1 | cut -d/ -f2) nginx=nginx:1.28
  kubectl -n demo get impol nginx; kubectl -n demo get events --sort-by=.lastTimestamp
[run-local] starting the operator (metrics and health on http://${HTTP_ADDRESS:-127.0.0.1:8080})
MSG
HTTP_ADDRESS=${HTTP_ADDRESS:-127.0.0.1:8080} exec java -jar target/immutability-operator.jar
