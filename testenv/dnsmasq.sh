#!/bin/sh
# dnsmasq.sh start|stop|status RUN: two private dnsmasq resolvers for why401's DNS tests.
#
#   testenv/dnsmasq.sh start /tmp/why401-testenv   # pid files and query logs in /tmp/why401-testenv/dnsmasq/
#   testenv/dnsmasq.sh stop  /tmp/why401-testenv
#
# "current" on 127.0.0.1:15353 (dnsmasq/current.conf) and "stale" on 127.0.0.1:15354 (dnsmasq/stale.conf),
# UDP and TCP. Each runs as a daemon (dnsmasq forks; no --keep-in-foreground), answers only for
# why401.test, and logs every query to RUN/dnsmasq/NAME.log. start restarts running instances.
set -eu
PROG=dnsmasq.sh
. "$(dirname -- "$0")/lib.sh"

[ $# -eq 2 ] || die "usage: dnsmasq.sh start|stop|status RUN_DIR"
CMD=$1
RUN=$(absdir "$2")/dnsmasq
DNSMASQ=$(command -v dnsmasq || echo /usr/sbin/dnsmasq)
INSTANCES="current:15353 stale:15354"

stop() {
	for i in $INSTANCES; do stop_pid "$RUN/${i%%:*}.pid" "$TESTENV/dnsmasq/${i%%:*}.conf" dnsmasq; done
}

start() {
	[ -x "$DNSMASQ" ] || die "dnsmasq not installed: run testenv/install.sh"
	stop
	mkdir -p "$RUN"
	chmod a+rwx "$RUN" # dnsmasq drops to user nobody after start and keeps writing its log here
	for i in $INSTANCES; do
		name=${i%%:*} port=${i#*:}
		if ! wait_free 127.0.0.1 "$port" udp || ! wait_free 127.0.0.1 "$port" tcp; then
			die "127.0.0.1:$port is already in use: $(ss -Hlunp "sport = :$port" | head -1)"
		fi
		: >"$RUN/$name.log"
		chmod a+rw "$RUN/$name.log"
		# --conf-file=FILE replaces /etc/dnsmasq.conf; --conf-dir is not read unless given.
		if ! "$DNSMASQ" --conf-file="$TESTENV/dnsmasq/$name.conf" --pid-file="$RUN/$name.pid" \
			--log-facility="$RUN/$name.log" 2>"$RUN/$name.err"; then
			cat "$RUN/$name.err" >&2
			show_log "$RUN/$name.log"
			stop
			die "dnsmasq $name did not start"
		fi
		if ! wait_dns 127.0.0.1 "$port" app.why401.test 100; then
			show_log "$RUN/$name.log"
			stop
			die "dnsmasq $name started but does not answer on 127.0.0.1:$port within 10 s"
		fi
	done
	log "dnsmasq up: current 127.0.0.1:15353 (pid $(cat "$RUN/current.pid")), stale 127.0.0.1:15354 (pid $(cat "$RUN/stale.pid")); logs in $RUN"
}

case $CMD in
start) start ;;
stop) stop; log "dnsmasq stopped" ;;
status)
	rc=0
	for i in $INSTANCES; do
		if pid_alive "$RUN/${i%%:*}.pid" "$TESTENV/dnsmasq/${i%%:*}.conf"; then log "${i%%:*} running, pid $(cat "$RUN/${i%%:*}.pid")"; else log "${i%%:*} not running"; rc=1; fi
	done
	exit $rc ;;
*) die "usage: dnsmasq.sh start|stop|status RUN_DIR" ;;
esac
