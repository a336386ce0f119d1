#!/usr/bin/env bash
# Webhook latency under load on loopback (no cluster needed). Options as system properties, e.g.
#   hack/bench-webhook.sh -Dbench.clients=8 -Dbench.requests=20000
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=test
exec java "$@" -cp "target/classes:target/test-classes:$(cat target/classpath.txt)" \
  dev.immutability.operator.webhook.WebhookLatencyBenchmark
