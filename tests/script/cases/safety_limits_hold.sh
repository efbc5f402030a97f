# Limits that always hold (issue 10): --timeout, --memory-limit, SIGINT and
# SIGTERM stop a script within a bounded time wherever it is -- inside one
# long call into C that allocates (a gsub on a 40 MB string), inside one
# that does not (then the command ends the process 1 s after the deadline,
# with the summary), in a coroutine -- and a script cannot swallow the
# memory limit with pcall. A __gc finalizer that loops or fails at close is
# stopped and reported as a WARNING: a sync that committed still succeeds.
# Every run is bounded (timeout -s KILL) and timed; the bounds are generous.
#

# ms_since T0: milliseconds since T0 (from date +%s%N).
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }

# timed ARGS...: run with a hard bound of 15 s; its duration in $MS.
timed() {
  local t0
  t0=$(date +%s%N)
  timeout -s KILL 15 "$CLUA" "$@" > out 2> err
  RC=$?
  MS=$(ms_since "$t0")
}

# within MS_MAX WHAT: the last timed run took less than MS_MAX ms.
within() { [ "$MS" -lt "$1" ] || fail "$2 took $MS ms (bound: $1 ms)"; }

# stopped_line REGEX: stderr has exactly one SEVERE line, matching REGEX.
stopped_line() {
  local n
  n=$(grep -c ' SEVERE ' err)
  { [ "$n" = 1 ] && grep -qE "^[0-9:.]+ SEVERE   $1\$" err; } ||
    { fail "expected one SEVERE line matching: $1"; show_output; }
}

# stopped_or_ended REGEX: as stopped_line, or the command's own end 1 s
# after the stop (a gsub allocates only when its buffer grows, by half
# each time: on a slow or loaded machine the last stretch can outlast it).
stopped_or_ended() {
  if grep -qF "the script did not stop (it is inside a long call)" err; then
    expect_no_err " SEVERE "
  else
    stopped_line "$1"
  fi
}

# failed_with_summary: the run printed its summary and SYNC FAILED, and
# kept only what its checkpoint (id 1, state {"n":1}) committed.
failed_with_summary() {
  expect_out "Checkpoints    | 1"
  expect_out "SYNC FAILED"
  expect_sql o/warehouse.db "SELECT group_concat(id) FROM t" "1"
  expect_state o '{"n":1}'
}

# Every script checkpoints id 1, writes id 2, then does what mode says.
write hold.lua <<'LUA'
function update(configuration, state)
  op.upsert("t", { id = 1 })
  op.checkpoint({ n = 1 })
  op.upsert("t", { id = 2 })
  local mode = configuration.mode
  if mode == "gsub" then -- long calls into C that allocate as they go
    local s = string.rep("a", 40 * 1024 * 1024)
    for i = 1, 3 do local r = s:gsub("a", "b") end
  elseif mode == "find" then -- one long call into C that never allocates
    local r = string.rep("a", 3000):find(".-.-.-.-b")
  elseif mode == "coloop" then -- an endless loop in a coroutine
    coroutine.resume(coroutine.create(function() while true do end end))
  elseif mode == "cowrap" then -- the same, catching every error it sees
    local f = coroutine.wrap(function()
      while true do pcall(function() for i = 1, 100 do local x = i end end) end
    end)
    f()
  elseif mode == "rep" then -- the limit, caught by pcall
    local ok, err = pcall(string.rep, "x", 2 ^ 26)
    log.warning("caught: " .. tostring(err))
  elseif mode == "corep" then -- the limit, caught by a coroutine's resume
    local ok, err = coroutine.resume(coroutine.create(function()
      return string.rep("x", 2 ^ 26)
    end))
    log.warning("caught: " .. tostring(err))
    for i = 1, 100 do local x = i end
  end
  op.upsert("t", { id = 3 })
  op.checkpoint({ n = 3 })
end
LUA

mode() { printf '{"mode": "%s"}\n' "$1" > cfg.json; rm -rf o; }

# ---- --timeout in long calls into C ----------------------------------------
TIMEOUT_MSG='hold\.lua(:[0-9]+)?: stopped: the sync ran longer than --timeout 0\.5 s'
for sb in "" --sandbox; do
  mode gsub
  timed hold.lua --output o --configuration cfg.json --timeout 0.5 $sb
  expect_exit 5
  stopped_or_ended "$TIMEOUT_MSG"
  expect_out "Checkpoints    | 1"
  expect_out "SYNC FAILED"
  within 2000 "--timeout 0.5 $sb in three gsub on 40 MB"
done
# No allocation to stop it at: the command ends it 1 s after the deadline,
# with the summary.
mode find
timed hold.lua --output o --configuration cfg.json --timeout 0.5
expect_exit 5
expect_err "the script did not stop (it is inside a long call)"
expect_out "Checkpoints    | 1"
expect_out "SYNC FAILED"
within 2500 "--timeout 0.5 in a string.find that never allocates"

