#!/bin/sh
# install.sh: install Debian's Chromium for the browser tests of `why401 serve` (web/browser_test.go).
#
# Idempotent: when /usr/bin/chromium is already installed it does nothing (no apt-get update, no network).
# Otherwise: one `apt-get update` (retried a few times), then one
# `apt-get install -y --no-install-recommends chromium`.
#
# Another apt or dpkg may be running at the same time (other engineers, CI steps). apt-get waits for the
# dpkg frontend lock itself with DPkg::Lock::Timeout; on top of that each step is retried a bounded number
# of times, so a busy machine costs minutes, never hangs forever.
#
# Chromium is only ever started by the test, headless, with a fresh --user-data-dir; nothing here starts it.
#
# Usage: sudo testenv/chromium/install.sh   (root; non-interactive)
set -eu

PROG=chromium/install.sh
PKG=chromium
BIN=/usr/bin/chromium
export DEBIAN_FRONTEND=noninteractive

st=$(dpkg-query -W -f='${db:Status-Status}' "$PKG" 2>/dev/null || true)
if [ "$st" = installed ] && [ -x "$BIN" ]; then
	echo "$PROG: present: $("$BIN" --version 2>/dev/null || echo "$BIN")"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "$PROG: must run as root to install $PKG" >&2
	exit 1
fi

# DPkg::Lock::Timeout: wait up to 5 minutes per attempt for another apt/dpkg to release its locks.
APT="apt-get -q -o DPkg::Lock::Timeout=300"
retry() {
	_n=0
	until "$@"; do
		_n=$((_n + 1))
		[ $_n -lt 4 ] || { echo "$PROG: failed after $_n attempts: $*" >&2; return 1; }
		echo "$PROG: attempt $_n failed, retrying in 10 s: $*" >&2
		sleep 10
	done
}

# One update, only if the package lists do not know chromium yet (a fresh image has empty lists).
if ! apt-cache show "$PKG" >/dev/null 2>&1; then
	retry $APT update
fi
retry $APT install -y --no-install-recommends "$PKG"

[ -x "$BIN" ] || { echo "$PROG: $BIN missing after install" >&2; exit 1; }
echo "$PROG: done: $("$BIN" --version 2>/dev/null || echo "$BIN")"
