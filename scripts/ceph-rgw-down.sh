#!/usr/bin/env bash
# Stop the daemons started by ceph-rgw-up.sh, newest first, by the PIDs it recorded; then delete the state dir.
# Idempotent: safe to run twice, after a crash, or when nothing was started. A PID is only signalled while its
# command line still names this cluster's ceph.conf, so a PID reused by another process is never touched.
# Env: CEPH_DIR (default ./.ceph-ci), KEEP_CEPH_DIR=1 keeps the logs.
set -uo pipefail
CEPH_DIR=$(realpath -m "${CEPH_DIR:-$PWD/.ceph-ci}")
CONF=$CEPH_DIR/ceph.conf
ours() { tr '\0' ' ' 2>/dev/null < "/proc/$1/cmdline" | grep -qF -- "-c $CONF "; }

if [ -f "$CEPH_DIR/pids" ]; then
  tac "$CEPH_DIR/pids" | while read -r name pid; do
    ours "$pid" || continue
    kill "$pid" 2>/dev/null || continue
    # radosgw takes ~5 s to drain after SIGTERM; this cluster is deleted next, so 1 s of grace is plenty
    for _ in $(seq 10); do ours "$pid" || break; sleep 0.1; done
    if ours "$pid"; then kill -9 "$pid" 2>/dev/null; fi
    echo "stopped $name ($pid)"
  done
fi
# The watchdog (if any) is not needed any more; it may be the process running us, so never signal our parent.
if [ -f "$CEPH_DIR/watchdog.pid" ]; then
  wd=$(cat "$CEPH_DIR/watchdog.pid")
  if [ "$wd" != "$PPID" ] && tr '\0' ' ' 2>/dev/null < "/proc/$wd/cmdline" | grep -qF -- "$CEPH_DIR"; then
    kill "$wd" 2>/dev/null
  fi
fi
[ "${KEEP_CEPH_DIR:-0}" = 1 ] || rm -rf "$CEPH_DIR"
exit 0
