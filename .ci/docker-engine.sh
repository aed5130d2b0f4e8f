#!/usr/bin/env bash
# Makes a Docker engine answer on this machine and builds the stand-in for the bento's base image,
# so that the containerize test builds and runs a real image. Idempotent: an engine that already
# answers and an image already tagged are left as they are. A user with Docker needs none of this.
#
# No container registry is reachable here, so `FROM node:<version>-bookworm-slim` cannot be pulled.
# The stand-in is a minimal Debian bookworm (debootstrap, from the reachable Debian mirror) plus THIS
# machine's node binary and npm, a `node` user (uid 1000) and the system CA bundle; it is tagged
# with the name the bento's FROM uses, whatever Node version this machine runs.
#
# Exits 0 when `docker info` answers and the base image exists (in podman too, when podman works); non-zero (with the reason on stderr)
# otherwise, and the containerize test then skips loudly.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

# Survives between runs on the same machine, so images (and the build cache) are reused.
data_root=${MLSERVE_DOCKER_DATA_ROOT:-/var/lib/mlserve-docker}
cache=${MLSERVE_DOCKER_CACHE:-/var/cache/mlserve-docker}
# The base image named by the published schema's default, unless given.
base_image=${1:-$(node -p "require('./packages/cli/schema/mlserve.schema.json').properties.docker.properties.base_image.default")}
debian_image=localhost/debian:bookworm
mirror=${MLSERVE_DEBIAN_MIRROR:-http://deb.debian.org/debian}

log() { echo "docker-engine: $*" >&2; }

if ! docker info >/dev/null 2>&1; then
  missing=()
  command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
  command -v containerd >/dev/null 2>&1 || missing+=(containerd)
  command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
  if [ "${#missing[@]}" -gt 0 ]; then
    log "installing Debian packages: ${missing[*]}"
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" iptables >/dev/null
  fi
  mkdir -p "$data_root"
  # No init system here: the daemon is started in the background and outlives this script.
  log "starting dockerd (data root $data_root, log $data_root.log)"
  setsid nohup dockerd --data-root "$data_root" --storage-driver overlay2 >"$data_root.log" 2>&1 </dev/null &
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    sleep 0.5
  done
  if ! docker info >/dev/null 2>&1; then
    log "dockerd did not answer within 30 s; last lines of its log:"
    tail -n 20 "$data_root.log" >&2 || true
    exit 1
  fi
fi
log "engine answers: $(docker version --format '{{.Server.Version}}')"

# Podman, when installed (CI does not install it), gets the same stand-in from Docker's storage.
copy_to_podman() {
  command -v podman >/dev/null 2>&1 && podman info >/dev/null 2>&1 || return 0
  podman image exists "docker.io/library/$base_image" && return 0
  log "copying $base_image to podman"
  docker save "$base_image" | podman load -q >/dev/null
  podman tag "localhost/$base_image" "docker.io/library/$base_image"
}

if docker image inspect "$base_image" >/dev/null 2>&1; then
  log "base image $base_image already built"
  copy_to_podman
  exit 0
fi

if ! docker image inspect "$debian_image" >/dev/null 2>&1; then
  command -v debootstrap >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq --no-install-recommends debootstrap >/dev/null; }
  rootfs="$cache/rootfs"
  rm -rf "$rootfs" && mkdir -p "$rootfs"
  log "debootstrap --variant=minbase bookworm (about 45 s)"
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$cache/debootstrap.log" 2>&1 || { tail -n 20 "$cache/debootstrap.log" >&2; exit 1; }
  # The image's apt lists and caches are dropped, as official slim images do.
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin
  tar -C "$rootfs" -c . | docker import - "$debian_image" >/dev/null
  rm -rf "$rootfs"
fi

context=$(mktemp -d)
trap 'rm -rf "$context"' EXIT
node_bin=$(command -v node)
npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
cp "$(readlink -f "$node_bin")" "$context/node"
cp -r "$npm_dir" "$context/npm"
cp /etc/ssl/certs/ca-certificates.crt "$context/ca-certificates.crt"
cat >"$context/Dockerfile" <<EOF
FROM $debian_image
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \\
 && groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \\
    NPM_CONFIG_CAFILE=/etc/ssl/certs/ca-certificates.crt
CMD ["node"]
EOF
log "building $base_image from $debian_image with this machine's node $("$node_bin" --version)"
docker build -q -t "$base_image" "$context" >/dev/null
log "base image $base_image ready ($(docker image inspect "$base_image" --format '{{.Size}}' | awk '{ printf "%.0f MB", $1 / 1e6 }'))"
copy_to_podman
