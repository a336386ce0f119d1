#!/usr/bin/env bash
# What a ConfigMap or Secret costs in the operator's cache (no cluster needed), e.g.
#   hack/bench-footprint.sh -Dbench.objects=50000
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=test
exec java -XX:+UseSerialGC "$@" -cp "target/classes:target/test-classes:$(cat target/classpath.txt)" \
  dev.immutability.operator.bench.CacheFootprintBenchmark
