#!/usr/bin/env bash
# A real, local Kubernetes control plane built from Go modules and run as plain processes:
# etcd, kube-apiserver, kube-controller-manager, kube-scheduler and KWOK with fake nodes.
#
#   hack/local-cluster.sh build [--real-node]  build (or reuse) the cached binaries (and the kubelet, and install
#                                              the real node's Debian packages)
#   hack/local-cluster.sh up [--real-node]     start the cluster (idempotent) and print `export KUBECONFIG=...`;
#                                              --real-node adds a kubelet node whose containers really run
#                                              (root; see hack/real-node.sh)
#   hack/local-cluster.sh load-image TAR       import an OCI image tar (hack/oci-image.sh) into the real node
#   hack/local-cluster.sh kubeconfig  print the kubeconfig path
#   hack/local-cluster.sh status      say whether the cluster of this checkout is running
#   hack/local-cluster.sh down        stop every process started by `up` and remove the state
#   hack/local-cluster.sh bin NAME    print the path of a cached binary (kubectl, kube-apiserver, ...)
set -euo pipefail

K8S_VERSION=${K8S_VERSION:-v1.34.4}
ETCD_VERSION=${ETCD_VERSION:-v3.6.16}
KWOK_VERSION=${KWOK_VERSION:-v0.8.0}
NODES=${LOCAL_CLUSTER_NODES:-3}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/immutability-operator"
BIN_DIR="$CACHE_ROOT/k8s-$K8S_VERSION-etcd-$ETCD_VERSION-kwok-$KWOK_VERSION/bin"
# State is per checkout so two checkouts on one machine run two separate clusters.
STATE_DIR=${LOCAL_CLUSTER_STATE:-$ROOT/.local-cluster}
KUBECONFIG_FILE="$STATE_DIR/kubeconfig"

log() { printf '[local-cluster] %s\n' "$*" >&2; }
die() { printf '[local-cluster] error: %s\n' "$*" >&2; exit 1; }

source "$ROOT/hack/real-node.sh"

require_go() {
  command -v go >/dev/null 2>&1 || die "Go is required to build the control plane (https://go.dev/doc/install); 'go' is not on PATH"
}

# go install refuses modules whose go.mod has replace directives (k8s.io/kubernetes, etcd's server), so each
# tool is built from a throwaway wrapper module that requires it and pins its replaced modules to released ones.
build_in_wrapper() {
  local name=$1 module=$2 version=$3 ldflags=$4; shift 4
  local packages=("$@") work
  work=$(mktemp -d)
  (
    cd "$work"
    go mod init "local/build-$name" >/dev/null 2>&1
    go mod download -json "$module@$version" > download.json
    local gomod
    gomod=$(sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p' download.json)
    [[ -n "$gomod" ]] || die "could not download $module@$version"
    # Every `replace X => ./staging/...` (or ../sibling) becomes `replace X => X <released version>`.
    grep -E '=>\s+(\./staging/|\.\./)' "$gomod" | sed -E 's/^\s*replace\s+//' | awk '{print $1}' | sort -u > replaced.txt || true
    {
      echo "require $module $version"
      while read -r dep; do
        [[ -n "$dep" ]] && echo "replace $dep => $dep $(staging_version "$name" "$dep")"
      done < replaced.txt
    } >> go.mod
    for pkg in "${packages[@]}"; do go get "$pkg@$version" >/dev/null 2>&1 || go get "$pkg" ; done
    CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$BIN_DIR/" "${packages[@]}"
  )
  rm -rf "$work"
}

# The released version of a module that $name's go.mod replaces with a local path.
staging_version() {
  local name=$1 dep=$2
  case "$name" in
    kubernetes) echo "v0.${K8S_VERSION#v1.}" ;;   # k8s.io/api etc. are released as v0.<minor>.<patch>
    etcd) echo "$ETCD_VERSION" ;;
    kwok) echo "$KWOK_VERSION" ;;
  esac
}

