#!/usr/bin/env bash
# Start a throwaway single-node Ceph cluster (1 mon, 1 osd, no mgr) plus radosgw on 127.0.0.1 only, as the real
# S3 server for tests. No systemd: each daemon runs in the foreground
# (-f) as a background job, and its "name pid" line goes to $CEPH_DIR/pids so ceph-rgw-down.sh stops it by PID.
#
# Needs: apt-get install -y --no-install-recommends ceph-mon ceph-osd radosgw
# Env:   CEPH_DIR       state dir (default ./.ceph-ci); a stale one from a crashed run is stopped and wiped first
#        RGW_PORT       S3 port (default 8000); MON_PORT / MON_V1_PORT mon ports (default 3300 / 6789).
#                      Every port must be free: we fail rather than guess, so two clusters never cross-talk.
#        OBJECTSTORE    memstore (default) | bluestore, see below
#        S3_ACCESS_KEY / S3_SECRET_KEY  credentials of the S3 user created (default testaccesskey/testsecretkey)
#        OWNER_PID      if set, a watchdog stops the cluster once that process is gone (a killed test run
#                      must not leave daemons behind)
#        READY_TIMEOUT  seconds to wait for readiness (default 120)
# Prints "READY http://127.0.0.1:$RGW_PORT" as its last line once the S3 user exists.
#
# Object store: memstore by default. Measured here (2 cores, 3 runs each, see docs/ci.md): memstore is ready
# in ~2.5 s, bluestore on a sparse 4 GiB file in ~7 s; tests write a few MB, so RAM is not a concern and the
# durability bluestore adds is worthless for a cluster that is deleted after every run.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CEPH_DIR=$(realpath -m "${CEPH_DIR:-$PWD/.ceph-ci}")
OBJECTSTORE=${OBJECTSTORE:-memstore}
RGW_PORT=${RGW_PORT:-8000}
MON_PORT=${MON_PORT:-3300}
MON_V1_PORT=${MON_V1_PORT:-6789}
S3_ACCESS_KEY=${S3_ACCESS_KEY:-testaccesskey}
S3_SECRET_KEY=${S3_SECRET_KEY:-testsecretkey}
DEADLINE=$((SECONDS + ${READY_TIMEOUT:-120}))
T0=$EPOCHREALTIME

ts() { awk -v a="$EPOCHREALTIME" -v b="$T0" -v m="$*" 'BEGIN{printf "[%6.2fs] %s\n", a-b, m}'; }
die() { echo "ceph-rgw-up: $*" >&2; exit 1; }
wait_for() {
  until eval "$1" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$DEADLINE" ] || die "timed out waiting for: $1 (logs in $CEPH_DIR/log)"
    # a daemon that died (e.g. its port was taken after our check) will never get ready: say so now
    while read -r name pid; do
      kill -0 "$pid" 2>/dev/null && continue
      tail -n 5 "$CEPH_DIR/log/stderr.log" "$CEPH_DIR/log/$name.log" >&2 2>/dev/null || true
      die "$name (pid $pid) exited while waiting for: $1 (logs in $CEPH_DIR/log)"
    done < "$CEPH_DIR/pids"
    sleep 0.2
  done
}
port_taken() { ss -Hltn "sport = :$1" | grep -q .; }

for bin in ceph-mon ceph-osd radosgw radosgw-admin ceph ceph-authtool monmaptool ss curl; do
  command -v "$bin" >/dev/null || die "'$bin' not found. Install: apt-get install -y --no-install-recommends ceph-mon ceph-osd radosgw"
done
case "$OBJECTSTORE" in memstore|bluestore) ;; *) die "OBJECTSTORE must be memstore or bluestore, not '$OBJECTSTORE'";; esac

# A state dir left by a crashed run: stop what it still runs (the down script only kills our own daemons).
if [ -e "$CEPH_DIR" ]; then
  CEPH_DIR=$CEPH_DIR "$HERE/ceph-rgw-down.sh" >&2
  rm -rf "$CEPH_DIR"
fi
for spec in "RGW_PORT=$RGW_PORT" "MON_PORT=$MON_PORT" "MON_V1_PORT=$MON_V1_PORT"; do
  port_taken "${spec#*=}" && die "port ${spec#*=} on 127.0.0.1 is already in use (${spec%=*}); choose another, e.g. ${spec%=*}=$(( ${spec#*=} + 100 ))"
done

