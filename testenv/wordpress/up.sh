#!/bin/bash
# up.sh DIR — start a private WordPress (Debian's package) on loopback:
#   MariaDB (datadir DIR/mysql, unix socket only), PHP-FPM (own config, pool
#   user www-data) and Apache (own config, apache2 -f) with two vhosts:
#     http://127.0.0.1:18280/  plain SetHandler proxy:unix:…|fcgi://localhost,
#                              PHP never sees the Authorization header
#     http://127.0.0.1:18281/  the same site with CGIPassAuth On
#   then installs the site (WordPress's installer from PHP CLI), creates an
#   Application Password for admin and writes DIR/wordpress.env.
# Idempotent: a second run with the same DIR reports "already up"; after
# down.sh the same DIR starts again with the same site and password.
# Stop everything with down.sh DIR.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd -P)
# shellcheck source=common.sh
. "$HERE/common.sh"

[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
[ "$(id -u)" = 0 ] || die "must run as root (private mariadbd/php-fpm/apache2 are started from here)"
T0=$(date +%s.%N)
elapsed() { awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}'; }
log() { printf '%s: [%5ss] %s\n' "${0##*/}" "$(elapsed)" "$*" >&2; }

for b in mariadbd mariadb-install-db mariadb php-fpm8.2 php apache2 curl; do
  command -v "$b" >/dev/null || [ -x "/usr/sbin/$b" ] || die "$b not found: run $HERE/install.sh first"
done
[ -f "$WP_ROOT/wp-load.php" ] || die "$WP_ROOT missing: run $HERE/install.sh first"
PHPMODS=$(php -m)
grep -qx xml <<<"$PHPMODS" || die "PHP xml extension missing (XML-RPC): run $HERE/install.sh"
grep -qx mysqli <<<"$PHPMODS" || die "PHP mysqli extension missing: run $HERE/install.sh"

DIR=$(abs_dir "$1")
LOG=$DIR/log

# ---------------------------------------------------------------- already up?
all_ports_open() { local p; for p in $WP_PORTS; do port_open "$p" || return 1; done; }
if pid_alive "$DIR/mariadbd.pid" && pid_alive "$DIR/php-fpm.pid" && pid_alive "$DIR/apache.pid" \
   && all_ports_open && [ -s "$DIR/wordpress.env" ]; then
  log "already up in $DIR (pids: mariadbd $(cat "$DIR/mariadbd.pid"), php-fpm $(cat "$DIR/php-fpm.pid"), apache2 $(cat "$DIR/apache.pid"))"
  cat "$DIR/wordpress.env"
  exit 0
fi
# partly up (a crash, or a killed run): stop what is left, then start cleanly
if pid_alive "$DIR/mariadbd.pid" || pid_alive "$DIR/php-fpm.pid" || pid_alive "$DIR/apache.pid"; then
  log "$DIR is partly up; stopping the leftovers first"
  "$HERE/down.sh" "$DIR"
fi

for p in $WP_PORTS; do
  if port_open "$p"; then
    log "port 127.0.0.1:$p is already in use:"
    ss -ltnp "sport = :$p" >&2 2>/dev/null || true
    die "another instance (another DIR?) or program holds port $p; stop it first (down.sh OTHER_DIR)"
  fi
done

mkdir -p "$LOG" "$DIR/apache" "$DIR/tmp"

# ---------------------------------------------------------------- runtime dir
RUN=$(runtime_dir_of "$DIR" || true)
if [ -z "$RUN" ] || [ ! -d "$RUN" ]; then
  RUN=$(mktemp -d /tmp/why401-wp.XXXXXX)
  echo "$RUN" >"$DIR/runtime-dir"
fi
chmod 0711 "$RUN"
rm -f "$RUN"/*.sock
ln -sfn "$RUN" "$DIR/run"
MYSOCK=$RUN/mysqld.sock
FPMSOCK=$RUN/php-fpm.sock
for s in "$MYSOCK" "$FPMSOCK"; do
  [ ${#s} -lt 100 ] || die "socket path too long: $s"
done

# web-readable wp-content for this instance (WP_CONTENT_DIR)
CONTENT=$RUN/wp-content
mkdir -p "$CONTENT/uploads" "$CONTENT/probe" "$CONTENT/mu-plugins"
ln -sfn "$WP_ROOT/wp-content/themes" "$CONTENT/themes"
ln -sfn "$WP_ROOT/wp-content/plugins" "$CONTENT/plugins"
chown www-data:www-data "$CONTENT/uploads"
# The diagnostic probe (not part of WordPress): which auth variables reached PHP.
cat >"$CONTENT/probe/authprobe.php" <<'PHP'
<?php
header('Content-Type: application/json');
$keys = array('HTTP_AUTHORIZATION', 'REDIRECT_HTTP_AUTHORIZATION', 'PHP_AUTH_USER', 'PHP_AUTH_PW', 'AUTH_TYPE');
$seen = array();
foreach ($keys as $k) { $seen[$k] = isset($_SERVER[$k]); }
$seen['getallheaders_Authorization'] = function_exists('getallheaders') && array_key_exists('Authorization', getallheaders());
echo json_encode(array('sapi' => PHP_SAPI, 'seen' => $seen)), "\n";
PHP
# Only on the vhost that sets WHY401_EARLY_USER (port $WP_PORT_EARLYUSER).
cat >"$CONTENT/mu-plugins/why401-early-user.php" <<'PHP'
<?php
/*
 * why401 testenv (not part of WordPress). Active only where the web server sets
 * WHY401_EARLY_USER (the vhost on port 18282). It does what many plugins do: look
 * at the current user in rest_authentication_errors before core's Application
 * Password check (priority 90). On WordPress 6.1 that is what makes a wrong
 * Application Password answer "incorrect_password" / "invalid_username"; without
 * it the user is determined only at priority 100 and the answer is
 * "rest_not_logged_in" (see README.md).
 */
if (!empty($_SERVER['WHY401_EARLY_USER'])) {
    add_filter('rest_authentication_errors', function ($result) {
        is_user_logged_in();
        return $result;
    }, 10);
}
PHP
chmod -R a+rX "$CONTENT"

# ---------------------------------------------------------------- MariaDB
DATA=$DIR/mysql
if [ ! -d "$DATA/mysql" ]; then
  log "mariadb-install-db into $DATA"
  rm -rf "$DATA"
  if ! mariadb-install-db --no-defaults --datadir="$DATA" --user=root \
        --auth-root-authentication-method=socket --skip-test-db --skip-name-resolve \
        --innodb-log-file-size=8M --innodb-buffer-pool-size=32M \
        >"$LOG/mariadb-install-db.log" 2>&1; then
    show_log "$LOG/mariadb-install-db.log"; die "mariadb-install-db failed"
  fi
fi
log "starting mariadbd (socket $MYSOCK, no TCP)"
setsid mariadbd --no-defaults --datadir="$DATA" --socket="$MYSOCK" --skip-networking \
  --pid-file="$DIR/mariadbd.pid" --log-error="$LOG/mariadbd.log" --user=root \
  --skip-log-bin --skip-name-resolve --innodb-buffer-pool-size=32M --innodb-log-file-size=8M \
  --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
  --tmpdir="$DIR/tmp" </dev/null >>"$LOG/mariadbd.log" 2>&1 &
MPID=$!
SQL=(mariadb --no-defaults --socket="$MYSOCK" -u root)
for ((i = 0; i < WAIT_SECS * 5; i++)); do
  if [ -S "$MYSOCK" ] && "${SQL[@]}" -e 'select 1' >/dev/null 2>&1; then break; fi
  if ! kill -0 "$MPID" 2>/dev/null; then show_log "$LOG/mariadbd.log"; die "mariadbd exited"; fi
  sleep 0.2
done
"${SQL[@]}" -e 'select 1' >/dev/null 2>&1 || { show_log "$LOG/mariadbd.log"; die "mariadbd not ready after ${WAIT_SECS}s"; }
for ((i = 0; i < 50; i++)); do [ -s "$DIR/mariadbd.pid" ] && break; sleep 0.1; done
[ -s "$DIR/mariadbd.pid" ] || echo "$MPID" >"$DIR/mariadbd.pid"

[ -s "$DIR/db-password" ] || { head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' >"$DIR/db-password"; chmod 600 "$DIR/db-password"; }
DBPASS=$(cat "$DIR/db-password")
"${SQL[@]}" <<SQL
CREATE DATABASE IF NOT EXISTS wordpress CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'wordpress'@'localhost' IDENTIFIED BY '$DBPASS';
ALTER USER 'wordpress'@'localhost' IDENTIFIED BY '$DBPASS';
GRANT ALL PRIVILEGES ON wordpress.* TO 'wordpress'@'localhost';
FLUSH PRIVILEGES;
SQL

# ---------------------------------------------------------------- WordPress config
# Instance-specific; removed by down.sh. Salts are generated once per DIR.
if [ ! -s "$DIR/salts.php" ]; then
  {
    echo '<?php'
    for k in AUTH_KEY SECURE_AUTH_KEY LOGGED_IN_KEY NONCE_KEY AUTH_SALT SECURE_AUTH_SALT LOGGED_IN_SALT NONCE_SALT; do
      printf "define('%s', '%s');\n" "$k" "$(head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
    done
  } >"$DIR/salts.php"
  chmod 600 "$DIR/salts.php"
fi
if [ -e "$WP_CONFIG_FILE" ] && ! grep -qF "why401 testenv DIR=$DIR" "$WP_CONFIG_FILE"; then
  log "replacing $WP_CONFIG_FILE left by another DIR ($(grep -o 'why401 testenv DIR=[^ ]*' "$WP_CONFIG_FILE" || echo unknown)); its ports are free, so it is not running"
fi
mkdir -p /etc/wordpress
TMPCONF=$(mktemp /etc/wordpress/.why401-config.XXXXXX)
{
  cat <<PHP
<?php
/* Generated by testenv/wordpress/up.sh; removed by down.sh.
 * why401 testenv DIR=$DIR
 * Loaded by Debian's /usr/share/wordpress/wp-config.php because the vhosts set
 * WORDPRESS_CONFIG=$WP_CONFIG_NAME. */
define('DB_NAME', 'wordpress');
define('DB_USER', 'wordpress');
define('DB_PASSWORD', '$DBPASS');
define('DB_HOST', 'localhost:$MYSOCK');
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
\$table_prefix = 'wp_';
PHP
  tail -n +2 "$DIR/salts.php"
  cat <<PHP
/* Both vhosts serve the same site and database; links follow the port asked for. */
\$why401_host = (isset(\$_SERVER['HTTP_HOST']) && preg_match('/^(127\.0\.0\.1|localhost):($WP_PORT_STRIPPED|$WP_PORT_PASSAUTH|$WP_PORT_EARLYUSER)\$/', \$_SERVER['HTTP_HOST']))
    ? \$_SERVER['HTTP_HOST'] : '127.0.0.1:$WP_PORT_STRIPPED';
define('WP_HOME', 'http://' . \$why401_host);
define('WP_SITEURL', 'http://' . \$why401_host);
define('WP_CONTENT_DIR', '$CONTENT');
define('WP_CONTENT_URL', 'http://' . \$why401_host . '/wp-content');
/* Application Passwords need HTTPS or a 'local' environment. */
define('WP_ENVIRONMENT_TYPE', 'local');
/* Loopback only: no update checks, no cron, no calls to wordpress.org. */
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('DISABLE_WP_CRON', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_AUTO_UPDATE_CORE', false);
define('DISALLOW_FILE_MODS', true);
define('WP_DEBUG', false);
PHP
} >"$TMPCONF"
chown root:www-data "$TMPCONF"; chmod 0640 "$TMPCONF"
mv -f "$TMPCONF" "$WP_CONFIG_FILE"

# ---------------------------------------------------------------- PHP-FPM
cat >"$DIR/php-fpm.conf" <<CONF
; private PHP-FPM for why401 testenv (up.sh)
[global]
pid = $DIR/php-fpm.pid
error_log = $LOG/php-fpm.log
daemonize = yes

[why401]
user = www-data
group = www-data
listen = $FPMSOCK
listen.owner = www-data
listen.group = www-data
listen.mode = 0660
pm = static
pm.max_children = 4
catch_workers_output = yes
decorate_workers_output = no
php_admin_flag[log_errors] = on
php_admin_flag[display_errors] = off
CONF
log "starting php-fpm8.2 (socket $FPMSOCK)"
if ! php-fpm8.2 --fpm-config "$DIR/php-fpm.conf" -t >"$LOG/php-fpm-test.log" 2>&1; then
  show_log "$LOG/php-fpm-test.log"; die "php-fpm8.2 -t failed"
fi
php-fpm8.2 --fpm-config "$DIR/php-fpm.conf" </dev/null >>"$LOG/php-fpm.log" 2>&1 \
  || { show_log "$LOG/php-fpm.log"; die "php-fpm8.2 failed to start"; }
for ((i = 0; i < WAIT_SECS * 5; i++)); do [ -S "$FPMSOCK" ] && pid_alive "$DIR/php-fpm.pid" && break; sleep 0.2; done
[ -S "$FPMSOCK" ] && pid_alive "$DIR/php-fpm.pid" || { show_log "$LOG/php-fpm.log"; die "php-fpm not ready after ${WAIT_SECS}s"; }

# ---------------------------------------------------------------- Apache
M=/usr/lib/apache2/modules
HANDLER="proxy:unix:$FPMSOCK|fcgi://localhost"
# vhost BODY: the same for both ports except the one line that passes Authorization
vhost() { # PORT NAME EXTRA-IN-DIRECTORY EXTRA-IN-VHOST
  cat <<CONF
<VirtualHost 127.0.0.1:$1>
    ServerName 127.0.0.1:$1
    # $2
    DocumentRoot $WP_ROOT
    SetEnv WORDPRESS_CONFIG $WP_CONFIG_NAME
$4
    Alias /wp-content $CONTENT
    <Directory $WP_ROOT>
        Options FollowSymLinks
        AllowOverride None
        Require all granted
        DirectoryIndex index.php index.html
$3
        # WordPress's permalink rules as older sites have them in .htaccess (before
        # WordPress 5.6 added "RewriteRule .* - [E=HTTP_AUTHORIZATION:%{HTTP:Authorization}]").
        RewriteEngine On
        RewriteBase /
        RewriteRule ^index\.php\$ - [L]
        RewriteCond %{REQUEST_FILENAME} !-f
        RewriteCond %{REQUEST_FILENAME} !-d
        RewriteRule . /index.php [L]
    </Directory>
    <Directory $CONTENT>
        Options FollowSymLinks
        AllowOverride None
        Require all granted
$3
    </Directory>
    <Directory $CONTENT/uploads>
        <FilesMatch "\.php\$">
            Require all denied
        </FilesMatch>
    </Directory>
    <FilesMatch "\.php\$">
        SetHandler "$HANDLER"
    </FilesMatch>
    ErrorLog $LOG/apache-error.log
    CustomLog $LOG/apache-access.log why401
</VirtualHost>
CONF
}
cat >"$DIR/apache/httpd.conf" <<CONF
# private Apache for why401 testenv (up.sh). Started with: apache2 -f THIS -k start
ServerRoot $DIR/apache
DefaultRuntimeDir $DIR/apache
PidFile $DIR/apache.pid
ServerName 127.0.0.1
ServerTokens OS
ServerSignature Off
User www-data
Group www-data
ErrorLog $LOG/apache-error.log
LogLevel warn
Timeout 30
KeepAlive On
TraceEnable Off
HostnameLookups Off

LoadModule mpm_event_module $M/mod_mpm_event.so
LoadModule authz_core_module $M/mod_authz_core.so
LoadModule authz_host_module $M/mod_authz_host.so
LoadModule alias_module $M/mod_alias.so
LoadModule dir_module $M/mod_dir.so
LoadModule env_module $M/mod_env.so
LoadModule mime_module $M/mod_mime.so
LoadModule rewrite_module $M/mod_rewrite.so
LoadModule setenvif_module $M/mod_setenvif.so
LoadModule headers_module $M/mod_headers.so
LoadModule proxy_module $M/mod_proxy.so
LoadModule proxy_fcgi_module $M/mod_proxy_fcgi.so

StartServers 1
ServerLimit 2
ThreadsPerChild 16
MaxRequestWorkers 32
MinSpareThreads 8
MaxSpareThreads 32

TypesConfig /etc/mime.types
<Directory />
    Options None
    AllowOverride None
    Require all denied
</Directory>
<FilesMatch "^\.ht">
    Require all denied
</FilesMatch>

# Log whether the Authorization header reached Apache (never its value).
SetEnvIf Authorization "." why401_auth=present
LogFormat "%h %t \"%r\" %>s %b port=%{local}p auth=%{why401_auth}e" why401

Listen 127.0.0.1:$WP_PORT_STRIPPED
Listen 127.0.0.1:$WP_PORT_PASSAUTH
Listen 127.0.0.1:$WP_PORT_EARLYUSER

$(vhost $WP_PORT_STRIPPED "stripped: the common host default, PHP-FPM does not get Authorization" "" "")

$(vhost $WP_PORT_PASSAUTH "passauth: the fix" "        CGIPassAuth On" "")

$(vhost $WP_PORT_EARLYUSER "earlyuser: passauth + the must-use plugin why401-early-user.php" "        CGIPassAuth On" "    SetEnv WHY401_EARLY_USER 1")
CONF

# Debian's apache2 binary itself needs none of /etc/apache2/envvars as long as the
# config does not reference \${APACHE_*}; clear them so nothing from the system leaks in.
APACHE=(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C apache2 -d "$DIR/apache" -f "$DIR/apache/httpd.conf")
if ! "${APACHE[@]}" -t >"$LOG/apache-configtest.log" 2>&1; then
  show_log "$LOG/apache-configtest.log"; die "apache2 -t failed"
fi
log "starting apache2 ($("${APACHE[@]}" -v | sed -n 's/^Server version: //p')) on 127.0.0.1:$WP_PORT_STRIPPED, :$WP_PORT_PASSAUTH and :$WP_PORT_EARLYUSER"
"${APACHE[@]}" -k start </dev/null >>"$LOG/apache-error.log" 2>&1 || { show_log "$LOG/apache-error.log"; die "apache2 -k start failed"; }
for ((i = 0; i < WAIT_SECS * 5; i++)); do
  pid_alive "$DIR/apache.pid" && all_ports_open && break
  sleep 0.2
done
pid_alive "$DIR/apache.pid" && all_ports_open \
  || { show_log "$LOG/apache-error.log"; die "apache2 not listening after ${WAIT_SECS}s"; }

# ---------------------------------------------------------------- site
log "installing the site (WordPress's installer from PHP CLI)"
if ! php "$HERE/setup-site.php" "$DIR" "$WP_CONFIG_NAME" "127.0.0.1:$WP_PORT_STRIPPED" \
      "$WP_ADMIN_USER" "$WP_ADMIN_PASSWORD" >"$LOG/setup-site.log" 2>&1; then
  show_log "$LOG/setup-site.log"; die "site setup failed"
fi
cat "$LOG/setup-site.log" >&2
APP=$(tr -d ' \n' <"$DIR/app-password")
[ ${#APP} -eq 24 ] || die "unexpected Application Password in $DIR/app-password"

cat >"$DIR/wordpress.env" <<ENV
WHY401_WP_STRIPPED_URL=http://127.0.0.1:$WP_PORT_STRIPPED/
WHY401_WP_PASSAUTH_URL=http://127.0.0.1:$WP_PORT_PASSAUTH/
WHY401_WP_EARLYUSER_URL=http://127.0.0.1:$WP_PORT_EARLYUSER/
WHY401_WP_USER=$WP_ADMIN_USER
WHY401_WP_APP_PASSWORD=$APP
WHY401_WP_LOGIN_PASSWORD=$WP_ADMIN_PASSWORD
WHY401_WP_DIR=$DIR
ENV
chmod 600 "$DIR/wordpress.env"

# ---------------------------------------------------------------- smoke check
code() { curl -s -o /dev/null -w '%{http_code}' --max-time 20 "$@"; }
u="?rest_route=/wp/v2/users/me"
s=$(code -u "$WP_ADMIN_USER:$APP" "http://127.0.0.1:$WP_PORT_STRIPPED/$u")
p=$(code -u "$WP_ADMIN_USER:$APP" "http://127.0.0.1:$WP_PORT_PASSAUTH/$u")
e=$(code -u "$WP_ADMIN_USER:$APP" "http://127.0.0.1:$WP_PORT_EARLYUSER/$u")
if [ "$s" != 401 ] || [ "$p" != 200 ] || [ "$e" != 200 ]; then
  show_log "$LOG/apache-error.log"; show_log "$LOG/php-fpm.log"
  die "smoke check: users/me with the Application Password gave $s on :$WP_PORT_STRIPPED (want 401), $p on :$WP_PORT_PASSAUTH (want 200), $e on :$WP_PORT_EARLYUSER (want 200)"
fi
log "up in $(elapsed) s: users/me with the Application Password -> $s on :$WP_PORT_STRIPPED, $p on :$WP_PORT_PASSAUTH, $e on :$WP_PORT_EARLYUSER"
cat "$DIR/wordpress.env"
