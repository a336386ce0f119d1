# A real node for the local control plane, sourced by hack/local-cluster.sh: a kubelet built from the pinned
# Kubernetes module, containerd and runc from Debian's packages, and a CNI bridge whose pod addresses this machine
# reaches. Its containers really run. Everything it keeps lives under $STATE_DIR/node; it needs root.
#
# The node is tainted and labelled immutability.dev/real-node=true: ordinary pods keep landing on the KWOK nodes,
# tests that need real containers select this node and tolerate the taint.

REAL_NODE_NAME=real-node
REAL_NODE_LABEL=immutability.dev/real-node
REAL_NODE_PACKAGES=(containerd runc containernetworking-plugins busybox-static iptables)
CNI_BIN_DIR=/usr/lib/cni
# A bridge and subnet of this checkout's own: nothing else on these machines makes bridges.
BRIDGE=${REAL_NODE_BRIDGE:-imo-br0}
POD_SUBNET=${REAL_NODE_SUBNET:-10.213.7.0/24}
BRIDGE_ADDRESS=${POD_SUBNET%.*}.1
# Images every pod on the node can use without a registry (imported at start-up; never garbage-collected).
BUSYBOX_IMAGE=local.test/busybox:1
PAUSE_IMAGE=local.test/pause:1
# The address pods are given for the API server (KUBERNETES_SERVICE_HOST, the `kubernetes` Service's ClusterIP).
API_SERVICE_IP=10.0.0.1

NODE_DIR=$STATE_DIR/node
CONTAINERD_SOCKET=$NODE_DIR/containerd/containerd.sock

ctr_local() { ctr --address "$CONTAINERD_SOCKET" --namespace k8s.io "$@"; }

