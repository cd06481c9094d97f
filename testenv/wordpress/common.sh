# Shared by up.sh, down.sh and check.sh (sourced, not executed).
# shellcheck shell=bash

WP_PORT_STRIPPED=18280   # PHP-FPM never sees Authorization (plain SetHandler proxy:unix)
WP_PORT_PASSAUTH=18281   # same site, CGIPassAuth On
WP_PORT_EARLYUSER=18282  # same as 18281 plus a must-use plugin that looks at the user early (see README)
WP_PORTS="$WP_PORT_STRIPPED $WP_PORT_PASSAUTH $WP_PORT_EARLYUSER"
WP_ROOT=/usr/share/wordpress
# Debian's /usr/share/wordpress/wp-config.php loads /etc/wordpress/config-$WORDPRESS_CONFIG.php
# when the web server sets WORDPRESS_CONFIG (our vhosts do, and so does the CLI installer).
WP_CONFIG_NAME=why401-testenv
WP_CONFIG_FILE=/etc/wordpress/config-$WP_CONFIG_NAME.php
WP_ADMIN_USER=admin
WP_ADMIN_PASSWORD=why401-admin-password   # the login password (not the Application Password)
WAIT_SECS=${WHY401_WP_WAIT:-60}

log() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# show_log FILE: print the tail of a log on failure
show_log() {
  local f=$1
  if [ -s "$f" ]; then
    printf -- '----- last lines of %s -----\n' "$f" >&2
    tail -n 40 "$f" >&2
    printf -- '----- end of %s -----\n' "$f" >&2
  else
    log "(log $f is empty or missing)"
  fi
}

# port_open PORT: true if something accepts TCP connections on 127.0.0.1:PORT
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# pid_alive PIDFILE: true if the pid file names a live process
pid_alive() {
  local f=$1 p
  [ -s "$f" ] || return 1
  p=$(tr -dc 0-9 <"$f")
  [ -n "$p" ] && kill -0 "$p" 2>/dev/null
}

# abs DIR: absolute path of DIR (created if needed)
abs_dir() { mkdir -p "$1" && (cd "$1" && pwd -P); }

# runtime dir: sockets and the web-readable wp-content live outside DIR, in a short
# world-traversable dir (see README: www-data must reach them, sun_path is 108 bytes).
runtime_dir_of() { [ -s "$1/runtime-dir" ] && cat "$1/runtime-dir"; }
