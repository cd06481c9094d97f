#!/bin/sh
# check.sh: the curl and dig answers documented in nginx/nginx.conf.in, apache/httpd.conf.in and
# dnsmasq/*.conf, checked against the running servers (after testenv/up.sh). Prints one line per check
# and exits 1 if any differs. Loopback only.
#
#   testenv/up.sh && testenv/check.sh
set -u
PROG=check.sh
. "$(dirname -- "$0")/lib.sh"

N=http://127.0.0.1:18080
A=http://127.0.0.1:18180
fails=0
LATIN1=$(printf 'p\344ssw\366rd')
UTF8=$(printf 'p\303\244ssw\303\266rd')

# expect WANT_STATUS HEADER_REGEX|- CURL_ARGS...: the last response's status and (grep -E, case-insensitive)
# one of its header lines.
expect() {
	_want=$1 _re=$2; shift 2
	_out=$(curl -sS -m 5 -D - -o /dev/null "$@" 2>&1 | tr -d '\r')
	_got=$(printf '%s\n' "$_out" | awk '/^HTTP\//{s=$2} END{print s}')
	_ok=1
	[ "$_got" = "$_want" ] || _ok=0
	if [ "$_re" != - ]; then
		_last=$(printf '%s\n' "$_out" | awk '/^HTTP\//{b=""} {b=b $0 "\n"} END{printf "%s", b}')
		case $_re in
		!*) printf '%s' "$_last" | grep -qiE "${_re#!}" && _ok=0 ;;
		*) printf '%s' "$_last" | grep -qiE "$_re" || _ok=0 ;;
		esac
	fi
	if [ $_ok = 1 ]; then echo "ok   $_want $_re  <- curl $*"; else
		echo "FAIL got $_got, want $_want $_re  <- curl $*"; fails=$((fails + 1)); fi
}

# dnsexpect PORT NAME TYPE WANT: dig's status and sorted answers, space-separated.
dnsexpect() {
	_r=$(dig +time=2 +tries=1 -p "$1" @127.0.0.1 "$2" "$3" 2>&1)
	_st=$(printf '%s\n' "$_r" | sed -n 's/.*status: \([A-Z]*\).*/\1/p')
	_ans=$(printf '%s\n' "$_r" | awk -v t="$3" '!/^;/ && $3=="IN" && $4==t {print $5}' | sort -V | tr '\n' ' ' | sed 's/ $//')
	_got="$_st${_ans:+ $_ans}"
	if [ "$_got" = "$4" ]; then echo "ok   dig -p $1 $2 $3 = $4"; else
		echo "FAIL dig -p $1 $2 $3 = $_got; want $4"; fails=$((fails + 1)); fi
}

echo "# nginx"
expect 401 '^WWW-Authenticate: Basic realm="Reports"$' $N/basic/
expect 200 - -u alice:hunter2 $N/basic/
expect 401 'Basic realm="Reports"' -u alice:wrong $N/basic/
expect 200 - -u "bob:$UTF8" $N/basic/
expect 401 - -u "bob:$LATIN1" $N/basic/
expect 200 - -u "carol:$LATIN1" $N/basic/
expect 401 - -u "carol:$UTF8" $N/basic/
expect 401 '^WWW-Authenticate: Basic realm="Reports", charset="UTF-8"$' $N/basic-utf8/
expect 200 - -u alice:hunter2 $N/basic-utf8/
expect 401 '^Age: 120$' $N/cached/
expect 401 '^X-Cache: HIT$' $N/cached/
expect 401 '^Cache-Control: public, max-age=600$' $N/cached/
expect 401 '^WWW-Authenticate: Basic realm="cached"$' $N/cached/
expect 200 '^X-Cache: MISS$' "$N/cached/?cb=1"
expect 401 '!^Age:' $N/cacheable/
expect 401 '^Cache-Control: public, max-age=600$' $N/cacheable/
expect 200 '^Cache-Control: public, max-age=600$' -u alice:hunter2 $N/vary-missing/
expect 200 '!^Vary:' -u alice:hunter2 $N/vary-missing/
expect 200 - $N/login-page/
expect 401 '!^WWW-Authenticate' $N/noauth-challenge/
expect 401 '^X-Api-Key-Seen: absent$' -H 'X_API_KEY: s3cret' $N/underscore/
expect 200 '^X-Api-Key-Seen: valid$' -H 'X-Api-Key: s3cret' $N/underscore/
expect 200 '^X-Api-Key-Seen: valid$' -H 'X_API_KEY: s3cret' http://127.0.0.1:18081/underscore/
expect 301 '^Location: http://127.0.0.1:18082/basic/$' $N/redirect-http/
expect 401 '^WWW-Authenticate: Basic realm="Reports"$' -L -u alice:hunter2 $N/redirect-http/
expect 200 - -L --location-trusted -u alice:hunter2 $N/redirect-http/
expect 200 - -L -u alice:hunter2 $N/redirect-same/
expect 200 '^X-Backend: a$' -u alice:hunter2 --resolve app.why401.test:18084:127.0.0.2 http://app.why401.test:18084/
expect 401 '^X-Backend: b$' -u alice:hunter2 --resolve app.why401.test:18084:127.0.0.3 http://app.why401.test:18084/
expect 401 'realm="App \(old\)"' -u alice:hunter2 --resolve app.why401.test:18084:127.0.0.4 http://app.why401.test:18084/
if [ -e "${WHY401_TESTENV_DIR:-/tmp/why401-testenv}/nginx/ipv6" ]; then
	expect 401 'realm="App \(v6\)"' -u alice:hunter2 -g 'http://[::1]:18084/'
