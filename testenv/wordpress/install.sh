#!/bin/bash
# Install the Debian packages for the private WordPress test environment
# (see README.md). Idempotent: does nothing when everything is installed.
#
# - no downloads beyond Debian's apt mirrors (WordPress comes from Debian's
#   `wordpress` package, never from wordpress.org);
# - no system service is started: a policy-rc.d that answers 101 is in place
#   during the install (an existing one is kept and left alone), and any
#   apache2 / php-fpm / mariadbd that a postinst started anyway (i.e. one that
#   was not running before) is stopped again;
# - libapache2-mod-php is explicitly refused (when not already installed) so
#   the wordpress package does not pull it in and switch the system Apache to
#   mpm_prefork; WordPress's "libapache2-mod-php | php" dependency is met by
#   php8.2 + php-fpm.
set -euo pipefail

PKGS=(wordpress wordpress-theme-twentytwentythree mariadb-server mariadb-client apache2 php-fpm php-mysql php-xml php-mbstring curl)
# "pkg-" makes apt choose another alternative; only for packages that are not
# installed (on an installed one, "pkg-" would remove it).
REFUSE=()
for p in libapache2-mod-php libapache2-mod-php8.2; do
  case "$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)" in ii*) ;; *) REFUSE+=("$p-") ;; esac
done

start=$(date +%s.%N)
log() { printf 'install.sh: %s\n' "$*" >&2; }

if [ "$(id -u)" != 0 ]; then log "must run as root"; exit 1; fi

missing=()
for p in "${PKGS[@]}"; do
  st=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
  case "$st" in ii*) ;; *) missing+=("$p") ;; esac
done
if [ ${#missing[@]} -eq 0 ]; then
  log "all packages already installed (${PKGS[*]})"
  exit 0
fi
log "missing: ${missing[*]}"

# Daemons that are already running (possibly someone else's): never touch them.
pids_of() { pgrep -x "$1" 2>/dev/null | tr '\n' ' ' || true; }
before_apache=$(pids_of apache2); before_fpm=$(pids_of php-fpm8.2)
before_maria="$(pids_of mariadbd) $(pids_of mysqld) $(pids_of mysqld_safe)"

POLICY=/usr/sbin/policy-rc.d
created_policy=0
cleanup() {
  if [ "$created_policy" = 1 ]; then rm -f "$POLICY"; fi
}
trap cleanup EXIT
if [ -e "$POLICY" ]; then
  # Keep a pre-existing policy (e.g. Docker's, which also exits 101).
  log "existing $POLICY kept ($(sh "$POLICY" x start >/dev/null 2>&1; echo "exit $?"))"
else
  printf '#!/bin/sh\n# temporary, created by testenv/wordpress/install.sh\nexit 101\n' >"$POLICY"
  chmod 755 "$POLICY"
  created_policy=1
fi

export DEBIAN_FRONTEND=noninteractive
APT=(apt-get -y -q -o DPkg::Lock::Timeout=600 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)

# apt-get update only when a package cannot be found in the current lists.
need_update=0
for p in "${missing[@]}"; do
  if ! apt-cache show "$p" >/dev/null 2>&1; then need_update=1; fi
done
if [ "$need_update" = 1 ] || ! "${APT[@]}" install -s --no-install-recommends "${PKGS[@]}" "${REFUSE[@]}" >/dev/null 2>&1; then
  log "apt-get update"
  "${APT[@]}" update
fi
"${APT[@]}" install --no-install-recommends "${PKGS[@]}" "${REFUSE[@]}"

# Stop whatever a postinst started anyway (only processes that are new).
stop_new() { # name before-pids
  local name=$1 before=" $2 " p
  for p in $(pids_of "$name"); do
    case "$before" in *" $p "*) continue ;; esac
    # only the top of the tree; children follow their master
    local pp; pp=$(ps -o ppid= -p "$p" 2>/dev/null | tr -d ' ' || true)
    if [ -n "$pp" ] && [ "$(ps -o comm= -p "$pp" 2>/dev/null)" = "$name" ]; then continue; fi
    log "stopping $name (pid $p) started by a postinst"
    kill "$p" 2>/dev/null || true
  done
}
stop_new apache2 "$before_apache"
stop_new php-fpm8.2 "$before_fpm"
stop_new mysqld_safe "$before_maria"
stop_new mariadbd "$before_maria"
stop_new mysqld "$before_maria"

end=$(date +%s.%N)
log "done in $(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.1f", b-a}') s"
