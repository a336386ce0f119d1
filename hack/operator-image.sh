#!/usr/bin/env bash
# Builds the operator's image without a container engine: a Java runtime made by jlink from the local JDK, the C
# libraries it links against, and the shaded jar, as three layers of an OCI image tar (hack/oci-image.sh). The
# runtime layer is cached per JDK, so a rebuild after a code change only repacks the jar.
#
#   hack/operator-image.sh [REF] [OUT.tar]    defaults: local.test/immutability-operator:dev, target/operator-image.tar
# Build the jar first (mvn -B package -DskipTests). Import with: hack/local-cluster.sh load-image OUT.tar
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
REF=${1:-local.test/immutability-operator:dev}
OUT=${2:-$ROOT/target/operator-image.tar}
JAR=$ROOT/target/immutability-operator.jar
# What the operator uses beyond java.base: logging, JMX and JVM metrics, the JDK HTTP client and server, TLS with
# EC keys, XML (logback), naming (TLS host checks), java.sql (Jackson's date types) and sun.misc.Unsafe.
MODULES=java.base,java.logging,java.management,jdk.management,java.naming,java.net.http,jdk.httpserver,\
jdk.crypto.ec,java.xml,java.sql,jdk.unsupported,java.desktop,java.security.jgss
# The user the Helm chart runs the operator as.
USER_ID=65532

log() { printf '[operator-image] %s\n' "$*" >&2; }
die() { printf '[operator-image] error: %s\n' "$*" >&2; exit 1; }

[[ -f "$JAR" ]] || die "no $JAR: build it first (mvn -B package -DskipTests)"
JAVA_HOME=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
[[ -x "$JAVA_HOME/bin/jlink" && -d "$JAVA_HOME/jmods" ]] || die "jlink and jmods are needed in $JAVA_HOME (a full JDK)"

cache="${XDG_CACHE_HOME:-$HOME/.cache}/immutability-operator/image-base/$("$JAVA_HOME/bin/java" -version 2>&1 | head -1 | tr -c 'a-zA-Z0-9.\n' _ | head -c 80)"
if [[ ! -d "$cache/runtime" ]]; then
  log "assembling the runtime with jlink from $JAVA_HOME into $cache"
  rm -rf "$cache"
  mkdir -p "$cache/runtime/opt" "$cache/libs"
  "$JAVA_HOME/bin/jlink" --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages \
    --output "$cache/runtime/opt/java"
  # The runtime's own shared libraries and the system libraries they need, at the same paths as on this machine.
  find "$cache/runtime/opt/java" -type f \( -name java -o -name '*.so' \) -exec ldd {} \; 2>/dev/null \
    | grep -o '/[^ ]*\.so[^ ]*' | grep -v "^$cache" | sort -u | while read -r lib; do
      mkdir -p "$cache/libs$(dirname "$lib")"
      cp -L "$lib" "$cache/libs$lib"
    done
  # The dynamic loader by its canonical name, and the account the chart runs the operator as.
  mkdir -p "$cache/libs/lib64" "$cache/libs/etc" "$cache/libs/tmp"
  cp -L /lib64/ld-linux-x86-64.so.2 "$cache/libs/lib64/"
  chmod 1777 "$cache/libs/tmp"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:%s:%s:nonroot:/home/nonroot:/sbin/nologin\n' \
    "$USER_ID" "$USER_ID" > "$cache/libs/etc/passwd"
  printf 'root:x:0:\nnonroot:x:%s:\n' "$USER_ID" > "$cache/libs/etc/group"
fi

app=$(mktemp -d)
trap 'rm -rf "$app"' EXIT
mkdir -p "$app/app"
cp "$JAR" "$app/app/immutability-operator.jar"
# As the Dockerfile: the JVM writes only to /tmp (an emptyDir in the Deployment), so the root can be read-only.
"$ROOT/hack/oci-image.sh" build "$REF" "$OUT" --user "$USER_ID:$USER_ID" \
  --env "JAVA_TOOL_OPTIONS=-XX:MaxRAMPercentage=75 -XX:-UsePerfData -Djava.io.tmpdir=/tmp -XX:Tier4InvocationThreshold=50000 -XX:Tier4MinInvocationThreshold=6000 -XX:Tier4CompileThreshold=150000 -XX:Tier4BackEdgeThreshold=400000" \
  --entrypoint /opt/java/bin/java --entrypoint -jar --entrypoint /app/immutability-operator.jar \
  "$cache/libs" "$cache/runtime" "$app"
