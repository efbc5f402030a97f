#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for a
# bounded time; CI runs it after tests/run_all.sh.
#
#   tests/fuzz/run.sh [SECONDS] [TARGET...]
#
#   SECONDS  how long each target runs (default: $FUZZ_SECONDS, else 60);
#            0 builds the targets and replays the inputs only
#   TARGET   fuzz_json, fuzz_types, fuzz_schema, fuzz_inputs (default: all)
#
# The runtime's sources and its pkg-config modules are read from the
# top-level CMakeLists.txt, so the targets build what the library builds.
# Everything goes under build-fuzz/: the binaries, a working corpus per
# target (seeded from tests/fuzz/corpus/<target>/, kept between runs, so
# a later run goes on where the last one stopped) and the artifacts of a
# crash. Before fuzzing, each target replays its seed corpus and every
# input in tests/fuzz/regressions/<target>/ (inputs that once crashed it).
# A crash, leak, timeout or sanitizer report fails the script and names
# the input that caused it; the stack is in the output above.
#
# Needs clang and its libFuzzer runtime (Debian: clang libclang-rt-14-dev).
# Extra libFuzzer flags can be given in FUZZ_FLAGS, e.g.
#   FUZZ_FLAGS="-jobs=2 -workers=2" tests/fuzz/run.sh 3600 fuzz_schema
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
SECONDS_EACH=${1:-${FUZZ_SECONDS:-60}}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(fuzz_json fuzz_types fuzz_schema fuzz_inputs)
CC=${FUZZ_CC:-clang}
OUT=$ROOT/build-fuzz
JOBS=$(nproc)

command -v "$CC" > /dev/null || { echo "$CC not found: apt-get install clang libclang-rt-14-dev" >&2; exit 1; }

# The library's sources: the add_library(connector_lua ...) block.
SOURCES=$(sed -n '/^add_library(connector_lua/,/)/p' CMakeLists.txt | grep -o 'runtime/[a-z]*/[A-Za-z0-9_]*\.c')
# Its dependencies: clua_require(PREFIX module package) lines, without
# their version constraints.
MODULES=$(sed -n 's/^ *clua_require([A-Z_]* \([^ ]*\) .*/\1/p' CMakeLists.txt | tr -d '"' | sed 's/[<>=].*//')
# shellcheck disable=SC2086
PKG_CFLAGS=$(pkg-config --cflags $MODULES)
# shellcheck disable=SC2086
PKG_LIBS=$(pkg-config --libs $MODULES)
VERSION=$(sed -n 's/^project(connector-lua VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)

# shellcheck disable=SC2054,SC2206
CFLAGS=(-std=c11 -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined
  -fno-omit-frame-pointer -D_POSIX_C_SOURCE=200809L "-DCLUA_VERSION=\"${VERSION:-0}\""
  "-I$ROOT/include" $PKG_CFLAGS)
# The library's folders (CLUA_RUNTIME_DIRS in CMakeLists.txt) as -I flags.
for d in $(sed -n 's/^set(CLUA_RUNTIME_DIRS \(.*\))$/\1/p' CMakeLists.txt); do CFLAGS+=("-I$ROOT/$d"); done

echo "== building the fuzz targets with $CC"
mkdir -p "$OUT/obj"
# The library, instrumented for coverage (fuzzer-no-link), $JOBS at a time.
OBJS=()
pids=()
for s in $SOURCES; do
  o=$OUT/obj/$(basename "$s" .c).o
  OBJS+=("$o")
  "$CC" "${CFLAGS[@]}" -fsanitize=fuzzer-no-link -c "$s" -o "$o" &
  pids+=($!)
  while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do sleep 0.1; done
done
for p in "${pids[@]}"; do wait "$p"; done
for t in "${TARGETS[@]}"; do
  # shellcheck disable=SC2086
  "$CC" "${CFLAGS[@]}" -fsanitize=fuzzer "tests/fuzz/$t.c" "${OBJS[@]}" $PKG_LIBS -lm -o "$OUT/$t"
done

# libFuzzer's own limits: a slow input or a memory blow-up is a failure too.
LIMITS="-timeout=10 -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
FAILED=()
for t in "${TARGETS[@]}"; do
  seeds=$ROOT/tests/fuzz/corpus/$t
  regressions=$ROOT/tests/fuzz/regressions/$t
  corpus=$OUT/corpus/$t
  artifacts=$OUT/artifacts/$t/
  mkdir -p "$corpus" "$artifacts"
  echo "== $t: replaying the seeds and the regression inputs"
  inputs=()
  for d in "$seeds" "$regressions"; do
    [ -d "$d" ] && while IFS= read -r f; do inputs+=("$f"); done < <(find "$d" -type f ! -name '*.md' | sort)
  done
  if [ ${#inputs[@]} -gt 0 ]; then
    # shellcheck disable=SC2086
    if ! "$OUT/$t" $LIMITS -artifact_prefix="$artifacts" "${inputs[@]}" > "$OUT/$t.replay.log" 2>&1; then
      cat "$OUT/$t.replay.log"
      echo "FAIL: $t crashed on a seed or regression input (see above)" >&2
      FAILED+=("$t")
      continue
    fi
    echo "   ${#inputs[@]} inputs ok"
  fi
  [ "$SECONDS_EACH" -gt 0 ] || continue
  echo "== $t: fuzzing for $SECONDS_EACH s"
  # shellcheck disable=SC2086
  if ! "$OUT/$t" $LIMITS ${FUZZ_FLAGS:-} -max_total_time="$SECONDS_EACH" \
       -artifact_prefix="$artifacts" "$corpus" "$seeds" > "$OUT/$t.log" 2>&1; then
    tail -n 80 "$OUT/$t.log"
    echo "FAIL: $t found a crash; the input is in $artifacts" >&2
    echo "  keep it as tests/fuzz/regressions/$t/<name> once reported" >&2
    FAILED+=("$t")
    continue
  fi
  { grep -E '^stat::(number_of_executed_units|peak_rss_mb)|^#[0-9]+.*DONE' "$OUT/$t.log" || true; } |
    tr -s ' \n' ' '
  echo
done

if [ ${#FAILED[@]} -gt 0 ]; then
  echo "fuzzing failed: ${FAILED[*]}" >&2
  exit 1
fi
echo "fuzzing: ok (${TARGETS[*]})"
