#!/usr/bin/env bash
# The op hot path against its yardsticks (../shared/bench): the same workload
# run by connector-lua (tests/bench/three_workload.lua), by plain C over the
# SQLite C API (the limit) and by SDK-style Python over the sqlite3 module.
# Runs them alternately, PAIRS times each at each N, and prints medians,
# ratios and peak RSS. A benchmark, not a test: it never fails on timing.
#
#   tests/bench/run.sh [PAIRS] [N ...]        defaults: 5 pairs, N = 100000 1000000
#
# Needs a release build in build/ (cmake -S . -B build && cmake --build build),
# gcc, python3 and GNU time (apt-get install time).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/bench/bench_lib.sh
. "$root/tests/bench/bench_lib.sh"
bench_args 5 "$@"

work=$(mktemp -d "${TMPDIR:-/tmp}/clua-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
gcc -O2 -o "$work/limit_workload" "$yard/limit_workload.c" -lsqlite3

printf '%-9s %-12s %9s %11s %9s\n' N runner median_s peak_rss_mb runs
for n in "${sizes[@]}"; do
  printf '{"n": %d}\n' "$n" > "$work/config.json"
  rm -f "$work/clua" "$work/limit" "$work/python"
  for _ in $(seq "$pairs"); do
    measure clua "$clua" "$root/tests/bench/three_workload.lua" --configuration "$work/config.json" --output out
    measure limit "$work/limit_workload" "$n" fresh.db
    measure python python3 "$yard/py_peer.py" "$n" fresh.db
  done
  for r in clua limit python; do
    t=$(cut -d' ' -f1 "$work/$r" | median)
    rss=$(cut -d' ' -f2 "$work/$r" | sort -n | tail -1)
    printf '%-9s %-12s %9.3f %11.1f %9d\n' "$n" "$r" "$t" "$(echo "$rss / 1024" | bc -l)" "$pairs"
    eval "med_$r=$t"
  done
  printf '%-9s connector-lua / limit = %.2f   python / connector-lua = %.2f\n\n' "$n" \
    "$(echo "$med_clua / $med_limit" | bc -l)" "$(echo "$med_python / $med_clua" | bc -l)"
done

# Start-up: connector-lua scripts/three.lua from start to exit, median of 30.
rm -f "$work/start"
for _ in $(seq 30); do measure start "$clua" "$root/scripts/three.lua" --output out; done
printf 'start-up: scripts/three.lua median %.1f ms\n' "$(cut -d' ' -f1 "$work/start" | median | awk '{print $1 * 1000}')"
