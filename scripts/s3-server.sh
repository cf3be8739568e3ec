#!/usr/bin/env bash
# A throw-away S3 server for the tests: Ceph RADOS Gateway (radosgw) from Debian's packages, as a
# single-node cluster on loopback (one monitor, one OSD on memstore, so the data lives in RAM, and
# one gateway). Starts in about 2 s once installed. See docs/testing.md.
#
#   scripts/s3-server.sh start   install what is missing (apt-get, as root or through `sudo -n`),
#                                start the cluster and the gateway, wait until it answers HTTP,
#                                append the variables below to "$CI_SERVICES_ENV" (if set) and
#                                print them as `export` lines on stdout (everything else goes to
#                                stderr), so a developer can run:
#                                  eval "$(bash scripts/s3-server.sh start)"
#   scripts/s3-server.sh stop    kill the daemons by their pid files and remove the state folder;
#                                succeeds when nothing runs
#
# Variables handed to the tests:
#   S3_ENDPOINT=http://127.0.0.1:<port>  S3_ACCESS_KEY_ID=tusaccesskey
#   S3_SECRET_ACCESS_KEY=tussecretkey    S3_REGION=us-east-1
# Clients must use path-style requests (`forcePathStyle: true`) and, with @aws-sdk/client-s3
# >= 3.729, `requestChecksumCalculation: 'WHEN_REQUIRED'` (radosgw 16 can't take trailing
# checksums on stream bodies).
#
# Settings (environment):
#   S3_SERVER_DIR            state folder: config, logs, pid files, mon and OSD data
#                            (default: .tmp/s3-server in the repository)
#   S3_SERVER_PORT           gateway port on 127.0.0.1 (default 7480)
#   S3_SERVER_MON_PORT       monitor port on 127.0.0.1 (default 6789; keep it unless it is taken)
#   S3_SERVER_MEMSTORE_BYTES RAM cap of the OSD's store (default 2 GiB): tests should delete what
#                            they write
#   S3_SERVER_START_TIMEOUT  seconds for the cluster and gateway to come up (default 60)
#   S3_SERVER_INSTALL_TIMEOUT seconds for apt-get (default 480)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DIR=${S3_SERVER_DIR:-$ROOT/.tmp/s3-server}
PORT=${S3_SERVER_PORT:-7480}
MON_PORT=${S3_SERVER_MON_PORT:-6789}
MEMSTORE_BYTES=${S3_SERVER_MEMSTORE_BYTES:-$((2 * 1024 * 1024 * 1024))}
START_TIMEOUT=${S3_SERVER_START_TIMEOUT:-60}
INSTALL_TIMEOUT=${S3_SERVER_INSTALL_TIMEOUT:-480}
ACCESS_KEY=tusaccesskey
SECRET_KEY=tussecretkey
REGION=us-east-1
CONF=$DIR/ceph.conf
PACKAGES=(ceph-mon ceph-osd radosgw ceph-common)
BINARIES=(ceph-mon ceph-osd radosgw radosgw-admin ceph ceph-authtool monmaptool)

