#!/usr/bin/env bash
# Line and branch coverage of runtime/: builds build-cov with gcc's
# --coverage at -O0 (CMake option CLUA_COVERAGE), runs every test there
# (arguments go to ctest, e.g. -R unit. for a quick look), and prints the
# figures of each folder of runtime/ and the total, with gcov's own JSON
# (tests/coverage_summary.py: no package beyond gcc and python3).
#   bash tests/coverage.sh              all tests, then the figures
#   COVERAGE_FILES=1 bash tests/coverage.sh   each file too, least covered first
# For one file's unrun lines and never-taken branches afterwards:
#   python3 tests/coverage_summary.py build-cov . --uncovered runtime/core/row.c
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

cmake -S . -B build-cov -DCLUA_COVERAGE=ON -DCMAKE_BUILD_TYPE=Debug -DCLUA_WERROR=ON > /dev/null
cmake --build build-cov -j "$jobs" > /dev/null
# Counts add up across runs: start from none, so the figures are this run's.
find build-cov -name '*.gcda' -delete
(cd build-cov && ctest --output-on-failure -j "$jobs" "$@")
python3 tests/coverage_summary.py build-cov . ${COVERAGE_FILES:+--files}
