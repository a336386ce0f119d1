#!/usr/bin/env bash
# Regenerates the CRD from the Java API classes and refreshes every copy of generated or shared files.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mvn -B -q process-classes
for dir in crds config/crd/bases helm/immutability-operator/crds; do
  cp target/classes/META-INF/fabric8/*.immutability.dev-v1.yml "$dir/"
done
cp config/prometheus/alerts.yaml helm/immutability-operator/files/alerts.yaml
cp config/admission/records-policy.yaml helm/immutability-operator/files/records-policy.yaml
cp config/grafana/immutability-operator-dashboard.json helm/immutability-operator/files/grafana-dashboard.json
echo "updated crds/, config/crd/bases/, helm/immutability-operator/crds/, and the chart's alert rules, records policy and dashboard"
