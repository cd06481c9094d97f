#!/usr/bin/env bash
# Time to a full credentialed diagnosis, side by side with curl --anyauth,
# against the lab with a fixed latency per response (DESIGN.md §7).
#
#   bench/diagnose.sh [RUNS] [LATENCY]      defaults: 20 runs, 100ms
#
# Target: why401 ≤ 2.5 round trips (2.5 × LATENCY) and ≤ 1.1 × curl's time.
# Everything runs on loopback.
set -euo pipefail
runs=${1:-20}
latency=${2:-100ms}
cd "$(dirname "$0")/.."
command -v curl >/dev/null || { apt-get update -qq && apt-get install -y -qq curl >/dev/null; }
bin=$(mktemp -d)/why401
go build -o "$bin" ./cmd/why401
port=$((20000 + RANDOM % 20000))
"$bin" lab --addr 127.0.0.1:$port --latency "$latency" -q >/dev/null 2>&1 &
lab=$!
trap 'kill $lab 2>/dev/null; rm -rf "$(dirname "$bin")"' EXIT
for _ in $(seq 50); do curl -sk -o /dev/null "https://127.0.0.1:$((port + 1))/public/" && break; sleep 0.1; done
lat_ms=$(echo "$latency" | sed 's/ms$//')

# ms PROGRAM…: wall time of one run in milliseconds.
ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N); echo $(((e - s) / 1000000)); }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }

printf '%-18s %-9s %10s %10s %8s %12s\n' scenario latency "curl ms" "why401 ms" ratio "why401 RTs"
for sc in basic/accepted digest/accepted basic/rejected; do
  url="https://127.0.0.1:$((port + 1))/$sc/"
  pass='correct horse'; [ "$sc" = basic/rejected ] && pass='wrong horse'
  c=(); w=()
  for _ in $(seq "$runs"); do
    c+=("$(ms curl -sk --anyauth -u "alice:$pass" "$url")")
    w+=("$(ms "$bin" "$url" -k -u "alice:$pass" --json)")
  done
  cm=$(printf '%s\n' "${c[@]}" | median); wm=$(printf '%s\n' "${w[@]}" | median)
  printf '%-18s %-9s %10s %10s %8s %12s\n' "$sc" "$latency" "$cm" "$wm" \
    "$(awk -v a="$wm" -v b="$cm" 'BEGIN{printf "%.2f", a/b}')" \
    "$(awk -v a="$wm" -v l="$lat_ms" 'BEGIN{printf "%.2f", a/l}')"
done
echo "(median of $runs runs each, curl $(curl --version | head -1 | cut -d' ' -f2), $(nproc) cores)"