# ---- --timeout in a coroutine -----------------------------------------------
for m in coloop cowrap; do
  mode $m
  timed hold.lua --output o --configuration cfg.json --timeout 0.5 --sandbox
  expect_exit 5
  stopped_line "$TIMEOUT_MSG"
  failed_with_summary
  within 2000 "--timeout 0.5 in a coroutine ($m)"
done

# ---- --memory-limit caught by pcall or in a coroutine ------------------------
MEM_MSG='hold\.lua(:[0-9]+)?: stopped: the script needed more than --memory-limit 20 MB'
for m in rep corep; do
  for sb in "" --sandbox; do
    mode $m
    timed hold.lua --output o --configuration cfg.json --memory-limit 20 $sb
    expect_exit 5
    stopped_line "$MEM_MSG"
    failed_with_summary
    within 5000 "--memory-limit 20 $sb ($m)"
  done
done

# ---- SIGINT and SIGTERM in a coroutine, in a long gsub ----------------------
# The signal goes 0.2 s after the marker (stop_run: tests/script/lib/stop.sh).
SIG_DELAY=0.2
write sig.lua <<'LUA'
function update(configuration, state)
  op.upsert("t", { id = 1 })
  op.checkpoint({ n = 1 })
  op.upsert("t", { id = 2 })
  local mode = configuration.mode
  io.open("marker", "w"):close()
  if mode == "coloop" then
    coroutine.resume(coroutine.create(function() while true do end end))
  elseif mode == "cocaught" then
    coroutine.wrap(function()
      while true do pcall(function() for i = 1, 100 do local x = i end end) end
    end)()
  elseif mode == "gsub" then
    local s = string.rep("a", 40 * 1024 * 1024)
    for i = 1, 20 do local r = s:gsub("a", "b") end
  end
  op.upsert("t", { id = 3 })
  op.checkpoint({ n = 3 })
end
LUA
# signalled SIGNAL STATUS MODE OPTIONS...: a loop in a coroutine stops
# within 800 ms of the signal, with its SEVERE line; a gsub (see
# stopped_or_ended) within 1.6 s, with the summary either way.
signalled() {
  local sig=$1 status=$2 m=$3 bound=800
  shift 3
  mode "$m"
  rm -f marker
  stop_run "$sig" marker sig.lua --output o --configuration cfg.json "$@"
  [ "$STOPPED" = "$status" ] || { fail "$sig in $m $*: exit status '$STOPPED', expected $status"; show_output; return; }
  [ "$m" != gsub ] || bound=1600
  [ "$STOP_MS" -lt "$bound" ] || fail "$sig in $m $*: took $STOP_MS ms after the signal (bound: $bound ms)"
  if [ "$m" = gsub ]; then
    stopped_or_ended "sig\\.lua(:[0-9]+)?: interrupted by $sig"
    expect_out "Checkpoints    | 1"
    expect_out "SYNC FAILED"
    return
  fi
  stopped_line "sig\\.lua(:[0-9]+)?: interrupted by $sig"
  expect_no_err "did not stop"
  failed_with_summary
}
signalled SIGTERM 143 coloop
signalled SIGINT 130 coloop
signalled SIGTERM 143 coloop --timeout 100
signalled SIGTERM 143 cocaught
signalled SIGINT 130 cocaught --timeout 100
signalled SIGTERM 143 gsub

# ---- __gc finalizers at close ------------------------------------------------
# The sync committed everything; then the Lua state is closed and a
# finalizer loops forever, or fails. It is stopped (within 0.5 s) and
# reported as a WARNING; the sync succeeded.
write gc.lua <<'LUA'
function update(configuration, state)
  op.upsert("t", { id = 1 })
  op.checkpoint({ n = 1 })
  op.upsert("t", { id = 2 })
  local how = configuration.mode
  kept = setmetatable({}, { __gc = function()
    if how == "loop" then while true do end
    elseif how == "coloop" then coroutine.wrap(function() while true do end end)()
    else error("finalizer broke") end
  end })
end
LUA
for m in loop coloop error; do
  for opts in "" "--timeout 1" "--sandbox --memory-limit 50"; do
    mode $m
    timed gc.lua --output o --configuration cfg.json $opts
    expect_exit 0
    expect_out "SYNC SUCCEEDED"
    expect_err "WARNING  gc.lua: a __gc finalizer failed at close: "
    expect_no_err "SEVERE"
    expect_sql o/warehouse.db "SELECT group_concat(id) FROM t" "1,2"
    within 3000 "a finalizer ($m $opts) at close"
  done
done
expect_err "finalizer broke"
# A finalizer that behaves is run at close as before, without a word.
write gcok.lua <<'LUA'
function update(configuration, state)
  op.upsert("t", { id = 1 })
  kept = setmetatable({}, { __gc = function() io.open("finalized", "w"):close() end })
end
LUA
rm -rf o finalized
timed gcok.lua --output o
expect_exit 0
expect_no_err "WARNING"
[ -e finalized ] || fail "a finalizer that behaves did not run at close"
