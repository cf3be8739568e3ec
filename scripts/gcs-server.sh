#!/usr/bin/env bash
# A throw-away Google Cloud Storage emulator for the tests: fake-gcs-server (the emulator tusd's
# own CI uses), built from the Go module proxy at a pinned version and run on loopback with its
# in-memory back end (plain HTTP, no auth). Starts in well under a second once built; the first
# build takes about 3 minutes on 2 cores. See docs/testing.md.
#
#   scripts/gcs-server.sh start    build the emulator if missing (`go install`, needs Go), start
#                                  it in the background, wait until it answers HTTP, append the
#                                  variable below to "$CI_SERVICES_ENV" (if set) and print it as
#                                  an `export` line on stdout (everything else goes to stderr),
#                                  so a developer can run:
#                                    eval "$(bash scripts/gcs-server.sh start)"
#   scripts/gcs-server.sh stop     kill the emulator by its pid file and remove the state folder;
#                                  succeeds when nothing runs
#   scripts/gcs-server.sh install  only build the binary if missing (e.g. early, in parallel with
#                                  other work), print nothing on stdout
#
# Variable handed to the tests:
#   GCS_ENDPOINT=http://127.0.0.1:<port>
# Clients pass it as `apiEndpoint` to @google-cloud/storage's `Storage`, with any projectId; the
# emulator checks no credentials. Buckets must be created by the tests.
#
# Settings (environment):
#   GCS_SERVER_DIR            state folder: pid file and log (default: .tmp/gcs-server in the
#                             repository)
#   GCS_SERVER_PORT           port on 127.0.0.1 (default 4443)
#   GCS_SERVER_BIN_DIR        where `go install` puts the binary (default: .tmp/go-bin in the
#                             repository; kept by `stop`, so the build happens once)
#   GCS_SERVER_START_TIMEOUT  seconds for the emulator to answer (default 30)
#   GCS_SERVER_INSTALL_TIMEOUT seconds for `go install` (default 540)
# A fake-gcs-server binary of the pinned version already in GCS_SERVER_BIN_DIR, on the PATH, in
# $GOBIN or in $(go env GOPATH)/bin is used as it is; a binary of another version is ignored.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DIR=${GCS_SERVER_DIR:-$ROOT/.tmp/gcs-server}
PORT=${GCS_SERVER_PORT:-4443}
BIN_DIR=${GCS_SERVER_BIN_DIR:-$ROOT/.tmp/go-bin}
START_TIMEOUT=${GCS_SERVER_START_TIMEOUT:-30}
INSTALL_TIMEOUT=${GCS_SERVER_INSTALL_TIMEOUT:-540}
MODULE=github.com/fsouza/fake-gcs-server
VERSION=v1.52.2
PID_FILE=$DIR/fake-gcs-server.pid
LOG_FILE=$DIR/fake-gcs-server.log

T0=$EPOCHREALTIME
log() { printf 'gcs-server: %s\n' "$*" >&2; }
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

