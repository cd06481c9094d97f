#!/bin/sh
# apache.sh start|stop|status RUN: a private Apache httpd with mod_auth_digest for why401's tests.
#
#   testenv/apache.sh start /tmp/why401-testenv   # config, pid, logs in /tmp/why401-testenv/apache/
#   testenv/apache.sh stop  /tmp/why401-testenv
#
# Listens on 127.0.0.1:18180: /digest/ (Digest, realm "digest-realm"), /digest-stale/ (2 s nonces),
# /basic/ (Basic, realm "apache-basic"). See apache/httpd.conf.in. start restarts a running instance.
set -eu
PROG=apache.sh
. "$(dirname -- "$0")/lib.sh"

[ $# -eq 2 ] || die "usage: apache.sh start|stop|status RUN_DIR"
CMD=$1
RUN=$(absdir "$2")/apache
CONF=$RUN/httpd.conf
PIDF=$RUN/httpd.pid
APACHE=$(command -v apache2 || echo /usr/sbin/apache2)

stop() {
	# apache2 -k stop would do the same from the same pid file; this also copes with a stale one.
	stop_pid "$PIDF" "$CONF" apache2
}

# digest_line USER REALM PASSWORD: an htdigest line (htdigest itself only reads passwords from a tty).
digest_line() {
	printf '%s:%s:%s\n' "$1" "$2" "$(printf '%s:%s:%s' "$1" "$2" "$3" | md5sum | cut -d' ' -f1)"
}

start() {
	[ -x "$APACHE" ] || die "apache2 not installed: run testenv/install.sh"
	command -v htpasswd >/dev/null || die "htpasswd not installed: run testenv/install.sh"
	stop
	if ! wait_free 127.0.0.1 18180 tcp; then die "127.0.0.1:18180 is already in use: $(ss -Hltnp 'sport = :18180' | head -1)"; fi
	mkdir -p "$RUN/run"
	rm -rf "$RUN/htdocs"
	cp -R "$TESTENV/apache/htdocs" "$RUN/htdocs"

	{
		digest_line alice digest-realm hunter2
		digest_line bob digest-realm "$(printf 'p\303\244ssw\303\266rd')"
	} >"$RUN/htdigest"
	rm -f "$RUN/htpasswd"
	htpasswd -c -b -m "$RUN/htpasswd" alice hunter2 2>/dev/null
	printf 'p\303\244ssw\303\266rd' | htpasswd -i -m "$RUN/htpasswd" bob 2>/dev/null

	asroot="# not root: "
	if [ "$(id -u)" -eq 0 ]; then asroot=""; fi
	render "$TESTENV/apache/httpd.conf.in" "$CONF" "RUN=$RUN" "ASROOT=$asroot"
	chmod -R a+rX "$RUN"
	if [ "$(id -u)" -eq 0 ] && ! runuser -u www-data -- test -r "$RUN/htdigest" 2>/dev/null; then
		die "$RUN is not readable by user www-data (a parent directory is private?): choose a RUN_DIR under /tmp"
	fi

	: >"$RUN/error.log"
	if ! "$APACHE" -t -f "$CONF" >"$RUN/start.err" 2>&1; then
		cat "$RUN/start.err" >&2
		die "config test failed for $CONF"
	fi
	if ! "$APACHE" -f "$CONF" -k start >"$RUN/start.err" 2>&1; then
		cat "$RUN/start.err" >&2
		show_log "$RUN/error.log"
		die "apache2 did not start"
	fi
	if ! wait_http http://127.0.0.1:18180/ 100; then
		cat "$RUN/start.err" >&2
		show_log "$RUN/error.log"
		stop
		die "apache2 started but does not answer on 127.0.0.1:18180 within 10 s"
	fi
	log "apache2 up (pid $(cat "$PIDF")): http://127.0.0.1:18180 ; logs in $RUN"
}

case $CMD in
start) start ;;
stop) stop; log "apache2 stopped" ;;
status) if pid_alive "$PIDF" "$CONF"; then log "running, pid $(cat "$PIDF")"; else log "not running"; exit 1; fi ;;
*) die "usage: apache.sh start|stop|status RUN_DIR" ;;
esac
