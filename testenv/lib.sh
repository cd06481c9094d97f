# lib.sh: helpers shared by nginx.sh, apache.sh, dnsmasq.sh, up.sh and down.sh. Sourced, not run.
# POSIX sh. Every server is a private instance: its config, pid file, logs and locks live in the run
# directory given on the command line, and it is stopped by the pid it wrote there, never by name.

TESTENV=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)

die() { echo "$PROG: $*" >&2; exit 1; }
log() { echo "$PROG: $*"; }

# absdir DIR: DIR made absolute (created if missing).
absdir() { mkdir -p -- "$1" && (CDPATH= cd -- "$1" && pwd); }

# render TEMPLATE OUT NAME=VALUE...: copy TEMPLATE to OUT replacing @NAME@ with VALUE (VALUE: one line).
render() {
	_in=$1 _out=$2; shift 2
	: >"$_out.sed"
	for _kv in "$@"; do
		_v=$(printf '%s' "${_kv#*=}" | sed -e 's/[\\|&]/\\&/g')
		printf 's|@%s@|%s|g\n' "${_kv%%=*}" "$_v" >>"$_out.sed"
	done
	sed -f "$_out.sed" "$_in" >"$_out"
	rm -f "$_out.sed"
	if grep -q '@[A-Z0-9_]*@' "$_out"; then die "unreplaced placeholder in $_out: $(grep -o '@[A-Z0-9_]*@' "$_out" | head -1)"; fi
}

# running PID: the process exists and is not a zombie (a daemon's parent is init, which may reap late).
running() {
	kill -0 "$1" 2>/dev/null || return 1
	_st=$(sed -e 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1) || return 1
	[ -n "$_st" ] && [ "$_st" != Z ] && [ "$_st" != X ]
}

# pid_alive PIDFILE PATTERN: the pid in PIDFILE runs and its command line contains PATTERN (guards
# against a stale pid file whose number the kernel has given to another process).
pid_alive() {
	[ -s "$1" ] || return 1
	_pid=$(cat "$1" 2>/dev/null) || return 1
	case $_pid in '' | *[!0-9]*) return 1 ;; esac
	running "$_pid" || return 1
	tr '\0' ' ' <"/proc/$_pid/cmdline" 2>/dev/null | grep -qF -- "$2"
}

# stop_pid PIDFILE PATTERN NAME: SIGTERM the process, wait up to 10 s, then SIGKILL. Only that pid.
stop_pid() {
	if ! pid_alive "$1" "$2"; then rm -f "$1"; return 0; fi
	_pid=$(cat "$1")
	kill -TERM "$_pid" 2>/dev/null || true
	_i=0
	while running "$_pid"; do
		_i=$((_i + 1))
		if [ $_i -ge 100 ]; then
			echo "$PROG: $3 (pid $_pid) did not stop in 10 s; sending SIGKILL" >&2
			kill -KILL "$_pid" 2>/dev/null || true
			sleep 0.2
			break
		fi
		sleep 0.1
	done
	rm -f "$1"
}

# port_busy ADDR PORT PROTO: something listens on ADDR:PORT (tcp or udp).
port_busy() {
	if [ "$3" = udp ]; then _f=-lun; else _f=-ltn; fi
	ss -H $_f "sport = :$2" 2>/dev/null | awk '{print $4}' | grep -qE "^(\[?$1\]?|\*|0\.0\.0\.0|\[::\]):$2\$"
}

# wait_free ADDR PORT PROTO: wait up to 3 s for the port to be released (an exited process can hold
# its sockets until its parent, init here, reaps it); fails if it is still busy.
wait_free() {
	_n=30
	while port_busy "$1" "$2" "$3"; do
		_n=$((_n - 1))
		[ $_n -gt 0 ] || return 1
		sleep 0.1
	done
}

# wait_http URL [TRIES]: retry every 0.1 s until curl gets any HTTP answer (default 50 tries = 5 s).
wait_http() {
	_n=${2:-50}
	while [ "$_n" -gt 0 ]; do
		_code=$(curl -s -o /dev/null -m 1 -w '%{http_code}' "$1" 2>/dev/null) || true
		case $_code in '' | 000) ;; *) return 0 ;; esac
		_n=$((_n - 1))
		sleep 0.1
	done
	return 1
}

# wait_dns ADDR PORT NAME [TRIES]: retry until dig gets an answer (any rcode) from ADDR#PORT.
wait_dns() {
	_n=${4:-50}
	while [ "$_n" -gt 0 ]; do
		if dig +time=1 +tries=1 -p "$2" "@$1" "$3" A >/dev/null 2>&1; then return 0; fi
		_n=$((_n - 1))
		sleep 0.1
	done
	return 1
}

# show_log FILE: the last lines of a server's error log, for a failed start.
show_log() {
	if [ -s "$1" ]; then
		echo "---- last lines of $1 ----" >&2
		tail -n 30 "$1" >&2
		echo "----" >&2
	fi
}
