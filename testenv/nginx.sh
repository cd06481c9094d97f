#!/bin/sh
# nginx.sh start|stop|status RUN: a private nginx for why401's real-server tests.
#
#   testenv/nginx.sh start /tmp/why401-testenv   # config, pid, logs in /tmp/why401-testenv/nginx/
#   testenv/nginx.sh stop  /tmp/why401-testenv
#
# Listens on 127.0.0.1:18080 (the symptoms), 127.0.0.1:18081 (the app behind /underscore/),
# 127.0.0.1:18082 (another origin, target of /redirect-http/) and 127.0.0.{2,3,4}:18084 plus [::1]:18084
# (the backends of app.why401.test and dual.why401.test). See nginx/nginx.conf.in for each location and
# the curl answer it gives. start restarts an instance already running from the same RUN.
set -eu
PROG=nginx.sh
. "$(dirname -- "$0")/lib.sh"

[ $# -eq 2 ] || die "usage: nginx.sh start|stop|status RUN_DIR"
CMD=$1
RUN=$(absdir "$2")/nginx
CONF=$RUN/nginx.conf
PIDF=$RUN/nginx.pid
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

stop() {
	stop_pid "$PIDF" "$CONF" nginx
}

start() {
	[ -x "$NGINX" ] || die "nginx not installed: run testenv/install.sh"
	command -v htpasswd >/dev/null || die "htpasswd not installed: run testenv/install.sh"
	stop
	for p in 18080 18081 18082; do
		if ! wait_free 127.0.0.1 $p tcp; then die "127.0.0.1:$p is already in use: $(ss -Hltnp "sport = :$p" | head -1)"; fi
	done
	mkdir -p "$RUN/tmp"
	rm -rf "$RUN/html"
	cp -R "$TESTENV/nginx/html" "$RUN/html"

	# Password files, written fresh each start (apr1-MD5, which nginx verifies itself).
	rm -f "$RUN/htpasswd" "$RUN/htpasswd-old"
	htpasswd -c -b -m "$RUN/htpasswd" alice hunter2 2>/dev/null
	printf 'p\303\244ssw\303\266rd' | htpasswd -i -m "$RUN/htpasswd" bob 2>/dev/null   # pässwörd, UTF-8
	printf 'p\344ssw\366rd' | htpasswd -i -m "$RUN/htpasswd" carol 2>/dev/null         # pässwörd, ISO-8859-1
	htpasswd -c -b -m "$RUN/htpasswd-old" alice oldpassword 2>/dev/null

	user="# (not root: workers run as the current user)"
	if [ "$(id -u)" -eq 0 ]; then user="user nobody nogroup;"; fi
	v6=""
	if ! ip -6 addr show dev lo 2>/dev/null | grep -q 'inet6 ::1/'; then v6="#"; fi
	if [ -z "$v6" ]; then : >"$RUN/ipv6"; else rm -f "$RUN/ipv6"; fi
	render "$TESTENV/nginx/nginx.conf.in" "$CONF" "RUN=$RUN" "USER=$user" "V6=$v6"

	# Workers drop to nobody: the run directory must be reachable by that user.
	chmod -R a+rX "$RUN"
	if [ "$(id -u)" -eq 0 ] && ! runuser -u nobody -- test -r "$RUN/html/basic/index.html" 2>/dev/null; then
		die "$RUN is not readable by user nobody (a parent directory is private?): choose a RUN_DIR under /tmp"
	fi

	: >"$RUN/error.log"
	if ! "$NGINX" -t -q -p "$RUN" -c "$CONF" -e "$RUN/error.log" 2>"$RUN/start.err"; then
		cat "$RUN/start.err" >&2
		die "config test failed for $CONF"
	fi
	if ! "$NGINX" -p "$RUN" -c "$CONF" -e "$RUN/error.log" 2>"$RUN/start.err"; then
		cat "$RUN/start.err" >&2
		show_log "$RUN/error.log"
		die "nginx did not start"
	fi
	if ! wait_http http://127.0.0.1:18080/ 100 || ! wait_http http://127.0.0.1:18082/ 10; then
		show_log "$RUN/error.log"
		stop
		die "nginx started but does not answer on 127.0.0.1:18080 within 10 s"
	fi
	log "nginx up (pid $(cat "$PIDF")): http://127.0.0.1:18080 http://127.0.0.1:18082 ; logs in $RUN"
}

case $CMD in
start) start ;;
stop) stop; log "nginx stopped" ;;
status) if pid_alive "$PIDF" "$CONF"; then log "running, pid $(cat "$PIDF")"; else log "not running"; exit 1; fi ;;
*) die "usage: nginx.sh start|stop|status RUN_DIR" ;;
esac
