#!/usr/bin/env bash
# Makes sure the base image every Dockerfile starts FROM, node:20-slim, exists in the local engine.
# The real image is used whenever it is there or can be pulled. Only where no registry is reachable
# (this machine) does this script build a stand-in and tag it node:20-slim, and it says so loudly:
# Debian bookworm (debootstrap --variant=minbase from the machine's own Debian mirror, trimmed as
# debian:bookworm-slim is), the Node.js 20 binary and npm of this machine in /usr/local as the real
# image has them, user and group `node` with uid/gid 1000, and an entrypoint that behaves as the
# real one (prepends `node` when the command is not a program). Nothing else of ours goes in, so the
# Dockerfiles stay exactly what a user builds against the real base.
#
# The one addition, and why: this machine reaches the npm registry only through an intercepting
# proxy whose CA is in the machine's certificate store, not in Node's built-in list, so `npm ci`
# inside a build would fail its TLS check. The stand-in carries that store as
# /etc/ssl/certs/ca-certificates.crt and a global npmrc (/usr/local/etc/npmrc) naming it as
# npm's cafile and the machine's registry setting. The real node:20-slim needs neither.
#
#   bash tools/docker/stand-in-base.sh            # no-op if node:20-slim exists or can be pulled
#   BSS_STAND_IN_CACHE=/var/cache/... to keep the bootstrapped root filesystem between runs
set -euo pipefail

IMAGE=node:20-slim
CACHE=${BSS_STAND_IN_CACHE:-/var/cache/bss-load-leveling/stand-in-base}
NODE_MAJOR=20

if docker image inspect "$IMAGE" >/dev/null 2>&1; then
  if [[ "$(docker image inspect -f '{{ index .Config.Labels "bss.stand-in" }}' "$IMAGE")" == "true" ]]; then
    echo "stand-in-base: $IMAGE is the local STAND-IN (no registry was reachable when it was made)"
  fi
  exit 0
fi
if timeout 60 docker pull -q "$IMAGE" >/dev/null 2>&1; then
  echo "stand-in-base: pulled the real $IMAGE"
  exit 0
fi

node_version=$(node --version)
if [[ "$node_version" != v$NODE_MAJOR.* ]]; then
  echo "stand-in-base: this machine's node is $node_version; a stand-in for $IMAGE needs Node.js $NODE_MAJOR" >&2
  exit 1
fi
node_bin=$(command -v node)
npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
[[ -f "$npm_dir/package.json" ]] || { echo "stand-in-base: cannot find npm's directory (got $npm_dir)" >&2; exit 1; }

cat >&2 <<EOF
################################################################################################
# stand-in-base: $IMAGE cannot be pulled here. Building a STAND-IN tagged $IMAGE:
#   Debian bookworm minbase + this machine's node $node_version and npm, user node (uid 1000).
# Images built on it are faithful to the real base, but they are not the real base.
################################################################################################
EOF

if ! command -v debootstrap >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null 2>&1 ||
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }
fi
mkdir -p "$CACHE"
rootfs_tar="$CACHE/bookworm-minbase.tar"
if [[ ! -f "$rootfs_tar" ]]; then
  # The machine's own Debian mirror, as its apt sources name it.
  mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [[ -n "$mirror" ]] || mirror=$(awk '/^deb / {print $2; exit}' /etc/apt/sources.list)
  bootstrap_dir=$(mktemp -d)
  debootstrap --variant=minbase bookworm "$bootstrap_dir" "$mirror" >"$CACHE/debootstrap.log" 2>&1 ||
    { echo "stand-in-base: debootstrap failed; see $CACHE/debootstrap.log" >&2; exit 1; }
  # Trimmed as debian:bookworm-slim is: no package caches, indexes, documentation, manuals or locales.
  rm -rf "$bootstrap_dir"/var/cache/apt/archives/*.deb "$bootstrap_dir"/var/lib/apt/lists/* \
    "$bootstrap_dir"/usr/share/doc/* "$bootstrap_dir"/usr/share/man/* "$bootstrap_dir"/usr/share/info/* \
    "$bootstrap_dir"/usr/share/locale/* "$bootstrap_dir"/var/log/*.log
  tar -C "$bootstrap_dir" -cf "$rootfs_tar.partial" .
  mv "$rootfs_tar.partial" "$rootfs_tar"
  rm -rf "$bootstrap_dir"
fi

rootfs=$(mktemp -d)
trap 'rm -rf "$rootfs"' EXIT
tar -C "$rootfs" -xf "$rootfs_tar"
install -m 0755 "$node_bin" "$rootfs/usr/local/bin/node"
mkdir -p "$rootfs/usr/local/lib/node_modules"
cp -a "$npm_dir" "$rootfs/usr/local/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
chroot "$rootfs" groupadd --gid 1000 node
chroot "$rootfs" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
mkdir -p "$rootfs/etc/ssl/certs" "$rootfs/usr/local/etc"
cp "${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}" "$rootfs/etc/ssl/certs/ca-certificates.crt"
{
  echo "cafile=/etc/ssl/certs/ca-certificates.crt"
  echo "registry=$(npm config get registry)"
} >"$rootfs/usr/local/etc/npmrc"
# Same behaviour as the real image's entrypoint: `docker run image --version` or `docker run image app.js`
# runs node; a command that is a program runs as it is.
cat >"$rootfs/usr/local/bin/docker-entrypoint.sh" <<'EOF'
#!/bin/sh
set -e
case "$1" in
  -*) set -- node "$@" ;;
  *) command -v "$1" >/dev/null 2>&1 || set -- node "$@" ;;
esac
exec "$@"
EOF
chmod 0755 "$rootfs/usr/local/bin/docker-entrypoint.sh"

tar -C "$rootfs" -c . | docker import \
  --change "ENV NODE_VERSION=${node_version#v}" \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENTRYPOINT ["docker-entrypoint.sh"]' \
  --change 'CMD ["node"]' \
  --change 'LABEL bss.stand-in=true' \
  - "$IMAGE" >/dev/null
echo "stand-in-base: STAND-IN $IMAGE built ($(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1 / 1e6}'))" >&2
