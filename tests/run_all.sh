#!/usr/bin/env bash
# Builds connector-lua twice, with AddressSanitizer + UndefinedBehaviorSanitizer
# and plainly, and runs every test (unit and script) in both builds.
# This is the README's test command, and what CI runs.
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
