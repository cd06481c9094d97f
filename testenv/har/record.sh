#!/bin/sh
# record.sh: record the browser fixtures of `why401 har` (har/testdata/browser/) with a real
# Chromium against the lab, on loopback.
#
#   testenv/har/record.sh                  # record into har/testdata/browser/
#   OUT=/tmp/hars testenv/har/record.sh    # somewhere else, to compare
#
# What it does, and how to re-record:
#   1. needs Debian's Chromium (/usr/bin/chromium: sudo testenv/chromium/install.sh), Node.js and npm
#      (apt-get install nodejs npm), and Go;
#   2. installs npm's playwright-core (pinned below; it downloads no browser) into a work directory
#      outside the repository (WORK, default /tmp/why401-har-record);
#   3. builds why401 and starts the lab: `why401 lab --addr 127.0.0.1:0 -q` (the same program as
#      `go run ./cmd/why401 lab`), on free loopback ports it prints; the recordings carry those
#      ports, which is fine: `why401 har` diagnoses offline and never connects to them;
#   4. runs record.mjs, which drives Chromium (--headless --no-sandbox --disable-gpu --disable-quic
#      --no-first-run --disable-background-networking --disable-component-update --disable-sync, a
#      fresh user-data-dir per recording) through each scenario with Playwright's recordHar;
#   5. writes the sanitized variants: `why401 har sanitize` of cookie-cleared.har, and a
#      Chromium-like export without Cookie, Set-Cookie and Authorization (record.mjs);
#   6. scrubs what is machine-specific: the Chromium build in the User-Agent and log.browser, and
#      Playwright's version, become fixed strings, so a re-recording differs only where the
#      browser's behaviour does; then stops the lab (by its pid) and checks the files diagnose.
#
# After re-recording, run `go test ./internal/cli -run TestBrowserFixtures`: it asserts the exact
# finding IDs and verdict of each fixture; a change there is a change in Chromium's behaviour or in
# why401's, to be read before the expectations are updated.
#
# The files hold only lab test data (the lab's account, a deliberately wrong password, a revoked
# token, a dead session cookie) exchanged with 127.0.0.1 and localhost.
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${OUT:-$ROOT/har/testdata/browser}
WORK=${WORK:-/tmp/why401-har-record}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
PLAYWRIGHT_VERSION=1.65.1

[ -x "$CHROMIUM" ] || { echo "record.sh: $CHROMIUM missing: run sudo testenv/chromium/install.sh" >&2; exit 1; }
command -v node >/dev/null && command -v npm >/dev/null || { echo "record.sh: needs node and npm" >&2; exit 1; }

mkdir -p "$WORK" "$OUT"
if [ ! -f "$WORK/node_modules/playwright-core/package.json" ] ||
	[ "$(node -p "require('$WORK/node_modules/playwright-core/package.json').version")" != "$PLAYWRIGHT_VERSION" ]; then
	echo "record.sh: installing playwright-core@$PLAYWRIGHT_VERSION into $WORK" >&2
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --prefix "$WORK" --no-audit --no-fund --silent \
		"playwright-core@$PLAYWRIGHT_VERSION" >&2
fi
cp "$ROOT/testenv/har/record.mjs" "$WORK/record.mjs" # so that it resolves $WORK/node_modules

(cd "$ROOT" && go build -o "$WORK/why401" ./cmd/why401)

# The lab, on free loopback ports; its first line names them.
"$WORK/why401" lab --addr 127.0.0.1:0 -q >"$WORK/lab.out" 2>"$WORK/lab.err" &
LAB_PID=$!
trap 'kill "$LAB_PID" 2>/dev/null || true' EXIT INT TERM
i=0
until LAB_HTTPS=$(sed -n 's/.* and \(https:\/\/127\.0\.0\.1:[0-9]*\) .*/\1/p' "$WORK/lab.out") && [ -n "$LAB_HTTPS" ]; do
	i=$((i + 1))
	[ $i -lt 100 ] || { echo "record.sh: the lab did not start:" >&2; cat "$WORK/lab.err" >&2; exit 1; }
	kill -0 "$LAB_PID" 2>/dev/null || { echo "record.sh: the lab exited:" >&2; cat "$WORK/lab.err" >&2; exit 1; }
	sleep 0.1
done
echo "record.sh: lab on $LAB_HTTPS" >&2

LAB_HTTPS=$LAB_HTTPS OUT=$OUT CHROMIUM=$CHROMIUM node "$WORK/record.mjs"

kill "$LAB_PID" 2>/dev/null || true
wait "$LAB_PID" 2>/dev/null || true
trap - EXIT INT TERM

# Machine-specific strings: the browser build and Playwright's version.
for f in "$OUT"/*.har; do
	node -e '
		const fs = require("fs"), f = process.argv[1];
		let s = fs.readFileSync(f, "utf8");
		s = s.replace(/(HeadlessChrome|Chrome)\/[0-9.]+/g, "$1/156.0.0.0");
		const har = JSON.parse(s);
		if (har.log.browser) har.log.browser.version = "156.0.0.0";
		if (har.log.creator && har.log.creator.name === "Playwright") har.log.creator.version = "1.65";
		fs.writeFileSync(f, JSON.stringify(har, null, 2) + "\n");
	' "$f"
done

"$WORK/why401" har sanitize "$OUT/cookie-cleared.har" -o "$OUT/cookie-cleared.why401-sanitized.har"

for f in "$OUT"/*.har; do
	printf '%s: ' "$(basename "$f")"
	"$WORK/why401" har "$f" --json | node -e '
		let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
			const d = JSON.parse(s);
			console.log(d.reports.map(r => "entry " + r.har.entry + " " + (r.verdict.id || "-")).join(", ") || "no refusal");
		});' || true
done
