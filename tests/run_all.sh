#!/usr/bin/env bash
# Runs the tests of connector-lua in three builds: with AddressSanitizer +
# UndefinedBehaviorSanitizer (all of ctest); with gcc's coverage counters
# (all of ctest but the crash test, then the line and branch coverage of
# runtime/); and the release build, where the script tests run under
# valgrind memcheck (any memory error or definite leak fails them) and what
# valgrind does not run (unit, crash, model and the timing cases, which it
# would slow 20-50 times) runs natively. So every test runs once in each
# build, the crash test in two. This is the README's test command, and
# CI's (.ci/run, which then runs the fuzzers).
#
# Stage times, measured on 2 cores shared with five other jobs' builds and
# tests (so pessimistic: unloaded, CI took 195 s, 115 s and 1090 s for the
# ASan, release and valgrind stages before the coverage stage came):
#   ASan + UBSan: build 40 s, all tests             ~ 870 s here (195 s unloaded)
#   coverage: build, all tests but crash, figures   ~ 500 s here (about 250 s less loaded)
#   release: build 115 s, unit/crash/model/timing   ~ 390 s here (about 100 s unloaded)
#   release: script tests under valgrind            ~1150 s unloaded
# about 33 min unloaded with apt-get and the fuzzers (.ci/run); CI must stay
# under 40. The crash test is left out of the coverage run only: a run it
# kills writes no counts, and it runs in the two other builds.
# The script cases also run against PostgreSQL (script_pg.NAME, label
# pg_dest; tests/script/pg_dest.sh), natively in the release build only: not
# under ASan, coverage or valgrind, whose stages they would lengthen by far
# more (the runtime's PostgreSQL code is checked there by the pg_ cases, the
# unit and the model tests). To pay for them, the nine heaviest cases under
# valgrind (label heavy, tests/CMakeLists.txt: hostile_schema_ops,
# hostile_wide_rows, hostile_values, safety_sandbox, hostile_files, 190-320 s
# each under valgrind on a loaded machine, and hostile_config, hostile_names,
# hostile_files_links, init_templates) run natively in the release build and
# under ASan, which checks memory and leaks as valgrind does, instead of under
# valgrind. Measured on 2 cores shared with four other helpers' builds and
# tests: the 88 script_pg cases took 400 s of wall time at -j2 (797 s of test
# time; the load fell from about 9 to 1 during the run), 1,350 s for a first
# run of 121 cases with the load at 12 (progress_tty alone took 290 s, which
# is why it is SQLite's only); the nine heavy cases take about 100 s natively
# together (ctest's cost data), and under valgrind (measured here at -j2, the
# load 2 to 3) more than 11 min of wall time: hostile_schema_ops 260 s,
# hostile_values 204, hostile_files 137, hostile_names 99, hostile_config 80,
# init_templates 61, hostile_files_links 45, and hostile_wide_rows and
# safety_sandbox still running after 11 min. So the valgrind stage loses more
# than the release stage gains: a net saving of at least 4 min.
# Each ctest run that includes a PostgreSQL test (label pg) starts and stops
# a PostgreSQL 15 cluster of its build directory's own, in /tmp/clua-pg-HASH
# (HASH of the build directory's path; the fixture pg, tests/pg/cluster.sh: about 3 s a run here); a server that
# cannot start fails the run. The pg_ script cases run natively in the
# release build, not under valgrind: the ASan build checks their memory
# (leaks too), and the valgrind stage is already the longest.
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

stage "release build: unit, crash, model, timing, PostgreSQL and the heaviest script tests"
cmake -S . -B build -DCLUA_WERROR=ON > /dev/null
cmake --build build -j "$jobs" > /dev/null
(cd build && ctest --output-on-failure -j "$jobs" -LE 'script|pg_dest')
(cd build && ctest --output-on-failure -j "$jobs" -L timing)
(cd build && ctest --output-on-failure -j "$jobs" -R '^script[.]pg_' -LE timing)
(cd build && ctest --output-on-failure -j "$jobs" -L heavy)

stage "release build: the script tests against PostgreSQL (script_pg.NAME)"
(cd build && ctest --output-on-failure -j "$jobs" -L pg_dest)

stage "release build: the other script tests under valgrind memcheck"
(cd build && CLUA_VALGRIND=1 ctest --output-on-failure -j "$jobs" -L script -LE '^(timing|pg|heavy)$')
stage ""
