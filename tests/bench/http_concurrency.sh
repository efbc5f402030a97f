#!/usr/bin/env bash
# Concurrent HTTP against its ideal: a loopback server (tests/http/server.py,
# 127.0.0.1 only) answers each page after DELAY ms; the connector
# tests/bench/http_concurrency.lua reads N pages one request at a time and
# then with http.request_all at concurrency C. Prints each wall time, the
# ideal N x DELAY / C, the ratio to it and the speed-up over one at a time.
# A benchmark, not a test: it never fails on timing.
#
#   tests/bench/http_concurrency.sh [N] [DELAY_MS] [C] [RUNS]   defaults: 400 50 16 3
#
# Needs a release build in build/ (cmake -S . -B build && cmake --build build)
# and python3.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
n=${1:-400} delay=${2:-50} conc=${3:-16} runs=${4:-3}
clua=$root/build/connector-lua
[ -x "$clua" ] || { echo "build connector-lua first: cmake -S . -B build && cmake --build build" >&2; exit 2; }
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy no_proxy NO_PROXY

work=$(mktemp -d "${TMPDIR:-/tmp}/clua-httpbench.XXXXXX")
python3 "$root/tests/http/server.py" --port-file "$work/port" --lifetime 3600 2> "$work/server.err" &
server=$!
trap 'kill $server 2> /dev/null; rm -rf "$work"' EXIT
for _ in $(seq 200); do [ -s "$work/port" ] && break; sleep 0.025; done
[ -s "$work/port" ] || { echo "the server did not start: $(cat "$work/server.err")" >&2; exit 1; }
base="http://127.0.0.1:$(cat "$work/port")"

# seconds C: the wall time of one run of the connector at concurrency C.
seconds() {
  printf '{"base_url": "%s", "pages": "%s", "ms": "%s", "concurrency": "%s"}' \
    "$base" "$n" "$delay" "$1" > "$work/conf.json"
  rm -rf "$work/out"
  local t0 t1
  t0=$(date +%s%N)
  "$clua" "$root/tests/bench/http_concurrency.lua" --configuration "$work/conf.json" \
    --output "$work/out" > /dev/null 2> "$work/err" || { echo "the run failed:" >&2; cat "$work/err" >&2; exit 1; }
  t1=$(date +%s%N)
  grep -q "pages $n" "$work/err" || { echo "the run did not read $n pages" >&2; exit 1; }
  echo "($t1 - $t0) / 1000000000" | bc -l
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

one=$(seconds 1)
: > "$work/all"
for _ in $(seq "$runs"); do seconds "$conc" >> "$work/all"; done
all=$(median < "$work/all")
awk -v n="$n" -v d="$delay" -v c="$conc" -v one="$one" -v all="$all" -v runs="$runs" 'BEGIN {
  ideal1 = n * d / 1000; idealc = ideal1 / c
  printf "%d pages, each answered after %d ms, over loopback\n", n, d
  printf "%-34s %8s %8s %9s\n", "", "seconds", "ideal", "/ ideal"
  printf "%-34s %8.2f %8.2f %9.2f\n", "one at a time (http.request)", one, ideal1, one / ideal1
  printf "%-34s %8.2f %8.2f %9.2f\n", "http.request_all, concurrency " c, all, idealc, all / idealc
  printf "speed-up over one at a time: %.1fx (median of %d runs of request_all)\n", one / all, runs
}'