fi

echo "# apache"
expect 401 '^WWW-Authenticate: Digest realm="digest-realm", nonce="[^"]+", algorithm=MD5, domain="/digest/", qop="auth"$' $A/digest/
expect 200 '^Authentication-Info: rspauth=' --digest -u alice:hunter2 $A/digest/
expect 401 '^WWW-Authenticate: Digest ' --digest -u alice:wrong $A/digest/
expect 200 - --digest -u "bob:$UTF8" $A/digest/
expect 401 '^WWW-Authenticate: Digest realm="digest-realm".*domain="/digest-stale/"' $A/digest-stale/
expect 200 - --digest -u alice:hunter2 $A/digest-stale/
expect 401 '^WWW-Authenticate: Basic realm="apache-basic"$' $A/basic/
expect 200 - -u alice:hunter2 $A/basic/

echo "# dnsmasq"
dnsexpect 15353 app.why401.test A "NOERROR 127.0.0.2 127.0.0.3"
dnsexpect 15354 app.why401.test A "NOERROR 127.0.0.4"
dnsexpect 15353 www.why401.test A "NOERROR 127.0.0.2 127.0.0.3"
dnsexpect 15354 www.why401.test A "NOERROR 127.0.0.4"
dnsexpect 15353 same.why401.test A "NOERROR 127.0.0.2"
dnsexpect 15354 same.why401.test A "NOERROR 127.0.0.2"
dnsexpect 15353 dual.why401.test A "NOERROR 127.0.0.2"
dnsexpect 15353 dual.why401.test AAAA "NOERROR ::1"
dnsexpect 15353 gone.why401.test A "NXDOMAIN"
dnsexpect 15354 gone.why401.test A "NXDOMAIN"
dnsexpect 15353 example.com A "REFUSED"
dnsexpect 15353 many.why401.test A "NOERROR $(seq -f '127.0.1.%g' 1 50 | tr '\n' ' ' | sed 's/ $//')"
ttl=$(dig +noall +answer -p 15354 @127.0.0.1 app.why401.test A | awk '{print $2}')
if [ "$ttl" = 3600 ]; then echo "ok   stale TTL 3600"; else echo "FAIL stale TTL $ttl; want 3600"; fails=$((fails + 1)); fi
ttl=$(dig +noall +answer -p 15353 @127.0.0.1 app.why401.test A | awk 'NR==1{print $2}')
if [ "$ttl" = 60 ]; then echo "ok   current TTL 60"; else echo "FAIL current TTL $ttl; want 60"; fails=$((fails + 1)); fi

if [ $fails -gt 0 ]; then echo "$PROG: $fails check(s) failed" >&2; exit 1; fi
echo "$PROG: all checks passed"
