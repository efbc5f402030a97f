#!/usr/bin/env bash
# The op hot path on PostgreSQL against its yardsticks: the workload of
# ../shared/bench run by connector-lua (tests/bench/three_workload.lua with
# --output postgresql://...), by pg_limit_workload.c (plain C over libpq in
# pipeline mode, the runtime's statements: the limit) and by pg_py_peer.py
# (SDK-style Python over psycopg2), on one throwaway PostgreSQL cluster that
# this script starts (tests/pg/cluster.sh, its own directory, stopped on
# exit). Runs them alternately, PAIRS times each at each N, each on a fresh
# schema (dropped, then a server CHECKPOINT, before every run, untimed), and
# prints a Markdown table: medians, the ratio to the limit, peak RSS. Then
# checks that the three loaded the same rows. A benchmark, not a test: it
# never fails on timing (it fails when a run fails or the rows differ).
#
#   tests/bench/run_pg.sh [PAIRS] [N ...]     defaults: 3 pairs, N = 100000 1000000
#
# Needs a release build in build/ (cmake -S . -B build && cmake --build build),
# gcc, libpq-dev, postgresql-15, bc and GNU time (apt-get install time); the
# Python column needs Debian's python3-psycopg2 (skipped, saying so, without
# it; SKIP_PYTHON=1 skips it too: at N = 1,000,000 it is the slow one).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/bench/bench_lib.sh
. "$root/tests/bench/bench_lib.sh"
bench_args 3 "$@"
command -v bc > /dev/null || { echo "needs bc: apt-get install bc" >&2; exit 2; }
pkg-config --exists libpq || { echo "needs libpq's headers: apt-get install libpq-dev" >&2; exit 2; }
[ -f "$yard/common.h" ] || { echo "no yardsticks in $yard (set YARDSTICKS)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/clua-pgbench.XXXXXX")
# The cluster's socket path must stay short (cluster.sh): under /tmp.
pgdir=$(mktemp -d /tmp/clua-pgb.XXXXXX)
cleanup() {
  bash "$root/tests/pg/cluster.sh" stop "$pgdir" > /dev/null 2>&1 || true
  rm -rf "$work" "$pgdir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The limit is built as the project's code is: a warning fails loudly.
# shellcheck disable=SC2046 # pkg-config's flags are words
gcc -std=c11 -O2 -Wall -Wextra -Werror -I"$yard" $(pkg-config --cflags libpq) \
  -o "$work/pg_limit_workload" "$root/tests/bench/pg_limit_workload.c" $(pkg-config --libs libpq)

# Debian's python3-psycopg2 serves Debian's python3, which may not be the
# first python3 on PATH (pyenv): the first one that has it runs the peer.
py=""
if [ "${SKIP_PYTHON:-0}" = 1 ]; then
  py_why="skipped: SKIP_PYTHON=1"
else
  py_why="skipped: no python3 with psycopg2 (apt-get install python3-psycopg2)"
  for p in python3 /usr/bin/python3; do
    if command -v "$p" > /dev/null && "$p" -c 'import psycopg2' 2> /dev/null; then py=$p && break; fi
  done
fi
export YARDSTICKS=$yard

started=$(bash "$root/tests/pg/cluster.sh" start "$pgdir")
url=$(bash "$root/tests/pg/cluster.sh" url "$pgdir")
sql() { psql -XAtq -v ON_ERROR_STOP=1 -d "$url" "$@"; }

# fresh SCHEMA: drops it, and has the server write out what earlier runs
# left dirty, so no run pays for the one before it.
fresh() { sql -c "SET client_min_messages = warning" -c "DROP SCHEMA IF EXISTS $1 CASCADE" -c "CHECKPOINT"; }

# rows SCHEMA: a digest of the rows the workload leaves (timestamps aside).
rows() {
  sql -c "SELECT count(*) || ' ' || md5(string_agg(id || ' ' || val1 || ' ' || val2 || ' ' ||
            _fivetran_deleted, ',' ORDER BY id)) FROM $1.three"
}

echo "PostgreSQL yardstick workload, $(date -u '+%Y-%m-%d %H:%M') UTC"
echo "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "server: ${started%% in *} (fsync, synchronous_commit and full_page_writes off), over its Unix socket"
echo "checkout (build/ should be built from it): $(git -C "$root" log -1 --format='%h %s' 2> /dev/null || echo '?')"
if [ -n "$py" ]; then
  echo "python: $("$py" -c 'import sys, psycopg2; print(sys.executable, sys.version.split()[0], "psycopg2", psycopg2.__version__.split()[0])')"
else
  echo "python: $py_why"
fi
echo "seconds: median wall clock of the client process, which includes the server's work it waits for"
echo "RSS: peak of the client process only (GNU time %M), not the server's"
echo
echo "| N | runner | median s | / limit | peak RSS MiB | runs |"
echo "|---|---|---|---|---|---|"
runners="clua limit${py:+ python}"
for n in "${sizes[@]}"; do
  printf '{"n": %d}\n' "$n" > "$work/config.json"
  rm -f "$work/clua" "$work/limit" "$work/python"
  for _ in $(seq "$pairs"); do
    fresh bench_clua
    measure clua "$clua" "$root/tests/bench/three_workload.lua" --configuration "$work/config.json" \
      --output "$url&schema=bench_clua"
    fresh bench_limit
    measure limit "$work/pg_limit_workload" "$n" "$url" bench_limit
    if [ -n "$py" ]; then
      fresh bench_py
      measure python "$py" "$root/tests/bench/pg_py_peer.py" "$n" "$url" bench_py
    fi
  done
  med_limit=$(cut -d' ' -f1 "$work/limit" | median)
  for r in $runners; do
    t=$(cut -d' ' -f1 "$work/$r" | median)
    rss=$(cut -d' ' -f2 "$work/$r" | sort -n | tail -1)
    case $r in clua) label=connector-lua ;; limit) label="limit (C, pipeline)" ;; *) label="Python (psycopg2)" ;; esac
    printf '| %s | %s | %.3f | %.2f | %.1f | %d |\n' "$n" "$label" "$t" \
      "$(echo "$t / $med_limit" | bc -l)" "$(echo "$rss / 1024" | bc -l)" "$pairs"
  done
  # Like for like: the last run of each left the same rows.
  want=$(rows bench_limit)
  for s in bench_clua${py:+ bench_py}; do
    got=$(rows "$s")
    [ "$got" = "$want" ] || { echo "N = $n: $s holds other rows than the limit ($got, not $want)" >&2; exit 1; }
  done
done
if [ -z "$py" ]; then echo; echo "Python (psycopg2): $py_why"; fi
echo
echo "rows: at each N the last run of each runner left the same rows (count and digest of id, val1, val2, _fivetran_deleted)"
echo "goal (issue 14): connector-lua within 1.3x of the limit, peak RSS flat in N"
