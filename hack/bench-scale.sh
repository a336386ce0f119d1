#!/usr/bin/env bash
# The operator at scale on the local control plane (KWOK): start-up, footprint, per-event cost, drift latencies and
# a ConfigMap change healed beside the controller's own rollout restart. Options as system properties, e.g.
#   hack/bench-scale.sh                                   # 10,000 pods, 1,000 Secrets of 100 KB, 200 samples
#   hack/bench-scale.sh -Dbench.pods=1000 -Dbench.secrets=100 -Dbench.samples=50 -Dbench.rounds=1
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
hack/local-cluster.sh up >&2
mvn -B -q package -DskipTests dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=test
mvn -B -q test-compile
exec java "$@" -Dbench.kubeconfig="$(hack/local-cluster.sh kubeconfig)" -Dproject.root="$PWD" \
  -cp "target/classes:target/test-classes:$(cat target/classpath.txt)" dev.immutability.operator.bench.ScaleBenchmark