install_node_packages() {
  local missing=() p
  for p in "${REAL_NODE_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  ((${#missing[@]})) || return 0
  log "installing ${missing[*]} (Debian packages)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

write_containerd_config() {
  cat > "$NODE_DIR/containerd/config.toml" <<TOML
version = 2
root = "$NODE_DIR/containerd/root"
state = "$NODE_DIR/containerd/state"
[grpc]
  address = "$CONTAINERD_SOCKET"
[ttrpc]
  address = "$CONTAINERD_SOCKET.ttrpc"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  # Lowering oom_score_adj is refused here even to root; without this every sandbox fails with
  # "can't get final child's PID from pipe: EOF". Restricted, containers never go below containerd's own score.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        # The kernel offers cgroup v1 only and no systemd runs: runc manages cgroupfs directly, as the kubelet does.
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$CNI_BIN_DIR"
    conf_dir = "$NODE_DIR/cni"
TOML
}

write_cni_config() {
  cat > "$NODE_DIR/cni/10-bridge.conflist" <<JSON
{
  "cniVersion": "0.4.0",
  "name": "real-node",
  "plugins": [
    {
      "type": "bridge", "bridge": "$BRIDGE", "isGateway": true, "ipMasq": false, "hairpinMode": true,
      "ipam": {"type": "host-local", "dataDir": "$NODE_DIR/cni-ipam",
               "ranges": [[{"subnet": "$POD_SUBNET", "gateway": "$BRIDGE_ADDRESS"}]],
               "routes": [{"dst": "0.0.0.0/0"}]}
    },
    {"type": "loopback"}
  ]
}
JSON
}

write_kubelet_config() {
  cat > "$NODE_DIR/kubelet-config.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: 127.0.0.1
port: $KUBELET_PORT
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $KUBELET_HEALTHZ_PORT
containerRuntimeEndpoint: unix://$CONTAINERD_SOCKET
podLogsDir: $NODE_DIR/pod-logs
# cgroup v1 only, and no systemd: the cgroupfs driver (as containerd's runc), and v1 explicitly allowed.
cgroupDriver: cgroupfs
failCgroupV1: false
cgroupsPerQOS: true
# Nothing is reserved for the system on a shared test machine: no node-allocatable enforcement.
enforceNodeAllocatable: []
failSwapOn: false
# The API server presents no kubelet client certificate here, and both listen on loopback only.
authentication:
  anonymous: {enabled: true}
  webhook: {enabled: false}
authorization: {mode: AlwaysAllow}
# Imported images cannot be pulled again: never evict or garbage-collect them.
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {memory.available: "1Mi", nodefs.available: "1%", imagefs.available: "1%", nodefs.inodesFree: "1%"}
# No cluster DNS runs here, and the machine's resolver is out of the pods' reach: a query would wait for its
# timeout (the JDK's HTTPS server looks up each client's address, so every admission call would time out). A
# resolver on the pod's own loopback refuses at once instead.
resolvConf: $NODE_DIR/resolv.conf
registerWithTaints:
- {key: $REAL_NODE_LABEL, value: "true", effect: NoSchedule}
maxPods: 40
# Mounted ConfigMaps and Secrets are refreshed when the kubelet syncs a pod: every 10 s rather than every minute.
syncFrequency: 10s
YAML
}

pick_node_ports() {
  local name
  for name in KUBELET KUBELET_HEALTHZ; do
    grep -q "^${name}_PORT=" "$STATE_DIR/ports.env" || add_free_port "$name"
  done
  source "$STATE_DIR/ports.env"
}

# The bridge is made before the first pod so the API server's address can be offered on it from the start.
# Pods reach the API server as a real cluster's do, at the `kubernetes` Service's ClusterIP: there is no kube-proxy,
# so one DNAT rule, for traffic from this bridge only, sends it to the API server on loopback.
setup_pod_network() {
  ip link show "$BRIDGE" >/dev/null 2>&1 || ip link add "$BRIDGE" type bridge
  ip addr replace "$BRIDGE_ADDRESS/${POD_SUBNET#*/}" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  # A DNAT to 127.0.0.1 is dropped as martian unless the interface it arrives on allows loopback routing.
  sysctl -qw "net.ipv4.conf.$BRIDGE.route_localnet=1"
  iptables -t nat -C PREROUTING $(api_dnat_rule) 2>/dev/null || iptables -t nat -A PREROUTING $(api_dnat_rule)
}

api_dnat_rule() {
  echo "-i $BRIDGE -d $API_SERVICE_IP/32 -p tcp --dport 443 -m comment --comment immutability-real-node \
-j DNAT --to-destination 127.0.0.1:$APISERVER_PORT"
}

teardown_pod_network() {
  [[ -n "${APISERVER_PORT:-}" ]] && while iptables -t nat -D PREROUTING $(api_dnat_rule) 2>/dev/null; do :; done
  ip link del "$BRIDGE" 2>/dev/null || true
}

# The sandbox (pause) image is busybox sleeping: built like any other image, from local files.
import_base_images() {
  local work
  work=$(mktemp -d)
  "$ROOT/hack/oci-image.sh" busybox-rootfs "$work/rootfs"
  "$ROOT/hack/oci-image.sh" build "$BUSYBOX_IMAGE" "$work/busybox.tar" "$work/rootfs"
  "$ROOT/hack/oci-image.sh" build "$PAUSE_IMAGE" "$work/pause.tar" --entrypoint /bin/sleep --entrypoint 2147483647 \
    --user 65534:65534 "$work/rootfs"
  load_image "$work/busybox.tar"
  load_image "$work/pause.tar"
  rm -rf "$work"
}

load_image() {
  [[ -f "$1" ]] || die "no image tar $1"
  [[ -S "$CONTAINERD_SOCKET" ]] || die "the real node is not running (hack/local-cluster.sh up --real-node)"
  ctr_local images import --no-unpack=false "$1" >/dev/null
  log "imported $1"
}

real_node_running() { [[ -S "$CONTAINERD_SOCKET" ]] && grep -q '^kubelet ' "$STATE_DIR/pids" 2>/dev/null && running; }

real_node_ready() {
  [[ $(kubectl_local get node "$REAL_NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null) == True ]]
}

node_registered() { kubectl_local get node "$REAL_NODE_NAME" >/dev/null 2>&1; }

containerd_serving() { ctr_local version >/dev/null 2>&1; }

real_node_up() {
  [[ $EUID -eq 0 ]] || die "the real node needs root (containerd, runc, a bridge and an iptables rule)"
  if real_node_running; then log "real node already running"; return 0; fi
  local start=$SECONDS
  install_node_packages
  build_kubelet
  pick_node_ports
  mkdir -p "$NODE_DIR/containerd" "$NODE_DIR/cni" "$NODE_DIR/cni-ipam" "$NODE_DIR/kubelet" "$NODE_DIR/pod-logs"
  write_containerd_config
  write_cni_config
  write_kubelet_config
  echo "nameserver 127.0.0.1" > "$NODE_DIR/resolv.conf"
  setup_pod_network
  start containerd --config "$NODE_DIR/containerd/config.toml"
  wait_for containerd 60 containerd_serving
  import_base_images
  # --node-ip 127.0.0.1 is refused as loopback, so the kubelet publishes no address of its own and keeps the one
  # patched below: the API server reaches its exec/logs endpoint on loopback, as it reaches kwok's.
  start kubelet --config "$NODE_DIR/kubelet-config.yaml" --kubeconfig "$KUBECONFIG_FILE" \
    --hostname-override "$REAL_NODE_NAME" --node-ip 127.0.0.1 --root-dir "$NODE_DIR/kubelet" \
    --cert-dir "$NODE_DIR/kubelet/pki" --node-labels "$REAL_NODE_LABEL=true,type=real"
  wait_for "the real node to register" 120 node_registered
  kubectl_local patch node "$REAL_NODE_NAME" --subresource=status --type=merge \
    -p '{"status":{"addresses":[{"type":"InternalIP","address":"127.0.0.1"},{"type":"Hostname","address":"'"$REAL_NODE_NAME"'"}]}}' >/dev/null
  # The node lifecycle controller is off: lift the taint a node is born with, as for the kwok nodes.
  kubectl_local taint nodes "$REAL_NODE_NAME" node.kubernetes.io/not-ready:NoSchedule- >/dev/null 2>&1 || true
  wait_for "the real node to be Ready" 120 real_node_ready
  log "real node $REAL_NODE_NAME ready in $((SECONDS - start))s (pods on $POD_SUBNET, bridge $BRIDGE)"
}

# Pods first (so the kubelet tears down sandboxes and releases addresses), then any container left, then the
# processes, mounts, bridge and rule. Only this checkout's containerd shims are stopped, by their process ids.
real_node_down() {
  [[ -d "$NODE_DIR" ]] || return 0
  if api_healthy 2>/dev/null && grep -q '^kubelet ' "$STATE_DIR/pids"; then
    kubectl_local delete pods -A --field-selector "spec.nodeName=$REAL_NODE_NAME" --grace-period 0 --force \
      --wait=false >/dev/null 2>&1 || true
    local deadline=$((SECONDS + 30))
    while ((SECONDS < deadline)) && [[ -n $(ctr_local tasks ls -q 2>/dev/null) ]]; do sleep 1; done
  fi
  stop_process kubelet
  # Sandboxes the kubelet did not tear down keep their network namespaces (/run/netns/cni-...): release them.
  local container netns
  for container in $(ctr_local containers ls -q 2>/dev/null); do
    ctr_local containers info "$container" 2>/dev/null | grep -o '/var/run/netns/cni-[0-9a-f-]*' || true
  done | sort -u | while read -r netns; do
    umount "$netns" 2>/dev/null || true
    rm -f "$netns"
  done
  local task
  for task in $(ctr_local tasks ls -q 2>/dev/null); do
    ctr_local tasks kill -s SIGKILL "$task" >/dev/null 2>&1 || true
    ctr_local tasks delete -f "$task" >/dev/null 2>&1 || true
  done
  stop_process containerd
  local pid
  for pid in $(pgrep -f "containerd-shim-runc-v2 .*-address $CONTAINERD_SOCKET" || true); do kill -9 "$pid" 2>/dev/null || true; done
  # Mounts under the node's directories (sandbox /dev/shm, volumes, overlay rootfs), deepest first.
  awk -v dir="$NODE_DIR" 'index($2, dir) == 1 { print $2 }' /proc/self/mounts | sort -r | while read -r m; do
    umount -l "$m" 2>/dev/null || true
  done
  teardown_pod_network
}

stop_process() {
  local name=$1 pid
  pid=$(awk -v n="$name" '$1 == n { print $2 }' "$STATE_DIR/pids" 2>/dev/null)
  [[ -n "$pid" ]] || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.5; done
  kill -9 "$pid" 2>/dev/null || true
}
