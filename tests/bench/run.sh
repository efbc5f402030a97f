#!/usr/bin/env bash
# The op hot path against its yardsticks (../shared/bench): the same workload
# run by connector-lua (tests/bench/three_workload.lua); by that connector
# with every op.* an empty function (the script alone); by plain C over the
# SQLite C API with the runtime's own SQLite settings (the tuned limit) and
# with SQLite's defaults (the limit); and by SDK-style Python over the
# sqlite3 module. Runs them alternately, PAIRS times each at each N, and
# prints medians of wall and CPU time (user + system), their ratios, peak
# RSS and the op path's own cost: (connector-lua - script alone) / tuned
# limit, in wall and in CPU time. A benchmark, not a test: it never fails
# on timing.
#
#   tests/bench/run.sh [PAIRS] [N ...]        defaults: 5 pairs, N = 100000 1000000
#
# SKIP_PYTHON=1 leaves out the Python peer and the untuned limit (the two
# slowest runs, not needed for the op path's ratio). Needs a release build
# in build/ (cmake -S . -B build && cmake --build build), gcc, python3 and
# GNU time (apt-get install time).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/bench/bench_lib.sh
. "$root/tests/bench/bench_lib.sh"
bench_args 5 "$@"

work=$(mktemp -d "${TMPDIR:-/tmp}/clua-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
gcc -O2 -o "$work/limit_workload" "$yard/limit_workload.c" -lsqlite3

# The tuned limit runs with the SQLite settings the runtime sets when it
# opens a database, read from its source so the two cannot drift apart
# (journal_mode and synchronous are the limit's own already).
tuned=()
while read -r pragma; do
  tuned+=(--pragma "$pragma")
done < <(grep -o 'PRAGMA [a-z_]*=-\?[0-9][0-9]*' "$root/runtime/store/store_sqlite.c")
[ ${#tuned[@]} -gt 0 ] || { echo "no PRAGMA settings found in runtime/store/store_sqlite.c" >&2; exit 2; }
echo "tuned limit: ${tuned[*]}"

runners=(clua alone tuned)
[ "${SKIP_PYTHON:-0}" = 1 ] || runners+=(limit python)

printf '%-9s %-12s %9s %8s %9s %8s %11s %5s\n' N runner median_s /tuned cpu_s /tuned peak_rss_mb runs
for n in "${sizes[@]}"; do
  printf '{"n": %d}\n' "$n" > "$work/config.json"
  printf '{"n": %d, "script_alone": true}\n' "$n" > "$work/alone.json"
  for r in "${runners[@]}"; do rm -f "$work/$r"; done
  for _ in $(seq "$pairs"); do
    for r in "${runners[@]}"; do
      case $r in
        clua) measure clua "$clua" "$root/tests/bench/three_workload.lua" --configuration "$work/config.json" --output out ;;
        alone) measure alone "$clua" "$root/tests/bench/three_workload.lua" --configuration "$work/alone.json" --output out ;;
        tuned) measure tuned "$work/limit_workload" "$n" fresh.db "${tuned[@]}" ;;
        limit) measure limit "$work/limit_workload" "$n" fresh.db ;;
        python) measure python python3 "$yard/py_peer.py" "$n" fresh.db ;;
      esac
    done
  done
  for r in "${runners[@]}"; do
    eval "med_$r=$(cut -d' ' -f1 "$work/$r" | median)"
    eval "cpu_$r=$(cut -d' ' -f3 "$work/$r" | median)"
  done
  # shellcheck disable=SC2154 # set by the eval above
  for r in "${runners[@]}"; do
    t=$(eval "echo \$med_$r")
    c=$(eval "echo \$cpu_$r")
    rss=$(cut -d' ' -f2 "$work/$r" | sort -n | tail -1)
    printf '%-9s %-12s %9.3f %8.2f %9.3f %8.2f %11.1f %5d\n' "$n" "$r" "$t" "$(echo "$t / $med_tuned" | bc -l)" \
      "$c" "$(echo "$c / $cpu_tuned" | bc -l)" "$(echo "$rss / 1024" | bc -l)" "$pairs"
  done
  printf '%-9s op path: (connector-lua - script alone) / tuned limit = %.3f wall, %.3f CPU\n\n' "$n" \
    "$(echo "($med_clua - $med_alone) / $med_tuned" | bc -l)" "$(echo "($cpu_clua - $cpu_alone) / $cpu_tuned" | bc -l)"
done

# Start-up: connector-lua scripts/three.lua from start to exit, in a new
# directory and again in the one it made; beside it, the same database work
# in C (the tuned limit at N = 3: a new database, three rows, a commit,
# state.json) and /bin/true, the timing harness's own cost. Alternating,
# medians of 30.
starts=(clua_new clua_again floor harness)
for r in "${starts[@]}"; do rm -f "$work/$r"; done
for _ in $(seq 30); do
  measure clua_new "$clua" "$root/scripts/three.lua" --output out
  MEASURE_AGAIN=1 measure clua_again "$clua" "$root/scripts/three.lua" --output out
  measure floor "$work/limit_workload" 3 fresh.db "${tuned[@]}"
  measure harness /bin/true
done
for r in "${starts[@]}"; do
  printf 'start-up: %-10s median %5.1f ms\n' "$r" "$(cut -d' ' -f1 "$work/$r" | median | awk '{print $1 * 1000}')"
done
echo "(clua_new: scripts/three.lua in a new directory; clua_again: in the directory it made;"
echo " floor: the tuned limit at N = 3 in C; harness: /bin/true, the timing's own cost)"
