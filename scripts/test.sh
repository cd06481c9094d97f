#!/usr/bin/env bash
# The project's test command (README, .ci/run): unit and lab tests, then the
# same suite with the real servers on loopback — nginx, Apache httpd,
# dnsmasq, WordPress on Apache + PHP-FPM + MariaDB, and Debian's Chromium —
# installed from Debian's packages by the project's own scripts, started on
# loopback, and stopped at the end whatever happens.
#
#   scripts/test.sh          everything (needs root for apt-get, like CI)
#   QUICK=1 scripts/test.sh  only `go vet` and `go test ./...` (no servers)
set -euo pipefail
cd "$(dirname "$0")/.."
export GOFLAGS="${GOFLAGS:-} -count=1"
step() { printf '\n==> %s\n' "$*"; }

step "go vet"
go vet ./...

if [ "${QUICK:-}" = 1 ]; then
  step "go test ./... (quick: no real servers)"
  go test ./...
  exit 0
fi

step "install the real servers from Debian's packages"
testenv/install.sh
step "install WordPress from Debian's packages"
testenv/wordpress/install.sh
step "install Chromium from Debian's packages (browser tests of why401 serve)"
testenv/chromium/install.sh

run=$(mktemp -d /tmp/why401-test.XXXXXX)
chmod 755 "$run" # the servers run as www-data/nobody and must reach their run dirs
export WHY401_TESTENV_DIR="$run/servers"
export WHY401_WP_ENV="$run/wordpress/wordpress.env"
cleanup() {
  step "stop the real servers"
  testenv/down.sh || true
  testenv/wordpress/down.sh "$run/wordpress" || true
  rm -rf "$run"
}
trap cleanup EXIT

step "start the real servers on loopback"
testenv/up.sh
step "start WordPress on loopback (Apache + PHP-FPM + MariaDB)"
mkdir -p "$run/wordpress"
testenv/wordpress/up.sh "$run/wordpress"

step "go test ./... with the real servers and Chromium (WHY401_REAL=1 WHY401_BROWSER=1)"
WHY401_REAL=1 WHY401_BROWSER=1 go test ./...
