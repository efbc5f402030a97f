#!/usr/bin/env bash
# Builds connector-lua twice, with AddressSanitizer + UndefinedBehaviorSanitizer
# and plainly, runs every test (unit, script, crash) in both builds, then the
# script tests once more under valgrind memcheck (any memory error or
# definite leak fails them). This is the README's test command, and CI's.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

echo "== sanitizer build (ASan + UBSan)"
cmake -S . -B build-asan -DCLUA_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug > /dev/null
cmake --build build-asan -j "$jobs" > /dev/null
(cd build-asan && ctest --output-on-failure -j "$jobs")

echo "== release build"
cmake -S . -B build > /dev/null
cmake --build build -j "$jobs" > /dev/null
(cd build && ctest --output-on-failure -j "$jobs")

echo "== script tests under valgrind memcheck (release build; timing tests left out)"
(cd build && CLUA_VALGRIND=1 ctest --output-on-failure -j "$jobs" -L script -LE timing)
