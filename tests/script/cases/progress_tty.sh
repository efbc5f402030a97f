# The progress line: while a sync runs and stderr is a terminal, stderr shows
# "\r\033[K<ops> ops  <rate> ops/s  <checkpoints> checkpoints  <elapsed> s",
# redrawn at most ten times a second, taken off before a log line and
# before the summary. When stderr is a file or a pipe there is none of it
# (even if stdout is a terminal). The terminal is a pseudo-terminal made by
# script(1) from util-linux/bsdutils.

if ! command -v script > /dev/null; then
  fail "script(1) is needed (apt-get install bsdutils)"
  return 0 2> /dev/null || exit 1
fi

# Cheap upserts, at least OPS of them and for at least SECS seconds of CPU
# time, so that the run outlasts several redraw periods on any machine.
write p.lua <<'LUA'
function schema(configuration)
  return { { table = "t", primary_key = { "id" }, columns = { id = "LONG" } } }
end
function update(configuration, state)
  local i, logged = 0, false
  repeat
    for _ = 1, 1000 do
      i = i + 1
      op.upsert("t", { id = i % 1000 })
    end
    if i % 100000 == 0 then op.checkpoint({ n = i }) end
    if not logged and os.clock() >= configuration.secs / 2 then  -- after the first frame
      log.info("halfway")
      logged = true
    end
  until i >= configuration.ops and logged and os.clock() >= configuration.secs
  op.checkpoint({ n = i })
end
LUA
echo '{"ops":300000,"secs":0.3}' > long.json
echo '{"ops":50000,"secs":0.15}' > short.json
Q=$(printf '%q' "$CLUA")

# stderr (and stdout) on a terminal
script -qec "$Q p.lua --output o --configuration long.json" /dev/null > tty.raw
RC=$?
cat -v tty.raw > tty.out   # ESC shows as ^[, CR as ^M
cp tty.out out; : > err
expect_exit 0
expect_out "SYNC SUCCEEDED"
expect_out " ops/s  "
# a frame: clear the line, then ops, rate, checkpoints, elapsed
grep -qE '\^M\^\[\[K[0-9]+ ops  [0-9]+ ops/s  [0-9]+ checkpoints  [0-9]+\.[0-9] s' tty.out ||
  { fail "no progress frame in the terminal output"; cat tty.out >&2; }
grep -qE '\^M\^\[\[K[0-9]+ ops  [0-9]+ ops/s  [1-9][0-9]* checkpoints' tty.out ||
  fail "no frame counts the checkpoints made"
# cleared right before the summary, and before a log line
expect_out '^M^[[KOperation      | Calls'
grep -qE '\^M\^\[\[K[0-9:.]+ INFO +halfway' tty.out || fail "the progress line was not cleared before a log line"
# no frame after the summary began
sed 's/.*\(Operation      | Calls\)/\1/' tty.out | sed -n '/^Operation      | Calls/,$p' > summary
grep -q 'Elapsed' summary || fail "no summary in the terminal output"
grep -q 'ops/s' summary && fail "a progress frame after the summary"
# at most ten redraws a second, and the counts only go up
tr '\r' '\n' < tty.raw | LC_ALL=C sed -n 's/^\x1b\[K\([0-9][0-9]*\) ops  .*/\1/p' > frames
ELAPSED=$(sed -n 's/^Elapsed: \([0-9.]*\) s.*/\1/p' tty.out)
NFRAMES=$(wc -l < frames)
[ "$NFRAMES" -ge 2 ] || fail "expected several frames, got $NFRAMES"
awk -v n="$NFRAMES" -v e="$ELAPSED" 'BEGIN { exit !(n <= e * 10 + 1) }' ||
  fail "$NFRAMES frames in $ELAPSED s: more than ten a second"
sort -n -c frames 2> /dev/null || fail "the op counts of the frames do not grow"
[ "$(tail -n 1 frames)" -le "$(sqlite3 o/warehouse.db "SELECT json_extract(state, '$.n') FROM _clua_state")" ] ||
  fail "a frame counts more ops than were made"

# stderr on a terminal, stdout to a file: the summary file has no escapes
script -qec "$Q p.lua --output o1 --configuration short.json > stdout.txt" /dev/null > tty1.raw
RC=$?
expect_exit 0
grep -q 'ops/s' tty1.raw || fail "no progress with stderr on a terminal and stdout in a file"
grep -q $'\033' stdout.txt && fail "escape sequences in stdout"
grep -q "SYNC SUCCEEDED" stdout.txt || fail "stdout.txt lacks the summary"

# stdout on a terminal, stderr to a file: no progress anywhere
script -qec "$Q p.lua --output o2 --configuration short.json 2> stderr.txt" /dev/null > tty2.raw
RC=$?
expect_exit 0
grep -q 'ops/s' tty2.raw stderr.txt && fail "progress although stderr is a file"
grep -q $'\033' tty2.raw stderr.txt && fail "escape sequences although stderr is a file"
grep -q 'INFO     halfway' stderr.txt || fail "stderr.txt lacks the log line"

# stderr a file (the harness's run)
run p.lua --output o3 --configuration short.json
expect_exit 0
expect_no_err "ops/s"
grep -q $'\033\|\r' err && fail "escape sequences or carriage returns in stderr"
expect_err "INFO     halfway"

# stderr a pipe
"$CLUA" p.lua --output o4 --configuration short.json 2>&1 | cat > piped
grep -q "SYNC SUCCEEDED" piped || fail "the piped run did not succeed"
grep -q 'ops/s' piped && fail "progress although stderr is a pipe"
grep -q $'\033' piped && fail "escape sequences although stderr is a pipe"
true
