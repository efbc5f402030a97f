# shellcheck shell=bash
# bench_lib.sh: what run.sh and run_pg.sh share, sourced by both: their
# arguments, timing one run of a command, and the median of a column of
# figures. The caller sets $root (the checkout) and $work (its scratch
# directory).

# bench_args DEFAULT_PAIRS [PAIRS] [N ...]: sets pairs, sizes (default
# 100000 1000000), yard (the yardsticks: $YARDSTICKS, else ../shared/bench
# beside the checkout) and clua (build/connector-lua); stops, saying what
# to do, when connector-lua is not built or GNU time is missing.
# shellcheck disable=SC2034 # the variables are the caller's
bench_args() {
  local default=$1
  shift
  pairs=${1:-$default}
  shift || true
  sizes=("$@")
  [ ${#sizes[@]} -gt 0 ] || sizes=(100000 1000000)
  yard=${YARDSTICKS:-$root/../shared/bench}
  clua=$root/build/connector-lua
  [ -x "$clua" ] || { echo "build connector-lua first: cmake -S . -B build && cmake --build build" >&2; exit 2; }
  command -v /usr/bin/time > /dev/null || { echo "needs GNU time: apt-get install time" >&2; exit 2; }
}

# measure NAME CMD...: runs CMD in a fresh $work/run (or, with
# MEASURE_AGAIN=1, in the one the last run left), its output thrown away,
# and appends "seconds max_rss_kb cpu_seconds" of the run (wall clock; GNU
# time's peak RSS and user + system time of the process) to $work/NAME.
# Dirty pages an earlier run left are written out first (sync), so that no
# run pays for the writes of the one before it. A run that fails prints
# its stderr and ends the benchmark: its figures would mean nothing.
# shellcheck disable=SC2154 # $work is the caller's
measure() {
  local name=$1
  shift
  [ "${MEASURE_AGAIN:-0}" = 1 ] || rm -rf "$work/run"
  mkdir -p "$work/run"
  local t0 t1
  sync # outside the timed part
  t0=$(date +%s%N)
  (cd "$work/run" && /usr/bin/time -f "%M %U %S" -o "$work/rss" "$@" > /dev/null 2> "$work/err") ||
    { echo "$name failed:" >&2; cat "$work/err" >&2; exit 1; }
  t1=$(date +%s%N)
  local rss user sys
  read -r rss user sys < "$work/rss"
  echo "$(echo "($t1 - $t0) / 1000000000" | bc -l) $rss $(echo "$user + $sys" | bc -l)" >> "$work/$name"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
