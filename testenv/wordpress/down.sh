#!/bin/bash
# down.sh DIR — stop the private Apache, PHP-FPM and MariaDB that up.sh DIR
# started (by their pid files, never by name), remove the instance's
# /etc/wordpress config and runtime dir. Keeps DIR (database, Application
# Password, logs) so up.sh DIR can start the same site again; rm -rf DIR after
# down.sh for a full cleanup. Safe to run twice.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd -P)
# shellcheck source=common.sh
. "$HERE/common.sh"

[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
[ -d "$1" ] || { log "$1 does not exist; nothing to stop"; exit 0; }
DIR=$(cd "$1" && pwd -P)
LOG=$DIR/log
rc=0

# stop NAME PIDFILE LOGFILE: TERM the process in the pid file, wait, then KILL
stop() {
  local name=$1 pf=$2 lf=$3 pid i
  [ -s "$pf" ] || { log "$name: no pid file"; return 0; }
  pid=$(tr -dc 0-9 <"$pf")
  if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
    log "$name: not running"; rm -f "$pf"; return 0
  fi
  # never signal a pid that was recycled by something else
  case "$(ps -o comm= -p "$pid")" in
    apache2|php-fpm8.2|mariadbd|mysqld) ;;
    *) log "$name: pid $pid is now $(ps -o comm= -p "$pid"), not ours; leaving it"; rm -f "$pf"; return 0 ;;
  esac
  kill -TERM "$pid" 2>/dev/null
  for ((i = 0; i < WAIT_SECS * 5; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    log "$name (pid $pid) did not stop within ${WAIT_SECS}s; sending KILL"
    show_log "$lf"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null
    sleep 0.5
    rc=1
  fi
  log "$name (pid $pid) stopped"
  rm -f "$pf"
}

# Apache first (it talks to PHP-FPM), then PHP-FPM (talks to MariaDB), then MariaDB.
stop apache2 "$DIR/apache.pid" "$LOG/apache-error.log"
stop php-fpm8.2 "$DIR/php-fpm.pid" "$LOG/php-fpm.log"
stop mariadbd "$DIR/mariadbd.pid" "$LOG/mariadbd.log"

# Leftovers (children that outlived their master): only our server binaries whose
# command line names this DIR (apache2 children, mariadbd, the php-fpm master).
for p in $(pgrep -x apache2; pgrep -x php-fpm8.2; pgrep -x mariadbd); do
  args=$(ps -o args= -p "$p" 2>/dev/null) || continue
  case "$args" in *"$DIR/"*) ;; *) continue ;; esac
  log "leftover process $p (${args:0:100}); killing it"
  kill -KILL "$p" 2>/dev/null; rc=1
done
RUN=$(runtime_dir_of "$DIR" || true)

if [ -e "$WP_CONFIG_FILE" ] && grep -qF "why401 testenv DIR=$DIR" "$WP_CONFIG_FILE"; then
  rm -f "$WP_CONFIG_FILE"; log "removed $WP_CONFIG_FILE"
fi
if [ -n "$RUN" ] && [ -d "$RUN" ]; then
  case "$RUN" in /tmp/why401-wp.*) rm -rf "$RUN"; log "removed $RUN" ;; esac
fi
rm -f "$DIR/runtime-dir" "$DIR/run"

for p in $WP_PORTS; do
  if port_open "$p"; then log "WARNING: port $p is still in use (not by this DIR?)"; rc=1; fi
done
exit $rc
