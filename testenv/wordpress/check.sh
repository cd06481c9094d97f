#!/bin/bash
# check.sh DIR — the observations README.md records, re-run against a running
# up.sh DIR instance: prints one line per request and exits 1 if any differs.
#   -v  also print the full response headers and bodies
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd -P)
# shellcheck source=common.sh
. "$HERE/common.sh"

VERBOSE=0
[ "${1:-}" = -v ] && { VERBOSE=1; shift; }
[ $# -eq 1 ] || { echo "usage: $0 [-v] DIR" >&2; exit 2; }
DIR=$(cd "$1" && pwd -P) || exit 2
[ -s "$DIR/wordpress.env" ] || die "$DIR/wordpress.env missing: run up.sh $DIR first"
# shellcheck disable=SC1091
. "$DIR/wordpress.env"
APP=$WHY401_WP_APP_PASSWORD
WRONG=Wr0ngWr0ngWr0ngWr0ng1234       # 24 characters like an Application Password, not ours
NOUSER=why401-nosuchuser
S=http://127.0.0.1:$WP_PORT_STRIPPED
P=http://127.0.0.1:$WP_PORT_PASSAUTH
E=http://127.0.0.1:$WP_PORT_EARLYUSER
ME='?rest_route=/wp/v2/users/me'
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
fails=0

# req: run curl, leave headers in $TMP/h and body in $TMP/b; echo status
req() { curl -s --max-time 20 -D "$TMP/h" -o "$TMP/b" -w '%{http_code}' "$@"; }
hdr() { grep -i "^$1:" "$TMP/h" | head -1 | tr -d '\r' | sed 's/^[^:]*: *//'; }
summary() { # one-line description of the body
  local b; b=$(cat "$TMP/b")
  if [[ $b == *'<fault>'* ]]; then
    printf 'fault %s "%s"' "$(sed -n 's:.*<int>\([0-9]*\)</int>.*:\1:p' "$TMP/b" | head -1)" \
      "$(tr -d '\n' <"$TMP/b" | sed -n 's:.*faultString</name>[^<]*<value><string>\([^<]*\)</string>.*:\1:p')"
  elif [[ $b == *'<methodResponse>'* ]]; then
    printf 'success isAdmin=%s' "$(tr -d '\n' <"$TMP/b" | sed -n 's:.*isAdmin</name><value><boolean>\([01]\)</boolean>.*:\1:p')"
  elif [[ $b == '{"code":'* ]]; then
    printf 'code=%s' "$(sed -n 's/^{"code":"\([^"]*\)".*/\1/p' "$TMP/b")"
  elif [[ $b == '{"id":'* ]]; then
    printf 'user id=%s slug=%s' "$(sed -n 's/^{"id":\([0-9]*\).*/\1/p' "$TMP/b")" "$(sed -n 's/.*"slug":"\([^"]*\)".*/\1/p' "$TMP/b")"
  elif [[ $b == '{"sapi":'* ]]; then
    printf '%s' "$b" | tr -d '\n'
  else
    printf '%s' "$(head -c 80 "$TMP/b" | tr -d '\n')"
  fi
}
# expect NAME WANT_STATUS WANT_SUMMARY_SUBSTRING curl-args...
expect() {
  local name=$1 want=$2 wantsum=$3; shift 3
  local st sum wa link
  st=$(req "$@"); sum=$(summary)
  wa=$(hdr WWW-Authenticate); link=$(hdr Link)
  if [ "$st" = "$want" ] && [[ $sum == *"$wantsum"* ]]; then r=ok; else r=FAIL; fails=$((fails + 1)); fi
  printf '%-4s %-58s %s %s | WWW-Authenticate: %s | Link: %s\n' "$r" "$name" "$st" "$sum" "${wa:-(none)}" "${link:-(none)}"
  if [ "$VERBOSE" = 1 ] || [ "$r" = FAIL ]; then
    sed 's/^/      < /' "$TMP/h" | tr -d '\r' | grep -v -iE '^      < (date|connection|keep-alive):'
    sed 's/^/      | /' "$TMP/b" | head -c 2000; echo
  fi
}
xmlrpc_body() {
  printf '<?xml version="1.0"?><methodCall><methodName>wp.getUsersBlogs</methodName><params><param><value><string>%s</string></value></param><param><value><string>%s</string></value></param></params></methodCall>' "$1" "$2"
}
xr() { xmlrpc_body "$2" "$3" >"$TMP/x"; req_args=(-H 'Content-Type: text/xml' --data-binary "@$TMP/x" "$1/xmlrpc.php"); }

echo "== the header itself: what PHP sees (diagnostic probe, not WordPress)"
expect "stripped  probe, Basic"                  200 '"PHP_AUTH_USER":false' -u "admin:$APP" "$S/wp-content/probe/authprobe.php"
expect "stripped  probe, Bearer"                 200 '"HTTP_AUTHORIZATION":false' -H 'Authorization: Bearer x' "$S/wp-content/probe/authprobe.php"
expect "passauth  probe, Basic"                  200 '"PHP_AUTH_USER":true' -u "admin:$APP" "$P/wp-content/probe/authprobe.php"
expect "passauth  probe, Bearer"                 200 '"HTTP_AUTHORIZATION":true' -H 'Authorization: Bearer x' "$P/wp-content/probe/authprobe.php"

echo "== REST /wp/v2/users/me"
for base in "$S" "$P" "$E"; do
  case $base in "$S") n=stripped; okst=401; oksum=code=rest_not_logged_in; wrong=rest_not_logged_in; nouser=rest_not_logged_in ;;
                "$P") n=passauth; okst=200; oksum="user id=1 slug=admin"; wrong=rest_not_logged_in; nouser=rest_not_logged_in ;;
                "$E") n=earlyuser; okst=200; oksum="user id=1 slug=admin"; wrong=incorrect_password; nouser=invalid_username ;; esac
  expect "$n rest right app password"              $okst "$oksum"            -u "admin:$APP" "$base/$ME"
  expect "$n rest right app password /wp-json/"    $okst "$oksum"            -u "admin:$APP" "$base/wp-json/wp/v2/users/me"
  expect "$n rest wrong app password"              401 "code=$wrong"         -u "admin:$WRONG" "$base/$ME"
  expect "$n rest unknown user"                    401 "code=$nouser"        -u "$NOUSER:$APP" "$base/$ME"
  expect "$n rest login password (not app)"        401 "code=$wrong"         -u "admin:$WHY401_WP_LOGIN_PASSWORD" "$base/$ME"
  expect "$n rest no credentials"                  401 code=rest_not_logged_in "$base/$ME"
done

echo "== XML-RPC wp.getUsersBlogs (credentials in the body)"
for base in "$S" "$P"; do
  case $base in "$S") n=stripped ;; "$P") n=passauth ;; esac
  xr "$base" admin "$APP";                          expect "$n xmlrpc right app password"   200 "success isAdmin=1" "${req_args[@]}"
  xr "$base" admin "$WRONG";                        expect "$n xmlrpc wrong app password"   200 'fault 403 "Incorrect username or password."' "${req_args[@]}"
  xr "$base" "$NOUSER" "$APP";                      expect "$n xmlrpc unknown user"         200 'fault 403 "Incorrect username or password."' "${req_args[@]}"
  xr "$base" admin "$WHY401_WP_LOGIN_PASSWORD";     expect "$n xmlrpc login password"       200 "success isAdmin=1" "${req_args[@]}"
done

echo "== detection signals"
expect "stripped  home page"                      200 '<!DOCTYPE html>' "$S/"
grep -q '<meta name="generator" content="WordPress ' "$TMP/b" && echo "ok   home page has <meta name=\"generator\" content=\"$(sed -n 's/.*<meta name="generator" content="\([^"]*\)".*/\1/p' "$TMP/b" | head -1)\">" || { echo "FAIL home page has no generator meta"; fails=$((fails + 1)); }
expect "stripped  /wp-json/ index"                200 '{"name":"why401 test site"' "$S/wp-json/"
expect "stripped  wp-admin/ redirects to login"   302 '' "$S/wp-admin/"
echo "     Location: $(hdr Location)"

if [ "$fails" -gt 0 ]; then echo "check.sh: $fails observation(s) differ" >&2; exit 1; fi
echo "check.sh: all observations as recorded"
