#!/usr/bin/env bash
# Build the Dockerfile with buildah (no Docker daemon, no registry) and check the image works as a pipeline step:
#   - the base is a local stand-in under the Dockerfile's exact tag (scripts/container-base.sh);
#   - image config: user 65532, ENTRYPOINT ["node", "/app/dist/cli.js"];
#   - inside the image, as uid 65532: `moa --version` prints package.json's version, and the demo
#     (`demo --dir /tmp/moa-demo`) prints a decision and writes its four outputs;
#   - the run wrote nothing outside /tmp (read-only-root friendly).
# Everything happens in a throwaway containers storage under a temp dir, removed at exit.
#
# Run from anywhere; needs root, buildah, debootstrap. Env:
#   MOA_CONTEXT=head (default: `git archive HEAD`, i.e. exactly what is committed) | worktree (the working tree)
#   STORAGE_DRIVER=overlay (default; ~1/3 of vfs's disk) | vfs;  KEEP_IMAGE=oci-archive:/path.tar exports the image
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
T0=$EPOCHREALTIME
phase_start=$T0
phase() { # print the time the previous phase took, then announce the next
  local now=$EPOCHREALTIME
  [ -z "${PHASE:-}" ] || awk -v a="$now" -v b="$phase_start" -v p="$PHASE" 'BEGIN{printf "container-check: %-28s %6.1f s\n", p, a-b}'
  PHASE=$1; phase_start=$now
}
fail() { echo "container-check: FAIL: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || fail "run as root (debootstrap, chroot and buildah's chroot isolation need it)"
for bin in buildah debootstrap npm git; do command -v "$bin" >/dev/null || fail "'$bin' not found (apt-get install -y buildah debootstrap)"; done
NODE_IMAGE=$(sed -nE 's/^ARG NODE_IMAGE=(.+)$/\1/p' Dockerfile | head -1)
[ -n "$NODE_IMAGE" ] || fail "Dockerfile has no 'ARG NODE_IMAGE=<tag>' line"
# buildah resolves the short name in FROM against docker.io/library when looking in local storage
BASE_TAG=docker.io/library/$NODE_IMAGE
IMAGE=localhost/moa:check
VERSION=$(node -p 'require("./package.json").version')

WORK=$(mktemp -d /tmp/moa-container.XXXXXX)
export BUILDAH_ISOLATION=chroot  # the default OCI isolation fails here (hybrid cgroups)
export CONTAINERS_STORAGE_CONF=$WORK/storage.conf
cat > "$CONTAINERS_STORAGE_CONF" <<CONF
[storage]
driver = "${STORAGE_DRIVER:-overlay}"
graphroot = "$WORK/graph"
runroot = "$WORK/run"
CONF
cleanup() {
  buildah rm --all >/dev/null 2>&1 || true
  buildah rmi --all --force >/dev/null 2>&1 || true
  # overlay layers may still be mounted if a step died mid-way
  grep -F " $WORK/" /proc/mounts | cut -d' ' -f2 | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

phase "context (${MOA_CONTEXT:-head})"
CTX=$WORK/context
mkdir -p "$CTX"
if [ "${MOA_CONTEXT:-head}" = worktree ]; then
  # tracked and untracked-but-not-ignored files, as a clone plus local edits; buildah applies .dockerignore
  git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - | tar -x -C "$CTX"
else
  git archive --format=tar HEAD | tar -x -C "$CTX"
fi
[ -f "$CTX/Dockerfile" ] || fail "no Dockerfile in the build context"

phase "stand-in base $NODE_IMAGE"
"$ROOT/scripts/container-base.sh" "$BASE_TAG" "$WORK/base" | sed 's/^/  /'

phase "buildah build"
buildah build --isolation chroot --pull=never --layers=false -t "$IMAGE" "$CTX" >"$WORK/build.log" 2>&1 \
  || { tail -40 "$WORK/build.log" >&2; fail "buildah build failed (last lines above)"; }
echo "  built $IMAGE ($(buildah images --format '{{.Size}}' "$IMAGE"))"

phase "image config"
user=$(buildah inspect --type image --format '{{.OCIv1.Config.User}}' "$IMAGE")
entrypoint=$(buildah inspect --type image --format '{{.OCIv1.Config.Entrypoint}}' "$IMAGE")
[ "$user" = 65532:65532 ] || fail "image user is '$user', expected 65532:65532"
[ "$entrypoint" = '[node /app/dist/cli.js]' ] || fail "ENTRYPOINT is $entrypoint, expected [node /app/dist/cli.js]"
echo "  user $user, entrypoint $entrypoint"

ctr=$(buildah from --pull=never "$IMAGE")
mnt=$(buildah mount "$ctr")
touch "$WORK/marker"
# buildah run does not apply ENTRYPOINT, so the checks spell it out: node /app/dist/cli.js ...
in_image() { buildah run --isolation chroot --user 65532:65532 "$ctr" -- "$@"; }

phase "moa --version"
out=$(in_image node /app/dist/cli.js --version 2>&1) || fail "moa --version exited $?: $out"
echo "  $out"
grep -qF "$VERSION" <<<"$out" || fail "moa --version printed '$out', expected $VERSION"
in_image id -u | grep -qx 65532 || fail "processes in the image do not run as uid 65532"

phase "demo in the image"
set +e
out=$(in_image node /app/dist/cli.js demo --dir /tmp/moa-demo 2>"$WORK/demo.stderr")
rc=$?
set -e
sed 's/^/  | /' <<<"$out"
[ "$rc" = 0 ] || { tail -20 "$WORK/demo.stderr" >&2; fail "demo exited $rc"; }
grep -Eqi '\b(none|fix_data|retrain)\b' <<<"$out" || fail "demo printed no decision (none|fix_data|retrain)"
for f in results.json summary.md report.html retrain-config.json; do
  [ -s "$mnt/tmp/moa-demo/out/$f" ] || fail "demo wrote no /tmp/moa-demo/out/$f"
done
echo "  outputs: $(cd "$mnt/tmp/moa-demo/out" && ls | tr '\n' ' ')"

phase "writes outside /tmp"
# What the runtime itself bind-mounts or creates (/etc/hosts, /etc/resolv.conf, /run/.containerenv, /dev,
# /proc, /sys) is not ours; anything else newer than the marker outside /tmp was written by moa.
stray=$(cd "$mnt" && find . -xdev -newer "$WORK/marker" ! -type d \
  ! -path './tmp/*' ! -path './proc/*' ! -path './sys/*' ! -path './dev/*' ! -path './run/*' \
  ! -path ./etc/hosts ! -path ./etc/resolv.conf ! -path ./etc/hostname 2>/dev/null | head -20)
[ -z "$stray" ] || fail "the image wrote outside /tmp: $stray"
echo "  none"

if [ -n "${KEEP_IMAGE:-}" ]; then phase "export"; buildah push --quiet "$IMAGE" "$KEEP_IMAGE"; fi
buildah umount "$ctr" >/dev/null
phase done
awk -v a="$EPOCHREALTIME" -v b="$T0" 'BEGIN{printf "container-check: OK in %.1f s\n", a-b}'
