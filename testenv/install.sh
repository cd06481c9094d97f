#!/bin/sh
# install.sh: install the real-server test environment from Debian's packages.
#
# Idempotent: when every package is already installed it does nothing (no apt-get update, no network).
# Otherwise: one `apt-get update`, then one `apt-get install -y --no-install-recommends`.
#
# Packages and why:
#   nginx           the auth_basic / cached-401 / soft-401 / underscore-header server (testenv/nginx.sh)
#   apache2         mod_auth_digest and mod_auth_basic (testenv/apache.sh)
#   apache2-utils   htpasswd and htdigest, to write the password files at start time
#   dnsmasq-base    the dnsmasq binary only. The `dnsmasq` package adds an init script and its postinst
#                   starts a system-wide resolver on :53; we never want that, so we do not install it.
#   bind9-dnsutils  dig, for the checks in up.sh and for debugging by hand
#   curl            the checks in the scripts and README
#
# No service may start: the system nginx would take :80 and a system dnsmasq :53. While dpkg runs we keep
# a /usr/sbin/policy-rc.d that answers 101 ("action forbidden"), which makes invoke-rc.d skip every start.
# If the machine already has one (Docker images ship one that exits 101) it is left as it is; ours is
# removed afterwards. As a last resort, any daemon a postinst started anyway is stopped by its pid file.
#
# Usage: sudo testenv/install.sh   (root; non-interactive)
set -eu

PKGS="nginx apache2 apache2-utils dnsmasq-base bind9-dnsutils curl"
export DEBIAN_FRONTEND=noninteractive

missing=""
for p in $PKGS; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing="$missing $p"
done
if [ -z "$missing" ]; then
	echo "install.sh: all present:$(echo " $PKGS")"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "install.sh: must run as root to install:$missing" >&2
	exit 1
fi
echo "install.sh: installing:$missing"

POLICY=/usr/sbin/policy-rc.d
MARK="# why401-testenv policy-rc.d"
ours=0
if [ ! -e "$POLICY" ]; then
	printf '#!/bin/sh\n%s: no service starts while install.sh runs\nexit 101\n' "$MARK" >"$POLICY"
	chmod 755 "$POLICY"
	ours=1
else
	rc=0; sh "$POLICY" nginx start >/dev/null 2>&1 || rc=$?
	[ "$rc" = 101 ] || echo "install.sh: $POLICY exists and allows starts (exit $rc); daemons a postinst starts are stopped afterwards" >&2
fi
cleanup() {
	if [ "$ours" = 1 ] && grep -q "$MARK" "$POLICY" 2>/dev/null; then rm -f "$POLICY"; fi
}
trap cleanup EXIT INT TERM

# Another apt/dpkg may run at the same time (other engineers, CI steps): wait for its locks.
APT="apt-get -q -o DPkg::Lock::Timeout=600"
n=0
until $APT update; do
	n=$((n + 1)); [ $n -lt 5 ] || { echo "install.sh: apt-get update failed" >&2; exit 1; }
	sleep 5
done
$APT install -y --no-install-recommends $missing

# Belt and braces: stop whatever a postinst may have started despite policy-rc.d (no systemctl/service).
for pidf in /run/nginx.pid /run/apache2/apache2.pid /run/dnsmasq/dnsmasq.pid; do
	if [ -s "$pidf" ] && kill -0 "$(cat "$pidf")" 2>/dev/null; then
		echo "install.sh: stopping system daemon from $pidf" >&2
		kill "$(cat "$pidf")" || true
	fi
done

for b in nginx apache2 htpasswd htdigest dnsmasq dig curl; do
	command -v "$b" >/dev/null 2>&1 || [ -x "/usr/sbin/$b" ] || { echo "install.sh: $b missing after install" >&2; exit 1; }
done
echo "install.sh: done"