T0=$EPOCHREALTIME
log() { printf 's3-server: %s\n' "$*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}
# Milliseconds since the script started.
elapsed_ms() {
  local now=${EPOCHREALTIME/[.,]/} t0=${T0/[.,]/}
  echo $(((now - t0) / 1000))
}
elapsed() { printf '%d.%01d s' $(($(elapsed_ms) / 1000)) $(($(elapsed_ms) % 1000 / 100)); }

# wait_for <seconds> <what> <command...>: run the command every 0.1 s until it succeeds.
wait_for() {
  local limit=$1 what=$2 deadline
  shift 2
  deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "timed out after ${limit} s waiting for $what"
      return 1
    fi
    sleep 0.1
  done
}

# The ceph CLI, against our cluster only, with a time limit.
ceph_cli() { timeout --kill-after=5s 30s "$1" -c "$CONF" "${@:2}"; }

is_ours() { # pid: a live process started with our config file
  local pid=$1
  [ -r "/proc/$pid/cmdline" ] && tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qxF -- "$CONF"
}

port_open() { # port: something accepts TCP connections on 127.0.0.1:port
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

http_answers() ( # port: an HTTP server answers there (a subshell: fd 3 stays in it)
  exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
  printf 'GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
  IFS= read -r -t 2 line <&3 || exit 1
  [[ $line == HTTP/* ]]
)

osd_up() { ceph_cli ceph --connect-timeout 5 osd stat 2>/dev/null | grep -q ' 1 up'; }

# ---- install -------------------------------------------------------------------------------------
install_packages() {
  local missing=() b sudo=()
  for b in "${BINARIES[@]}"; do command -v "$b" >/dev/null 2>&1 || missing+=("$b"); done
  [ "${#missing[@]}" = 0 ] && return 0

  log "missing ${missing[*]}: installing ${PACKAGES[*]} with apt-get"
  command -v apt-get >/dev/null 2>&1 ||
    die "no apt-get here; install Ceph's ${PACKAGES[*]} (16.x, Debian bookworm) by hand"
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo=(sudo -n)
    else
      die "installing needs root; run as root, or first: sudo apt-get install --no-install-recommends ${PACKAGES[*]}"
    fi
  fi
  local apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive timeout --kill-after=30s "${INSTALL_TIMEOUT}s" apt-get)
  local install=("${apt[@]}" install -y -q --no-install-recommends "${PACKAGES[@]}")

  # `apt-get update` only when the package lists don't know the packages, or the install fails
  # (e.g. stale lists pointing at versions the mirror no longer has).
  if ! apt-cache show "${PACKAGES[@]}" >/dev/null 2>&1; then
    log "apt-get update (the package lists don't have ${PACKAGES[*]})"
    "${apt[@]}" update -q >&2 || die "apt-get update failed"
    "${install[@]}" >&2 || die "apt-get install failed"
  elif ! "${install[@]}" >&2; then
    log "apt-get install failed; retrying after apt-get update"
    "${apt[@]}" update -q >&2 || die "apt-get update failed"
    "${install[@]}" >&2 || die "apt-get install failed"
  fi
  hash -r
  for b in "${BINARIES[@]}"; do
    command -v "$b" >/dev/null 2>&1 || die "$b still missing after installing ${PACKAGES[*]}"
  done
  log "installed ($(radosgw --version 2>/dev/null | head -n1)) at $(elapsed)"
}

# ---- stop --------------------------------------------------------------------------------------
# Kill every daemon of this state folder: by pid file, and, as a fallback for a start that failed
# before a pid file was written, any process started with this folder's ceph.conf.
kill_daemons() {
  local pids=() pid f deadline
  for f in "$DIR"/run/*.pid; do
    [ -f "$f" ] || continue
    pid=$(cat "$f" 2>/dev/null || true)
    [[ $pid =~ ^[0-9]+$ ]] && is_ours "$pid" && pids+=("$pid")
  done
  for f in /proc/[0-9]*; do
    pid=${f#/proc/}
    [ "$pid" != $$ ] && [[ " ${pids[*]} " != *" $pid "* ]] && is_ours "$pid" && pids+=("$pid")
  done
  [ "${#pids[@]}" = 0 ] && return 0
  # They are throw-away (memstore: nothing to flush), so SIGKILL is fine and quick.
  kill -KILL "${pids[@]}" 2>/dev/null || true
  deadline=$((SECONDS + 15))
  for pid in "${pids[@]}"; do
    while [ -e "/proc/$pid" ] && is_ours "$pid"; do
      [ "$SECONDS" -ge "$deadline" ] && die "process $pid did not exit within 15 s"
      sleep 0.05
    done
  done
  log "stopped ${#pids[@]} process(es): ${pids[*]}"
}

do_stop() {
  kill_daemons # also when $DIR is gone: it finds them by the config path on their command line
  if [ ! -e "$DIR" ]; then
    log "not running (no $DIR)"
    return 0
  fi
  rm -rf "$DIR"
  log "removed $DIR ($(elapsed))"
}

# ---- start -------------------------------------------------------------------------------------
print_logs() {
  local f
  for f in "$DIR"/log/*.log; do
    [ -s "$f" ] || continue
    printf '\n----- %s (last 40 lines) -----\n' "$f" >&2
    tail -n 40 "$f" >&2
  done
}

start_failed() {
  local rc=$1
  [ "$rc" = 0 ] && return 0
  log "start FAILED after $(elapsed); the daemons' logs:"
  print_logs
  kill_daemons || true
  log "left $DIR for inspection; 'scripts/s3-server.sh stop' removes it"
  exit "$rc"
}

write_conf() {
  local fsid=$1
  # $name, $cluster and $id (escaped below) are Ceph's own metavariables.
  cat >"$CONF" <<EOF
# Generated by scripts/s3-server.sh: a throw-away single-node cluster on loopback.
[global]
fsid = $fsid
mon host = v1:127.0.0.1:$MON_PORT
mon initial members = a
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind msgr2 = false
ms bind ipv6 = false
auth cluster required = none
auth service required = none
auth client required = none
keyring = $DIR/keyring
run dir = $DIR/run
pid file = $DIR/run/\$name.pid
admin socket = $DIR/run/\$name.asok
log file = $DIR/log/\$name.log
mon cluster log file = $DIR/log/cluster.log
crash dir = $DIR/crash
# one OSD: pools of size 1, few placement groups, no autoscaler
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon max pg per osd = 1000
mon warn on pool no redundancy = false
# else the mon exits on a fullish disk
mon data avail crit = 0
mon data avail warn = 0
# else each pool creation takes ~2 s (so do the first S3 calls)
paxos propose interval = 0.01
paxos min wait = 0.001

[mon]
mon data = $DIR/mon/\$cluster-\$id

[osd]
osd data = $DIR/osd/\$cluster-\$id
osd objectstore = memstore
memstore device bytes = $MEMSTORE_BYTES
# At start the OSD would set its device class and crush location itself, but those commands are
# refused ("wrong fsid") and the OSD exits; the script puts it into the crush map instead.
osd class update on start = false
osd crush update on start = false

[client.rgw]
rgw data = $DIR/rgw
# without tcp_nodelay every response with a body takes ~40 ms
rgw frontends = beast endpoint=127.0.0.1:$PORT tcp_nodelay=1
rgw dns name = 127.0.0.1
# Deleted objects are freed at once, not after radosgw's default 2 hours: memstore keeps
# everything in RAM, and a few test runs would otherwise fill it.
rgw gc obj min wait = 0
rgw gc processor period = 5
EOF
}

do_start() {
  local v
  for v in PORT MON_PORT MEMSTORE_BYTES START_TIMEOUT INSTALL_TIMEOUT; do
    [[ ${!v} =~ ^[0-9]+$ ]] || die "S3_SERVER_$v must be a whole number, not '${!v}' (see the settings at the top of $0)"
  done
  install_packages

  if [ -e "$DIR" ]; then
    log "a previous run left $DIR: stopping it first"
    do_stop
  fi
  local p
  for p in "$MON_PORT" "$PORT"; do
    port_open "$p" && die "127.0.0.1:$p is already in use (another s3-server from another checkout?" \
      "stop it there, or set S3_SERVER_PORT / S3_SERVER_MON_PORT)"
  done

  trap 'start_failed $?' EXIT
  mkdir -p "$DIR"/{run,log,crash,mon,osd,rgw}
  local fsid osd_uuid osd_id
  fsid=$(cat /proc/sys/kernel/random/uuid)
  osd_uuid=$(cat /proc/sys/kernel/random/uuid)
  write_conf "$fsid"

  # monitor
  # (ceph-authtool's -c means --create-keyring, so no ceph_cli here)
  timeout 30s ceph-authtool --create-keyring "$DIR/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
  timeout 30s ceph-authtool "$DIR/keyring" --gen-key -n client.admin \
    --cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *' >/dev/null
  timeout 30s monmaptool --create --fsid "$fsid" --addv a "[v1:127.0.0.1:$MON_PORT]" "$DIR/monmap" >/dev/null
  ceph_cli ceph-mon --mkfs -i a --monmap "$DIR/monmap" --keyring "$DIR/keyring" >/dev/null 2>"$DIR/log/mon-mkfs.log"
  # The daemons fork into the background; their stdout/stderr must not hold the caller's open.
  ceph_cli ceph-mon -i a >"$DIR/log/mon-start.log" 2>&1
  wait_for "$START_TIMEOUT" "the monitor on 127.0.0.1:$MON_PORT" ceph_cli ceph --connect-timeout 5 mon stat
  log "monitor up on 127.0.0.1:$MON_PORT ($(elapsed))"

  # one OSD on memstore
  osd_id=$(ceph_cli ceph osd new "$osd_uuid" 2>"$DIR/log/osd-new.log")
  [[ $osd_id =~ ^[0-9]+$ ]] || die "'ceph osd new' gave '$osd_id'"
  mkdir -p "$DIR/osd/ceph-$osd_id"
  # directly under the root: with `osd crush chooseleaf type = 0` the default rule picks OSDs
  ceph_cli ceph osd crush add "osd.$osd_id" 1.0 root=default >/dev/null 2>"$DIR/log/osd-crush.log"
  ceph_cli ceph-osd -i "$osd_id" --mkfs --osd-uuid "$osd_uuid" >/dev/null 2>"$DIR/log/osd-mkfs.log"
  ceph_cli ceph-osd -i "$osd_id" >"$DIR/log/osd-start.log" 2>&1
  wait_for "$START_TIMEOUT" "OSD $osd_id to be up" osd_up
  log "OSD $osd_id up (memstore, $((MEMSTORE_BYTES / 1024 / 1024)) MiB) ($(elapsed))"

  # the S3 user, then the gateway
  ceph_cli radosgw-admin user create --uid=tus --display-name="tus tests" \
    --access-key="$ACCESS_KEY" --secret-key="$SECRET_KEY" >/dev/null 2>"$DIR/log/user-create.log"
  ceph_cli radosgw -n client.rgw >"$DIR/log/rgw-start.log" 2>&1
  wait_for "$START_TIMEOUT" "the gateway to answer HTTP on 127.0.0.1:$PORT" http_answers "$PORT"
  trap - EXIT
  log "radosgw answers on http://127.0.0.1:$PORT; started in $(elapsed) (state in $DIR)"

  local vars=(
    "S3_ENDPOINT=http://127.0.0.1:$PORT"
    "S3_ACCESS_KEY_ID=$ACCESS_KEY"
    "S3_SECRET_ACCESS_KEY=$SECRET_KEY"
    "S3_REGION=$REGION"
  )
  if [ -n "${CI_SERVICES_ENV:-}" ]; then
    printf '%s\n' "${vars[@]}" >>"$CI_SERVICES_ENV"
    log "appended S3_* to $CI_SERVICES_ENV"
  fi
  printf 'export %s\n' "${vars[@]}"
}

case "${1:-}" in
start) do_start ;;
stop) do_stop ;;
*)
  echo "usage: $0 start|stop   (see the comment at the top of the script)" >&2
  exit 2
  ;;
esac