port_open() { # port: something accepts TCP connections on 127.0.0.1:port
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

http_answers() ( # port: the emulator answers its bucket list there (a subshell: fd 3 stays in it)
  exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
  printf 'GET /storage/v1/b HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
  IFS= read -r -t 2 line <&3 || exit 1
  [[ $line == HTTP/*' 200'* ]]
)

# ---- install -------------------------------------------------------------------------------------
# The module version a Go binary was built from (empty when it isn't one, or `go` is missing).
binary_version() {
  command -v go >/dev/null 2>&1 || return 0
  go version -m "$1" 2>/dev/null | awk -v m="$MODULE" '$1 == "mod" && $2 == m { print $3 }'
}

BIN=
find_binary() {
  local candidates=("$BIN_DIR/fake-gcs-server") c
  c=$(command -v fake-gcs-server 2>/dev/null || true)
  [ -n "$c" ] && candidates+=("$c")
  if command -v go >/dev/null 2>&1; then
    c=$(go env GOBIN 2>/dev/null || true)
    [ -n "$c" ] && candidates+=("$c/fake-gcs-server")
    c=$(go env GOPATH 2>/dev/null || true)
    [ -n "$c" ] && candidates+=("${c%%:*}/bin/fake-gcs-server")
  fi
  for c in "${candidates[@]}"; do
    [ -x "$c" ] && [ "$(binary_version "$c")" = "$VERSION" ] && BIN=$c && return 0
  done
  return 1
}

install_binary() {
  find_binary && return 0
  command -v go >/dev/null 2>&1 ||
    die "'go' is not on the PATH: install Go (>= 1.23), or put a fake-gcs-server $VERSION binary in $BIN_DIR"
  log "building $MODULE@$VERSION with $(go version | cut -d' ' -f3) into $BIN_DIR (about 3 min on 2 cores the first time)"
  mkdir -p "$BIN_DIR"
  # -trimpath and a stripped link: a smaller binary, a slightly shorter link step.
  GOBIN=$BIN_DIR \
    timeout --kill-after=30s "${INSTALL_TIMEOUT}s" \
    go install -trimpath -ldflags='-s -w' "$MODULE@$VERSION" >&2 ||
    die "go install $MODULE@$VERSION failed (see above)"
  BIN=$BIN_DIR/fake-gcs-server
  [ "$(binary_version "$BIN")" = "$VERSION" ] || die "$BIN is not $MODULE $VERSION after go install"
  log "built $BIN ($(elapsed))"
}

# ---- stop --------------------------------------------------------------------------------------
is_ours() { # pid: a live process whose command line carries our state folder
  local pid=$1
  [ -r "/proc/$pid/cmdline" ] && tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qxF -- "$DIR"
}

do_stop() {
  local pid deadline
  if [ -f "$PID_FILE" ]; then
    pid=$(cat "$PID_FILE" 2>/dev/null || true)
    if [[ $pid =~ ^[0-9]+$ ]] && is_ours "$pid"; then
      # In-memory and throw-away: nothing to flush, SIGKILL is fine and quick.
      kill -KILL "$pid" 2>/dev/null || true
      deadline=$((SECONDS + 15))
      while [ -e "/proc/$pid" ] && is_ours "$pid"; do
        [ "$SECONDS" -ge "$deadline" ] && die "process $pid did not exit within 15 s"
        sleep 0.05
      done
      log "stopped process $pid"
    fi
  fi
  if [ ! -e "$DIR" ]; then
    log "not running (no $DIR)"
    return 0
  fi
  rm -rf "$DIR"
  log "removed $DIR ($(elapsed))"
}

# ---- start -------------------------------------------------------------------------------------
start_failed() {
  local rc=$1
  [ "$rc" = 0 ] && return 0
  log "start FAILED after $(elapsed)"
  if [ -s "$LOG_FILE" ]; then
    printf '\n----- %s (last 40 lines) -----\n' "$LOG_FILE" >&2
    tail -n 40 "$LOG_FILE" >&2
  fi
  local pid
  pid=$(cat "$PID_FILE" 2>/dev/null || true)
  [[ $pid =~ ^[0-9]+$ ]] && is_ours "$pid" && kill -KILL "$pid" 2>/dev/null
  log "left $DIR for inspection; 'scripts/gcs-server.sh stop' removes it"
  exit "$rc"
}

do_start() {
  local v
  for v in PORT START_TIMEOUT INSTALL_TIMEOUT; do
    [[ ${!v} =~ ^[0-9]+$ ]] || die "GCS_SERVER_$v must be a whole number, not '${!v}' (see the settings at the top of $0)"
  done
  install_binary

  if [ -e "$DIR" ]; then
    log "a previous run left $DIR: stopping it first"
    do_stop
  fi
  port_open "$PORT" && die "127.0.0.1:$PORT is already in use (another gcs-server from another" \
    "checkout? stop it there, or set GCS_SERVER_PORT)"

  trap 'start_failed $?' EXIT
  mkdir -p "$DIR"
  # In its own session (setsid, which may fork: the shell it starts writes the pid file and then
  # becomes the emulator), with no stdio of the caller's, so it holds no pipe of the caller open.
  # -filesystem-root is unused by the memory back end; it carries the state folder on the command
  # line, so that `stop` kills only a process of this folder.
  # shellcheck disable=SC2016 # expanded by the inner shell
  setsid bash -c 'echo $$ >"$1" && shift && exec "$@"' gcs-server "$PID_FILE" \
    "$BIN" -scheme http -host 127.0.0.1 -port "$PORT" -backend memory \
    -external-url "http://127.0.0.1:$PORT" -log-level warn -filesystem-root "$DIR" \
    </dev/null >"$LOG_FILE" 2>&1 &
  local deadline=$((SECONDS + START_TIMEOUT)) pid=
  until http_answers "$PORT" 2>/dev/null; do
    [ -n "$pid" ] || pid=$(cat "$PID_FILE" 2>/dev/null || true)
    [ -z "$pid" ] || [ -e "/proc/$pid" ] || die "fake-gcs-server exited at start"
    [ "$SECONDS" -ge "$deadline" ] && die "timed out after ${START_TIMEOUT} s waiting for 127.0.0.1:$PORT"
    sleep 0.05
  done
  trap - EXIT
  log "fake-gcs-server $VERSION answers on http://127.0.0.1:$PORT; started in $(elapsed) (state in $DIR)"

  local vars=("GCS_ENDPOINT=http://127.0.0.1:$PORT")
  if [ -n "${CI_SERVICES_ENV:-}" ]; then
    printf '%s\n' "${vars[@]}" >>"$CI_SERVICES_ENV"
    log "appended GCS_ENDPOINT to $CI_SERVICES_ENV"
  fi
  printf 'export %s\n' "${vars[@]}"
}

case "${1:-}" in
start) do_start ;;
stop) do_stop ;;
install) install_binary ;;
*)
  echo "usage: $0 start|stop|install   (see the comment at the top of the script)" >&2
  exit 2
  ;;
esac
