#!/usr/bin/env bash
# Runs the tests of connector-lua in three builds: with AddressSanitizer +
# UndefinedBehaviorSanitizer (all of ctest but the script_pg runs); with
# gcc's coverage counters (the same but the crash tests, whose killed runs
# write no counts; then the line and branch coverage of runtime/); and the
# release build, where the script cases labelled `valgrind` run under
# valgrind memcheck (any memory error or definite leak fails them) and every
# other test runs natively: unit, crash, model, the timing cases (valgrind
# would slow them 20-50 times), the pg_ cases, the heaviest cases (label
# heavy), and the script cases against PostgreSQL (script_pg.NAME, label
# pg_dest; tests/script/pg_dest.sh). This is the README's test command, and
# CI's (.ci/run, which then runs the fuzzers).
#
# Why the split (tests/CMakeLists.txt sets the labels): the script_pg runs
# would lengthen the ASan, coverage and valgrind stages far more than they
# add there (the runtime's PostgreSQL code is checked in those builds by the
# pg_ cases, the unit and the model tests), and the heavy cases, 30-320 s
# each under valgrind, are checked for memory errors and leaks by ASan.
# Stage times of .ci/run on a clean clone of 2026-11-30 (2 cores; a helper's
# tests ran beside it at nice 19), before the second line of heavy cases
# left the valgrind stage and the release stage became one ctest run:
#   ASan + UBSan: build, all tests                 418 s
#   coverage: build, all tests but crash, figures  263 s
#   release: build, natively all but script_pg     307 s
#   release: script_pg natively                    304 s
#   release: script tests under valgrind           920 s
# with apt-get and the fuzzers (about 300 s) about 43 min: over CI's 40,
# hence the second line of heavy cases (about 220 s of valgrind wall time)
# and one ctest run for all native tests (no idle tail between runs). After
# them, on the same machine: release natively 460 s (partly beside the
# fuzzers), valgrind 674 s: about 36 min in all.
# Each ctest run that includes a PostgreSQL test (label pg) starts and stops
# a PostgreSQL 15 cluster of its build directory's own, in /tmp/clua-pg-HASH
# (HASH of the build directory's path; the fixture pg, tests/pg/cluster.sh:
# about 3 s a run here); a server that cannot start fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

stage() { # NAME: ends the previous stage with its time, starts the next
    if [ -n "${stage_name:-}" ]; then
        echo "== $stage_name: $((SECONDS - stage_start)) s"
    fi
    stage_name=$1
    stage_start=$SECONDS
    [ -z "$1" ] || echo "== $1"
}

stage "sanitizer build (ASan + UBSan), all tests"
cmake -S . -B build-asan -DCLUA_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug -DCLUA_WERROR=ON > /dev/null
cmake --build build-asan -j "$jobs" > /dev/null
(cd build-asan && ctest --output-on-failure -j "$jobs" -LE pg_dest)

stage "coverage build, all tests but crash, coverage of runtime/"
bash tests/coverage.sh -E '^crash[.]' -LE pg_dest

stage "release build: every test but those valgrind runs, natively (unit, crash, model, timing, PostgreSQL, script_pg, heavy)"
cmake -S . -B build -DCLUA_WERROR=ON > /dev/null
cmake --build build -j "$jobs" > /dev/null
(cd build && ctest --output-on-failure -j "$jobs" -LE '^valgrind$')

stage "release build: the other script tests under valgrind memcheck"
(cd build && CLUA_VALGRIND=1 ctest --output-on-failure -j "$jobs" -L '^valgrind$')
stage ""
