#!/bin/sh
# down.sh: stop every server up.sh started and remove the run directory.
#
#   testenv/down.sh               # RUN=${WHY401_TESTENV_DIR:-/tmp/why401-testenv}
#   KEEP=1 testenv/down.sh        # stop, but keep RUN (configs and logs) for a look
#
# Each server is stopped by the pid file in RUN (SIGTERM, then SIGKILL after 10 s), never by name.
# Exits 1 if one of our ports is still held afterwards.
set -eu
PROG=down.sh
. "$(dirname -- "$0")/lib.sh"

RUN=${WHY401_TESTENV_DIR:-/tmp/why401-testenv}
if [ ! -d "$RUN" ]; then log "nothing to stop ($RUN does not exist)"; exit 0; fi
[ -e "$RUN/.why401-testenv" ] || die "$RUN was not made by up.sh: not touching it"
RUN=$(CDPATH= cd -- "$RUN" && pwd)

rc=0
for s in dnsmasq apache nginx; do "$TESTENV/$s.sh" stop "$RUN" || rc=1; done

for p in 18080 18081 18082 18180; do
	wait_free 127.0.0.1 $p tcp || { echo "$PROG: 127.0.0.1:$p still in use: $(ss -Hltnp "sport = :$p")" >&2; rc=1; }
done
for a in 127.0.0.2 127.0.0.3 127.0.0.4 ::1; do
	wait_free "$a" 18084 tcp || { echo "$PROG: [$a]:18084 still in use" >&2; rc=1; }
done
for p in 15353 15354; do
	{ wait_free 127.0.0.1 $p udp && wait_free 127.0.0.1 $p tcp; } || { echo "$PROG: 127.0.0.1:$p still in use: $(ss -Hlnp "sport = :$p")" >&2; rc=1; }
done

if [ "${KEEP:-0}" = 1 ]; then
	log "stopped; kept $RUN"
elif [ $rc -eq 0 ]; then
	rm -rf -- "$RUN"
	log "stopped; removed $RUN"
fi
exit $rc