mkdir -p "$CEPH_DIR"/{mon.a,osd.0,rgw,run,log}
CONF=$CEPH_DIR/ceph.conf
export CEPH_CONF=$CONF
FSID=$(cat /proc/sys/kernel/random/uuid)
: > "$CEPH_DIR/pids"
cat > "$CONF" <<CONF
[global]
fsid = $FSID
mon host = v2:127.0.0.1:$MON_PORT,v1:127.0.0.1:$MON_V1_PORT
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind ipv6 = false
auth cluster required = cephx
auth service required = cephx
auth client required = cephx
keyring = $CEPH_DIR/keyring
run dir = $CEPH_DIR/run
admin socket = $CEPH_DIR/run/\$name.asok
log file = $CEPH_DIR/log/\$name.log
pid file = $CEPH_DIR/run/\$name.pid
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon max pg per osd = 1000
mon warn on pool no redundancy = false
[mon]
mon data = $CEPH_DIR/mon.\$id
mon data avail warn = 1
mon data avail crit = 0
# default 1 s: every osdmap change (osd boot, each pool radosgw creates) waits for it; 13 s -> 3 s to ready
paxos propose interval = 0.1
[osd]
keyring = $CEPH_DIR/osd.\$id/keyring
osd data = $CEPH_DIR/osd.\$id
osd objectstore = $OBJECTSTORE
memstore device bytes = 2147483648
bluestore block path = $CEPH_DIR/osd.\$id/block.file
bluestore block create = true
bluestore block size = 4294967296
bluestore fsck on mount = false
bluestore cache autotune = false
bluestore cache size = 134217728
osd memory target = 939524096
[client.rgw.ci]
# tcp_nodelay: without it every GET with a body waits ~48 ms (Nagle + delayed ACK)
rgw frontends = beast endpoint=127.0.0.1:$RGW_PORT tcp_nodelay=1
rgw data = $CEPH_DIR/rgw
rgw enable usage log = false
CONF

# Daemons get -c "$CONF" on their command line (so the down script can tell them from a reused PID) and never
# inherit our stdout/stderr (a caller reading our output through a pipe would otherwise wait for them forever).
start() { # name command...
  local name=$1; shift
  "$@" -c "$CONF" -f </dev/null >>"$CEPH_DIR/log/stdout.log" 2>>"$CEPH_DIR/log/stderr.log" &
  echo "$name $!" >> "$CEPH_DIR/pids"
}

# cephx is required (radosgw refuses an unauthenticated mon): one keyring for mon., client.admin and client.rgw.ci
ceph-authtool --create-keyring "$CEPH_DIR/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
ceph-authtool "$CEPH_DIR/keyring" --gen-key -n client.admin \
  --cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *' --cap mds 'allow *' >/dev/null
ceph-authtool "$CEPH_DIR/keyring" --gen-key -n client.rgw.ci \
  --cap mon 'allow rw' --cap osd 'allow rwx' --cap mgr 'allow rw' >/dev/null
monmaptool --create --clobber --fsid "$FSID" --addv a "[v2:127.0.0.1:$MON_PORT,v1:127.0.0.1:$MON_V1_PORT]" \
  "$CEPH_DIR/monmap" >/dev/null

# The watchdog comes first so that even a failure below is cleaned up once the owner is gone.
if [ -n "${OWNER_PID:-}" ]; then
  kill -0 "$OWNER_PID" 2>/dev/null || die "OWNER_PID $OWNER_PID is not a running process"
  setsid bash -c 'while kill -0 "$0" 2>/dev/null && [ -e "$1/pids" ]; do sleep 2; done
                  [ -e "$1/pids" ] && CEPH_DIR="$1" "$2/ceph-rgw-down.sh"' \
    "$OWNER_PID" "$CEPH_DIR" "$HERE" </dev/null >>"$CEPH_DIR/log/watchdog.log" 2>&1 &
  echo "$!" > "$CEPH_DIR/watchdog.pid"
fi

ceph-mon --mkfs -i a -c "$CONF" --monmap "$CEPH_DIR/monmap" --keyring "$CEPH_DIR/keyring" \
  >>"$CEPH_DIR/log/mkfs.log" 2>&1 || die "ceph-mon --mkfs failed (see $CEPH_DIR/log/mkfs.log)"
start mon.a ceph-mon -i a
wait_for "ceph -s --connect-timeout 5"
ts "mon up (127.0.0.1:$MON_PORT)"

OSD_UUID=$(cat /proc/sys/kernel/random/uuid)
OSD_SECRET=$(ceph-authtool --gen-print-key)
echo "{\"cephx_secret\": \"$OSD_SECRET\"}" > "$CEPH_DIR/osd-secret.json"
OSD_ID=$(ceph osd new "$OSD_UUID" -i "$CEPH_DIR/osd-secret.json")
ceph-authtool --create-keyring "$CEPH_DIR/osd.$OSD_ID/keyring" --name "osd.$OSD_ID" --add-key "$OSD_SECRET" >/dev/null
ceph-osd -i "$OSD_ID" -c "$CONF" --mkfs --osd-uuid "$OSD_UUID" >>"$CEPH_DIR/log/mkfs.log" 2>&1 \
  || die "ceph-osd --mkfs failed (see $CEPH_DIR/log/mkfs.log)"
start "osd.$OSD_ID" ceph-osd -i "$OSD_ID"
wait_for "ceph osd stat | grep -q '1 up'"
ts "osd.$OSD_ID up ($OBJECTSTORE)"

start client.rgw.ci radosgw -n client.rgw.ci
wait_for "curl -sf --max-time 2 -o /dev/null http://127.0.0.1:$RGW_PORT/"
radosgw-admin -c "$CONF" user create --uid=ci --display-name=CI \
  --access-key="$S3_ACCESS_KEY" --secret-key="$S3_SECRET_KEY" >/dev/null
ts "rgw up"
echo "READY http://127.0.0.1:$RGW_PORT"
