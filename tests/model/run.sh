#!/bin/sh
# The model-based test: random connectors through the binary and through an independent
# model of the README (tests/model/model.py); see tests/model/runner.py for the options.
#   tests/model/run.sh BINARY [--seeds N] [--start S] [--seed S] [--keep DIR]
exec python3 "$(dirname "$0")/runner.py" "$@"
