#!/usr/bin/env bash
# bench/har/run.sh — count the 401s of a generated Chrome-like HAR with jq and
# with why401's streaming reader, side by side, and check the targets of
# issue 6: at least 5× faster than jq, peak memory at most 64 MiB.
#
#   bash bench/har/run.sh            # 300 MB, best of 3 runs each
#   SIZE_MB=1024 RUNS=1 bash bench/har/run.sh
#
# The why401 side is bench/har/count (har.Read, printing the counts as JSON)
# until `why401 har --json` exists; then set WHY401_CMD to that command
# (it is run as: $WHY401_CMD FILE).
#
# Wall time is what the targets speak of; CPU time (user + sys) is printed
# too, as it is steadier on a shared machine. Exits 1 when a target is
# missed or the counts disagree.
set -euo pipefail

SIZE_MB=${SIZE_MB:-300}
RUNS=${RUNS:-3}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/why401-bench-har.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

need() { # need COMMAND PACKAGE: install a Debian package if the command is missing
	command -v "$1" >/dev/null 2>&1 && return
	echo "installing $2" >&2
	apt-get install -y "$2" >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y "$2" >/dev/null; }
}
need jq jq
[ -x /usr/bin/time ] || need /usr/bin/time time

cd "$ROOT"
go build -o "$WORK/gen" ./bench/har/gen
go build -o "$WORK/count" ./bench/har/count
WHY401_CMD=${WHY401_CMD:-$WORK/count}

HAR="$WORK/chrome-${SIZE_MB}mb.har"
"$WORK/gen" -mb "$SIZE_MB" -o "$HAR" 2>"$WORK/gen.log"
cat "$WORK/gen.log" >&2
BYTES=$(stat -c %s "$HAR")
cat "$HAR" >/dev/null # into the page cache: both tools read it warm

# measure NAME CMD…: runs CMD $RUNS times under /usr/bin/time -v; keeps the
# best wall time, its CPU time, the highest peak RSS and the output.
measure() {
	local name=$1
	shift
	local best="" cpu="" rss=0
	for _ in $(seq "$RUNS"); do
		/usr/bin/time -v -o "$WORK/$name.time" "$@" >"$WORK/$name.out"
		local wall user sys kb
		wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,t,":"); s=0; for(i=1;i<=n;i++) s=s*60+t[i]; print s}' "$WORK/$name.time")
		user=$(awk -F': ' '/User time/ {print $2}' "$WORK/$name.time")
		sys=$(awk -F': ' '/System time/ {print $2}' "$WORK/$name.time")
		kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/$name.time")
		if [ -z "$best" ] || awk -v a="$wall" -v b="$best" 'BEGIN{exit !(a<b)}'; then
			best=$wall
			cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN{printf "%.2f", u+s}')
		fi
		[ "$kb" -gt "$rss" ] && rss=$kb
	done
	printf '%s %s %s %s\n' "$name" "$best" "$cpu" "$rss" >>"$WORK/results"
}

measure jq jq '[.log.entries[]|select(.response.status==401)]|length' "$HAR"
# shellcheck disable=SC2086 # WHY401_CMD may hold arguments
measure why401 $WHY401_CMD "$HAR"

JQ_401=$(tr -d '[:space:]' <"$WORK/jq.out")
WHY_401=$(jq '.status_counts["401"] // 0' "$WORK/why401.out")

read -r _ jq_wall jq_cpu jq_rss < <(grep '^jq ' "$WORK/results")
read -r _ w_wall w_cpu w_rss < <(grep '^why401 ' "$WORK/results")

echo
echo "HAR: $BYTES bytes ($SIZE_MB MiB asked), $(nproc) CPUs, $(go version | cut -d' ' -f3), $(jq --version); best of $RUNS runs"
printf '%-8s %10s %10s %12s %8s %8s\n' tool "wall (s)" "cpu (s)" "peak RSS" MB/s "401s"
for t in jq why401; do
	if [ $t = jq ]; then wall=$jq_wall cpu=$jq_cpu rss=$jq_rss n=$JQ_401; else wall=$w_wall cpu=$w_cpu rss=$w_rss n=$WHY_401; fi
	printf '%-8s %10.2f %10.2f %8.1f MiB %8.0f %8s\n' $t "$wall" "$cpu" "$(awk -v k="$rss" 'BEGIN{print k/1024}')" \
		"$(awk -v b="$BYTES" -v s="$wall" 'BEGIN{print (s>0 ? b/1048576/s : 0)}')" "$n"
done
SPEEDUP=$(awk -v a="$jq_wall" -v b="$w_wall" 'BEGIN{printf "%.1f", (b>0 ? a/b : 0)}')
CPU_SPEEDUP=$(awk -v a="$jq_cpu" -v b="$w_cpu" 'BEGIN{printf "%.1f", (b>0 ? a/b : 0)}')
echo "speed-up: ${SPEEDUP}× wall, ${CPU_SPEEDUP}× CPU (target ≥ 5× wall); why401 peak RSS $((w_rss / 1024)) MiB (target ≤ 64 MiB)"

status=0
if [ "$JQ_401" != "$WHY_401" ]; then
	echo "FAIL: jq counts $JQ_401 401s, why401 $WHY_401" >&2
	status=1
fi
if ! awk -v s="$SPEEDUP" 'BEGIN{exit !(s>=5)}'; then
	echo "FAIL: less than 5× faster than jq" >&2
	status=1
fi
if [ "$w_rss" -gt $((64 * 1024)) ]; then
	echo "FAIL: peak RSS above 64 MiB" >&2
	status=1
fi
exit $status
