#!/usr/bin/env bash
# Builds OCI image layout tars from local files, with no container engine and no registry; containerd imports them
# (`hack/local-cluster.sh load-image TAR`).
#
#   hack/oci-image.sh build REF OUT.tar [--entrypoint CMD]... [--user UID:GID] [--env K=V]... DIR...
#       one uncompressed layer per DIR, in order; CMD words become the entrypoint
#   hack/oci-image.sh busybox-rootfs DIR
#       fills DIR with Debian's busybox-static, a symlink per applet (sh, tar for `kubectl cp`, sleep, ...),
#       /etc/passwd and /etc/group with root and nobody, and /tmp
set -euo pipefail

log() { printf '[oci-image] %s\n' "$*" >&2; }
die() { printf '[oci-image] error: %s\n' "$*" >&2; exit 1; }

# Stores FILE as a blob of the layout in $1 and prints its digest (sha256:...) and size.
add_blob() {
  local layout=$1 file=$2 hex
  hex=$(sha256sum "$file" | cut -d' ' -f1)
  cp "$file" "$layout/blobs/sha256/$hex"
  echo "sha256:$hex $(stat -c %s "$file")"
}

json_strings() {
  local first=1 s
  printf '['
  for s in "$@"; do
    ((first)) || printf ','
    first=0
    s=${s//\\/\\\\}; s=${s//\"/\\\"}
    printf '"%s"' "$s"
  done
  printf ']'
}

build() {
  local ref=$1 out=$2; shift 2
  local entrypoint=() envs=("PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin") user="" dirs=()
  while (($#)); do
    case "$1" in
      --entrypoint) entrypoint+=("$2"); shift 2 ;;
      --env) envs+=("$2"); shift 2 ;;
      --user) user=$2; shift 2 ;;
      *) [[ -d "$1" ]] || die "no directory $1"; dirs+=("$1"); shift ;;
    esac
  done
  ((${#dirs[@]})) || die "no layer directory given"
  # containerd names the image by this annotation; a bare name means docker.io/library/NAME:latest to a pod.
  [[ "$ref" == */* && "$ref" == *:* ]] || die "REF must be a full name with a tag, such as local.test/busybox:1"
  local layout
  layout=$(mktemp -d)
  mkdir -p "$layout/blobs/sha256"
  local diff_ids=() layers=() dir digest size
  for dir in "${dirs[@]}"; do
    # Reproducible layers: same files, same bytes (names sorted, times and owners fixed).
    tar -C "$dir" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf "$layout/layer.tar" .
    read -r digest size < <(add_blob "$layout" "$layout/layer.tar")
    diff_ids+=("\"$digest\"")
    layers+=("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"$digest\",\"size\":$size}")
  done
  rm "$layout/layer.tar"
  local config="{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Env\":$(json_strings "${envs[@]}")"
  ((${#entrypoint[@]})) && config+=",\"Entrypoint\":$(json_strings "${entrypoint[@]}")"
  [[ -n "$user" ]] && config+=",\"User\":\"$user\""
  config+="},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[$(IFS=,; echo "${diff_ids[*]}")]}}"
  printf '%s' "$config" > "$layout/config.json"
  read -r digest size < <(add_blob "$layout" "$layout/config.json")
  printf '%s' "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\
\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"$digest\",\"size\":$size},\
\"layers\":[$(IFS=,; echo "${layers[*]}")]}" > "$layout/manifest.json"
  read -r digest size < <(add_blob "$layout" "$layout/manifest.json")
  printf '%s' "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\
\"digest\":\"$digest\",\"size\":$size,\"annotations\":{\"io.containerd.image.name\":\"$ref\",\
\"org.opencontainers.image.ref.name\":\"${ref##*:}\"}}]}" > "$layout/index.json"
  printf '{"imageLayoutVersion":"1.0.0"}' > "$layout/oci-layout"
  rm "$layout/config.json" "$layout/manifest.json"
  mkdir -p "$(dirname "$out")"
  tar -C "$layout" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf "$out" oci-layout index.json blobs
  rm -rf "$layout"
  log "$ref -> $out (manifest $digest)"
}

busybox_rootfs() {
  local dir=$1 busybox=/bin/busybox
  # The image has no libraries of its own: only the static build (package busybox-static) runs in it.
  dpkg -s busybox-static >/dev/null 2>&1 && [[ -x "$busybox" ]] \
    || die "Debian's busybox-static is needed (apt-get install busybox-static)"
  mkdir -p "$dir/bin" "$dir/etc" "$dir/tmp"
  chmod 1777 "$dir/tmp"
  cp "$busybox" "$dir/bin/busybox"
  local applet
  for applet in $("$busybox" --list); do
    [[ "$applet" == busybox ]] || ln -sf busybox "$dir/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$dir/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' > "$dir/etc/group"
}

case "${1:-}" in
  build) shift; (($# >= 3)) || die "usage: $0 build REF OUT.tar [options] DIR..."; build "$@" ;;
  busybox-rootfs) [[ -n "${2:-}" ]] || die "usage: $0 busybox-rootfs DIR"; busybox_rootfs "$2" ;;
  *) die "usage: $0 build REF OUT.tar [--entrypoint CMD]... [--user UID:GID] [--env K=V]... DIR... | busybox-rootfs DIR" ;;
esac
