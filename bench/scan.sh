#!/usr/bin/env bash
# why401 scan throughput and memory against the lab on loopback (DESIGN.md §7:
# thousands of targets a minute, bounded memory, per-host limits).
#
#   bench/scan.sh [TARGETS] [WORKERS] [PER_HOST]     defaults: 3000 16 16
#
# The lab is one host, so --per-host bounds the concurrency here; real lists
# spread over many hosts.
set -euo pipefail
n=${1:-3000}; workers=${2:-16}; perhost=${3:-16}
cd "$(dirname "$0")/.."
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
dir=$(mktemp -d)
go build -o "$dir/why401" ./cmd/why401
port=$((20000 + RANDOM % 20000))
"$dir/why401" lab --addr 127.0.0.1:$port -q >/dev/null 2>&1 &
lab=$!
trap 'kill $lab 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 50); do curl -sk -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
paths=(public/ basic/none/ bare/ api/invalid cacheable/ intranet/ admin/ proxy/)
for i in $(seq "$n"); do
  echo "https://127.0.0.1:$((port + 1))/${paths[$((i % ${#paths[@]}))]}"
done >"$dir/targets.txt"
/usr/bin/time -v "$dir/why401" scan -k -f "$dir/targets.txt" --workers "$workers" --per-host "$perhost" \
  >"$dir/out.jsonl" 2>"$dir/err.txt" || true
lines=$(wc -l <"$dir/out.jsonl")
secs=$(grep 'Elapsed (wall clock)' "$dir/err.txt" | awk '{print $NF}' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
rss=$(grep 'Maximum resident set size' "$dir/err.txt" | awk '{print $NF}')
echo "targets=$n results=$lines workers=$workers per-host=$perhost wall=${secs}s" \
  "rate=$(awk -v n="$lines" -v s="$secs" 'BEGIN{printf "%.0f", n/s*60}')/min peak_rss=$((rss / 1024))MiB"
grep -v '^\s' "$dir/err.txt" | grep -v 'Command being timed' | head -3 || true
