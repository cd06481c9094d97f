#!/bin/sh
# up.sh: start every real server of why401's test environment into one run directory and write the env
# file the Go tests read (see testenv.go).
#
#   testenv/install.sh            # once per machine (root): Debian packages
#   testenv/up.sh                 # RUN=${WHY401_TESTENV_DIR:-/tmp/why401-testenv}
#   WHY401_REAL=1 go test ./...   # tests that call testenv.Require run against the servers
#   testenv/down.sh               # stop them all, remove RUN
#
# Starts nginx (127.0.0.1:18080-18082, 127.0.0.{2,3,4}:18084, [::1]:18084), Apache httpd (127.0.0.1:18180)
# and two dnsmasq (127.0.0.1:15353 "current", :15354 "stale"). Each start waits (bounded) until the server
# answers. If one fails, its error log is printed, every server in RUN is stopped and the exit
# status is 1. Running up.sh again restarts everything.
set -eu
PROG=up.sh
. "$(dirname -- "$0")/lib.sh"

RUN=${WHY401_TESTENV_DIR:-/tmp/why401-testenv}
if [ -e "$RUN" ] && [ ! -e "$RUN/.why401-testenv" ] && [ -n "$(ls -A "$RUN" 2>/dev/null)" ]; then
	die "$RUN exists, is not empty and was not made by up.sh: refusing to use it (set WHY401_TESTENV_DIR)"
fi
RUN=$(absdir "$RUN")
chmod 755 "$RUN"
: >"$RUN/.why401-testenv"
rm -f "$RUN/testenv.env"

for b in nginx apache2 dnsmasq htpasswd dig curl; do
	command -v "$b" >/dev/null 2>&1 || [ -x "/usr/sbin/$b" ] || die "$b not installed: run testenv/install.sh (as root)"
done

ms() { date +%s%3N; }
fail() {
	echo "$PROG: $1 failed to start; stopping every server in $RUN" >&2
	for s in nginx apache dnsmasq; do "$TESTENV/$s.sh" stop "$RUN" >/dev/null 2>&1 || true; done
	exit 1
}
t0=$(ms)
timings=""
for s in nginx apache dnsmasq; do
	t=$(ms)
	"$TESTENV/$s.sh" start "$RUN" || fail "$s"
	timings="$timings $s=$(($(ms) - t))ms"
done

cat >"$RUN/testenv.env.tmp" <<ENV
# Written by testenv/up.sh at $(date -u +%Y-%m-%dT%H:%M:%SZ). Read by testenv.Require (testenv/testenv.go).
WHY401_TESTENV_DIR=$RUN
WHY401_NGINX_URL=http://127.0.0.1:18080
WHY401_NGINX_APP_URL=http://127.0.0.1:18081
WHY401_NGINX_OTHER_ORIGIN_URL=http://127.0.0.1:18082
WHY401_BACKEND_PORT=18084
WHY401_BACKENDS=127.0.0.2,127.0.0.3,127.0.0.4$(if [ -e "$RUN/nginx/ipv6" ]; then echo ",::1"; fi)
WHY401_APACHE_URL=http://127.0.0.1:18180
WHY401_DNS_CURRENT=127.0.0.1:15353
WHY401_DNS_STALE=127.0.0.1:15354
WHY401_DNS_DEAD=127.0.0.1:15359
ENV
mv "$RUN/testenv.env.tmp" "$RUN/testenv.env"
log "all up in $(($(ms) - t0))ms ($(echo $timings)); env file: $RUN/testenv.env"