# Kubernetes binaries report the pinned version, as released ones do (the kubelet registers it as its node's version).
k8s_ldflags() {
  local minor=${K8S_VERSION#v1.}; minor=${minor%%.*}
  local vpkg ld="-s -w"
  for vpkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld+=" -X $vpkg.gitVersion=$K8S_VERSION -X $vpkg.gitMajor=1 -X $vpkg.gitMinor=$minor"
    ld+=" -X $vpkg.gitTreeState=clean -X $vpkg.buildDate=1970-01-01T00:00:00Z"
  done
  echo "$ld"
}

build() {
  local all=(etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok) missing=()
  for b in "${all[@]}"; do [[ -x "$BIN_DIR/$b" ]] || missing+=("$b"); done
  [[ -f "$BIN_DIR/kwok-stages.yaml" ]] || missing+=(kwok-stages.yaml)
  if [[ ${#missing[@]} -eq 0 ]]; then return 0; fi
  require_go
  mkdir -p "$BIN_DIR"
  log "building ${missing[*]} into $BIN_DIR (cold builds take many minutes; later runs reuse the cache)"
  local start=$SECONDS
  if [[ ! -x "$BIN_DIR/etcd" ]]; then
    log "building etcd $ETCD_VERSION ..."
    build_in_wrapper etcd go.etcd.io/etcd/server/v3 "$ETCD_VERSION" "-s -w" go.etcd.io/etcd/server/v3
    mv "$BIN_DIR/v3" "$BIN_DIR/etcd" 2>/dev/null || true
    [[ -x "$BIN_DIR/etcd" ]] || mv "$BIN_DIR/server" "$BIN_DIR/etcd"
    log "etcd built ($((SECONDS - start))s so far)"
  fi
  local k8s_missing=()
  for b in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
    [[ -x "$BIN_DIR/$b" ]] || k8s_missing+=("k8s.io/kubernetes/cmd/$b")
  done
  if [[ ${#k8s_missing[@]} -gt 0 ]]; then
    log "building Kubernetes $K8S_VERSION: ${k8s_missing[*]##*/} ..."
    build_in_wrapper kubernetes k8s.io/kubernetes "$K8S_VERSION" "$(k8s_ldflags)" "${k8s_missing[@]}"
    log "Kubernetes built ($((SECONDS - start))s so far)"
  fi
  if [[ ! -x "$BIN_DIR/kwok" ]]; then
    log "building kwok $KWOK_VERSION ..."
    build_in_wrapper kwok sigs.k8s.io/kwok "$KWOK_VERSION" "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=$KWOK_VERSION" sigs.k8s.io/kwok/cmd/kwok
  fi
  if [[ ! -f "$BIN_DIR/kwok-stages.yaml" ]]; then
    write_kwok_stages
  fi
  log "all binaries ready in $BIN_DIR ($((SECONDS - start))s)"
}

# The real node's agent, built like the control plane (only `up --real-node` needs it).
build_kubelet() {
  [[ -x "$BIN_DIR/kubelet" ]] && return 0
  require_go
  mkdir -p "$BIN_DIR"
  log "building kubelet $K8S_VERSION ..."
  local start=$SECONDS
  build_in_wrapper kubernetes k8s.io/kubernetes "$K8S_VERSION" "$(k8s_ldflags)" k8s.io/kubernetes/cmd/kubelet
  log "kubelet built in $((SECONDS - start))s"
}

# KWOK's own "fast" stages, with one change: container statuses carry an imageID (a digest) as a kubelet's do.
# An image pinned by digest keeps its digest; a tag gets a stable digest derived from the image reference.
write_kwok_stages() {
  local dir
  dir=$(cd /tmp && go mod download -json "sigs.k8s.io/kwok@$KWOK_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [[ -d "$dir/kustomize/stage" ]] || die "kwok $KWOK_VERSION stages not found in the Go module cache"
  local image_id='imageID: {{ if contains "@sha256:" .image }}{{ .image | Quote }}{{ else }}{{ printf "%s@sha256:%s" (regexReplaceAll ":[^:/@]+$" .image "") (sha256sum .image) | Quote }}{{ end }}'
  {
    for f in node/fast/node-initialize.yaml node/heartbeat/node-heartbeat.yaml \
             pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
      echo "---"
      awk -v id="$image_id" '{ print } /^ *- image: \{\{ \.image \| Quote \}\}$/ { match($0, /^ */); printf "%*s  %s\n", RLENGTH, "", id }' \
        "$dir/kustomize/stage/$f"
    done
  } > "$BIN_DIR/kwok-stages.yaml.tmp"
  grep -q 'imageID:' "$BIN_DIR/kwok-stages.yaml.tmp" || die "could not add imageID to kwok's pod-ready stage"
  mv "$BIN_DIR/kwok-stages.yaml.tmp" "$BIN_DIR/kwok-stages.yaml"
}

port_is_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Ports are picked at random among free ones and kept in the state directory, so two checkouts never share one.
pick_ports() {
  local name
  : > "$STATE_DIR/ports.env"
  for name in ETCD_CLIENT ETCD_PEER APISERVER KWOK; do
    add_free_port "$name"
  done
}

# Records NAME_PORT=<a free port no other name in ports.env has> in ports.env.
add_free_port() {
  local name=$1 port
  for _ in $(seq 1 50); do
    # Below 32768, out of the kernel's ephemeral range, so no outgoing connection takes the port meanwhile.
    port=$((20000 + RANDOM % 12000))
    if port_is_free "$port" && ! grep -q "=$port\$" "$STATE_DIR/ports.env"; then break; fi
    port=""
  done
  [[ -n "$port" ]] || die "no free port found for $name"
  echo "${name}_PORT=$port" >> "$STATE_DIR/ports.env"
}

generate_certs() {
  local d=$STATE_DIR/pki
  mkdir -p "$d"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=local-cluster-ca" \
    -keyout "$d/ca.key" -out "$d/ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=kube-apiserver" -keyout "$d/apiserver.key" -out "$d/apiserver.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,IP:10.0.0.1\n' > "$d/san.ext"
  openssl x509 -req -in "$d/apiserver.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial -days 3650 \
    -extfile "$d/san.ext" -out "$d/apiserver.crt" 2>/dev/null
  openssl genrsa -out "$d/sa.key" 2048 2>/dev/null
  openssl rsa -in "$d/sa.key" -pubout -out "$d/sa.pub" 2>/dev/null
  # The API server's client identity towards admission webhooks, from a CA of its own: a webhook that trusts only
  # this CA knows a request came from the API server (see write_admission_config).
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=webhook-client-ca" \
    -keyout "$d/webhook-client-ca.key" -out "$d/webhook-client-ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=kube-apiserver-webhook-client" \
    -keyout "$d/webhook-client.key" -out "$d/webhook-client.csr" 2>/dev/null
  printf 'extendedKeyUsage=clientAuth\n' > "$d/client.ext"
  openssl x509 -req -in "$d/webhook-client.csr" -CA "$d/webhook-client-ca.crt" -CAkey "$d/webhook-client-ca.key" \
    -CAcreateserial -days 3650 -extfile "$d/client.ext" -out "$d/webhook-client.crt" 2>/dev/null
}

# The API server presents its webhook client certificate to every webhook it calls ("*"), as a cluster that
# authenticates to its admission webhooks does (WebhookAdmissionConfiguration).
write_admission_config() {
  local d=$STATE_DIR/pki
  cat > "$STATE_DIR/webhook-client.kubeconfig" <<KCFG
apiVersion: v1
kind: Config
users:
- name: "*"
  user:
    client-certificate: $d/webhook-client.crt
    client-key: $d/webhook-client.key
KCFG
  cat > "$STATE_DIR/admission-config.yaml" <<CFG
apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
- name: ValidatingAdmissionWebhook
  configuration:
    apiVersion: apiserver.config.k8s.io/v1
    kind: WebhookAdmissionConfiguration
    kubeConfigFile: $STATE_DIR/webhook-client.kubeconfig
- name: MutatingAdmissionWebhook
  configuration:
    apiVersion: apiserver.config.k8s.io/v1
    kind: WebhookAdmissionConfiguration
    kubeConfigFile: $STATE_DIR/webhook-client.kubeconfig
CFG
}

write_kubeconfig() {
  local token=$1
  cat > "$KUBECONFIG_FILE" <<KCFG
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster:
    server: https://127.0.0.1:$APISERVER_PORT
    certificate-authority-data: $(base64 -w0 < "$STATE_DIR/pki/ca.crt")
users:
- name: admin
  user:
    token: $token
contexts:
- name: local
  context: {cluster: local, user: admin}
current-context: local
KCFG
  chmod 600 "$KUBECONFIG_FILE"
}

# start NAME ARGS...: runs a binary in the background, logging to $STATE_DIR/logs/NAME.log, and records its pid.
# Binaries are the cached builds, else the system's (containerd).
start() {
  local name=$1 program=$BIN_DIR/$1; shift
  [[ -x "$program" ]] || program=$(command -v "$name") || die "$name not found"
  "$program" "$@" > "$STATE_DIR/logs/$name.log" 2>&1 &
  echo "$name $!" >> "$STATE_DIR/pids"
}

running() {
  [[ -f "$STATE_DIR/pids" ]] || return 1
  local name pid
  while read -r name pid; do kill -0 "$pid" 2>/dev/null || return 1; done < "$STATE_DIR/pids"
}

dead_processes() {
  local name pid
  while read -r name pid; do kill -0 "$pid" 2>/dev/null || printf '%s (see %s) ' "$name" "$STATE_DIR/logs/$name.log"; done < "$STATE_DIR/pids"
}

api_healthy() {
  curl -sf --max-time 2 --cacert "$STATE_DIR/pki/ca.crt" -H "Authorization: Bearer $(cat "$STATE_DIR/token")" \
    "https://127.0.0.1:$APISERVER_PORT/readyz" >/dev/null 2>&1
}

wait_for() {
  local what=$1 timeout=$2; shift 2
  local deadline=$((SECONDS + timeout))
  until "$@"; do
    if ((SECONDS > deadline)); then die "$what not ready after ${timeout}s; logs are in $STATE_DIR/logs"; fi
    running || die "a control plane process exited while waiting for $what: $(dead_processes); logs are in $STATE_DIR/logs"
    sleep 0.5
  done
}

kubectl_local() { "$BIN_DIR/kubectl" --kubeconfig "$KUBECONFIG_FILE" "$@"; }

nodes_ready() {
  [[ $(kubectl_local get nodes -l type=kwok -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' 2>/dev/null | grep -c True) -ge $NODES ]]
}

default_service_account_exists() { kubectl_local -n default get serviceaccount default >/dev/null 2>&1; }

up() {
  local real_node=false
  [[ "${1:-}" == --real-node ]] && real_node=true
  if running && { source "$STATE_DIR/ports.env"; api_healthy; }; then
    log "cluster already running (state in $STATE_DIR)"
    if $real_node; then real_node_up; fi
    echo "export KUBECONFIG=$KUBECONFIG_FILE"
    return 0
  fi
  [[ -f "$STATE_DIR/pids" ]] && down
  build
  mkdir -p "$STATE_DIR/logs" "$STATE_DIR/etcd"
  : > "$STATE_DIR/pids"
  pick_ports
  source "$STATE_DIR/ports.env"
  generate_certs
  write_admission_config
  local token
  token=$(openssl rand -hex 24)
  echo "$token" > "$STATE_DIR/token"
  echo "$token,admin,admin,system:masters" > "$STATE_DIR/tokens.csv"
  write_kubeconfig "$token"
  log "starting etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok (logs: $STATE_DIR/logs)"

  start etcd --data-dir "$STATE_DIR/etcd" --name local \
    --listen-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "local=http://127.0.0.1:$ETCD_PEER_PORT" --quota-backend-bytes 4294967296 --unsafe-no-fsync
  local pki=$STATE_DIR/pki
  start kube-apiserver --etcd-servers "http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$APISERVER_PORT" \
    --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" --client-ca-file "$pki/ca.crt" \
    --token-auth-file "$STATE_DIR/tokens.csv" --authorization-mode Node,RBAC \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
    --service-cluster-ip-range 10.0.0.0/24 --allow-privileged=true \
    --kubelet-preferred-address-types InternalIP --endpoint-reconciler-type none \
    --admission-control-config-file "$STATE_DIR/admission-config.yaml" \
    --enable-aggregator-routing=true
  # Endpoint routing: the API server calls a webhook Service at one of its ready endpoints (a pod address) rather
  # than at its ClusterIP, which needs a kube-proxy. On the real node those addresses are reachable from here.
  wait_for kube-apiserver 120 api_healthy

  # Controller manager and scheduler serve nothing (secure port 0): fewer ports, nothing to collide.
  # Client QPS raised from 20 so that thousands of pods (hack/bench-scale.sh) are created in minutes.
  start kube-controller-manager --kubeconfig "$KUBECONFIG_FILE" --leader-elect=false --secure-port 0 \
    --kube-api-qps 200 --kube-api-burst 400 \
    --service-account-private-key-file "$pki/sa.key" --root-ca-file "$pki/ca.crt" \
    --controllers '*,-nodeipam,-nodelifecycle,-cloud-node-lifecycle,-service-lb-controller,-route'
  start kube-scheduler --kubeconfig "$KUBECONFIG_FILE" --leader-elect=false --secure-port 0 \
    --kube-api-qps 200 --kube-api-burst 400
  # kubectl exec into a kwok pod runs the command on this machine, as nobody in /tmp, so exec really completes
  # (and kubectl prints what admission answered, warnings included).
  cat > "$STATE_DIR/kwok-exec.yaml" <<EXEC
kind: ClusterExec
apiVersion: kwok.x-k8s.io/v1alpha1
metadata: {name: local-exec}
spec:
  execs:
  - local: {workDir: /tmp, securityContext: {runAsUser: 65534, runAsGroup: 65534}}
EXEC
  # Node addresses point at kwok's own server on loopback, so exec/attach/logs never leave this machine.
  start kwok --kubeconfig "$KUBECONFIG_FILE" --config "$BIN_DIR/kwok-stages.yaml,$STATE_DIR/kwok-exec.yaml" \
    --manage-all-nodes=false --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake \
    --node-ip 127.0.0.1 --node-port "$KWOK_PORT" --server-address "127.0.0.1:$KWOK_PORT" \
    --cidr 10.244.0.0/16

  for i in $(seq 0 $((NODES - 1))); do
    kubectl_local apply -f - >/dev/null <<NODE
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-$i
  annotations: {kwok.x-k8s.io/node: fake, node.alpha.kubernetes.io/ttl: "0"}
  labels: {type: kwok, kubernetes.io/hostname: kwok-node-$i, kubernetes.io/os: linux, kubernetes.io/arch: amd64}
NODE
    # The node lifecycle controller is off (kwok is the only node agent), so lift the taint nodes are born with.
    kubectl_local taint nodes "kwok-node-$i" node.kubernetes.io/not-ready:NoSchedule- >/dev/null 2>&1 || true
    # Status is not taken on create; the address sends the API server's exec/attach/logs calls to kwok on loopback.
    kubectl_local patch node "kwok-node-$i" --subresource=status --type=merge \
      -p '{"status":{"addresses":[{"type":"InternalIP","address":"127.0.0.1"}]}}' >/dev/null
  done
  wait_for "$NODES kwok nodes" 120 nodes_ready
  wait_for "the default service account" 120 default_service_account_exists
  sleep 1
  running || die "a control plane process exited during start-up: $(dead_processes)"
  log "cluster ready: API server https://127.0.0.1:$APISERVER_PORT, $NODES kwok nodes"
  if $real_node; then real_node_up; fi
  echo "export KUBECONFIG=$KUBECONFIG_FILE"
}

down() {
  [[ -f "$STATE_DIR/ports.env" ]] && source "$STATE_DIR/ports.env"
  real_node_down
  if [[ -f "$STATE_DIR/pids" ]]; then
    local name pid
    # Reverse start order: node agents and controllers first, etcd last.
    tac "$STATE_DIR/pids" | while read -r name pid; do kill "$pid" 2>/dev/null || true; done
    sleep 1
    tac "$STATE_DIR/pids" | while read -r name pid; do kill -9 "$pid" 2>/dev/null || true; done
  fi
  rm -rf "$STATE_DIR"
  log "cluster stopped and state removed"
}

case "${1:-}" in
  build) build; if [[ "${2:-}" == --real-node ]]; then install_node_packages; build_kubelet; fi ;;
  up) up "${2:-}" ;;
  load-image) [[ -n "${2:-}" ]] || die "usage: $0 load-image TAR"; load_image "$2" ;;
  down) down ;;
  kubeconfig) echo "$KUBECONFIG_FILE" ;;
  status) if running; then echo "running (state in $STATE_DIR)"; else echo "not running"; exit 1; fi ;;
  bin) [[ -n "${2:-}" && -x "$BIN_DIR/$2" ]] || die "no binary '${2:-}' in $BIN_DIR (run: $0 build)"; echo "$BIN_DIR/$2" ;;
  *) die "usage: $0 build [--real-node]|up [--real-node]|load-image TAR|down|kubeconfig|status|bin NAME" ;;
esac
