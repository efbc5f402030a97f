# Helpers for the cases that stop a run by signal (sourced by run_case.sh).

# stop_run SIGNALS MARKER ARGS...: runs connector-lua ARGS through
# tests/script/stoprun.py (stdout in ./out, stderr in ./err): waits (at most
# 20 s) for the file MARKER, sends SIGNALS (comma-separated, 0.3 s apart)
# SIG_DELAY seconds later (0.3 unless set), and sets STOPPED to the exit
# status (a number; "signal9" for a death by signal 9; "no-marker" when
# MARKER never came; "hung" when the run did not end within 15 s of the
# signal) and STOP_MS to the milliseconds from the first signal to the end.
stop_run() {
  local sigs=$1 marker=$2 got secs
  shift 2
  got=$(SIG_DELAY="${SIG_DELAY:-0.3}" python3 "$ROOT/tests/script/stoprun.py" "$sigs" "$marker" -- "$CLUA" "$@")
  STOPPED=${got% *}
  secs=${got#* }
  STOP_MS=$((10#${secs/./}))
}

# signal_soon SIGNAL ARGS...: runs connector-lua ARGS in the background
# (stdout in ./out, stderr in ./err), sends it SIGNAL 0.3 s later, and waits
# for it: RC is its exit status. For a run that waits on a FIFO, where no
# marker can say it is there.
signal_soon() {
  local sig=$1 pid
  shift
  "$CLUA" "$@" > out 2> err &
  pid=$!
  # Against PostgreSQL $CLUA is a script that becomes connector-lua (exec):
  # the 0.3 s count from then, not from the shell's start.
  if [ "${CLUA_DEST:-sqlite}" = pg ]; then
    local i
    for ((i = 0; i < 200; i++)); do
      [ "$(readlink "/proc/$pid/exe" 2> /dev/null)" != "$(realpath "$PGD_CLUA")" ] || break
      sleep 0.05
    done
  fi
  sleep 0.3
  kill "-$sig" "$pid"
  wait "$pid"
  RC=$?
}

# expect_stopped WHAT STATUS MAX SEVERE SIGNALS [connector-lua ARGS]: the run of ARGS
# ends with STATUS within MAX seconds of the first signal, with one SEVERE
# line SEVERE (a regular expression), the summary and SYNC FAILED
# (stop_run above): the HTTP cases' check of a stop.
expect_stopped() {
  local what=$1 status=$2 max=$3 severe=$4 sigs=$5 before=$FAILURES
  shift 5
  rm -rf o marker
  stop_run "$sigs" marker "$@"
  [ "$STOPPED" = "$status" ] || { fail "$what: exit status '$STOPPED', expected $status"; show_output; }
  awk -v ms="$STOP_MS" -v m="$max" 'BEGIN { exit !(ms < m * 1000) }' ||
    fail "$what: took $STOP_MS ms to stop, expected under $max s"
  expect_out "Checkpoints    | 1"
  expect_out "SYNC FAILED"
  if [ -n "$severe" ]; then
    [ "$(grep -c ' SEVERE ' err)" = 1 ] && grep -qE "^[0-9:.]+ SEVERE   $severe\$" err ||
      { fail "$what: expected one SEVERE line matching: $severe"; show_output; }
  fi
  [ "$FAILURES" = "$before" ] || echo "  (in: expect_stopped $what)" >&2
  :
}
