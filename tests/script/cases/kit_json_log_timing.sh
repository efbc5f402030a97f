# --log-format json when a signal ends the sync: SIGTERM during a sync (rolled
# back, the library's SEVERE line and the summary as JSON); a script stuck
# inside one long C call, which the command ends from its signal handler
# after the grace period, and a second SIGTERM, which ends it at once: the
# handler's own message and summary are JSON too (written without malloc or
# stdio). And no progress line on a terminal: stderr stays JSON lines.

. "$ROOT/tests/script/json_log.sh"

# stop SIGNALS ARGS...: runs connector-lua ARGS, sends SIGNALS
# (comma-separated, 0.3 s apart) once ./marker is there (stop_run,
# tests/script/lib/stop.sh); RC is the exit status.
stop() {
  local sigs=$1
  shift
  rm -rf o marker
  SIG_DELAY=0.05 stop_run "$sigs" marker "$@"
  RC=$STOPPED
}

# Two rows and a checkpoint, then (mode) a busy Lua loop or one long C call.
# Its first two log lines are the runtime's (a table and a column made).
write s.lua <<'LUA'
function update(configuration, state)
  op.upsert("t", { id = 1 })
  op.upsert("t", { id = 2 })
  op.checkpoint({ next = 3 })
  op.upsert("t", { id = 3 })
  local f = assert(io.open("marker", "w"))
  f:close()
  if configuration.mode == "busy" then
    while true do end
  end
  local r = string.rep("a", 3000):find(".-.-.-.-b")
end
LUA
echo '{"mode": "busy"}' > busy.json
echo '{"mode": "longcall"}' > long.json

# SIGTERM in a Lua loop: the sync stops, rolls back and reports.
stop SIGTERM s.lua --output o --configuration busy.json --log-format json
expect_exit 143
jcheck 's["upserts"] == 3 and s["checkpoints"] == 1' \
  're.fullmatch(r"s\.lua(:[0-9]+)?: interrupted by SIGTERM", s["error"])' \
  '[(o["level"], o["message"]) for o in log[2:]] == [("SEVERE", s["error"]), ("INFO", "rolled back: the database is as the last checkpoint left it")]'
expect_sql o/warehouse.db "SELECT count(*) FROM t" "2"

# SIGTERM in a long C call: after the grace period the handler ends the
# process, and says so in JSON.
STUCK="the script did not stop (it is inside a long call); exiting: the database keeps its last checkpoint"
stop SIGTERM s.lua --output o --configuration long.json --log-format json
expect_exit 143
jcheck "s['error'] == '$STUCK'" 's["upserts"] == 3 and s["checkpoints"] == 1' \
  "[(o['level'], o['message']) for o in log[2:]] == [('SEVERE', '$STUCK')]" \
  's["database"] == '"$(pyq "$(dest_name o)")"' and s["state"] == '"$(pyq "$(dest_state_file o)")"
expect_sql o/warehouse.db "SELECT count(*) FROM t" "2"

# A second SIGTERM: at once.
AT_ONCE="stopped at once by a second signal; the database keeps its last checkpoint"
stop SIGTERM,SIGTERM s.lua --output o --configuration long.json --log-format json
expect_exit 143
jcheck "s['error'] == '$AT_ONCE'" "[(o['level'], o['message']) for o in log[2:]] == [('SEVERE', '$AT_ONCE')]"
expect_sql o/warehouse.db "SELECT count(*) FROM t" "2"

# The same in text: the handler's words as before.
stop SIGTERM,SIGTERM s.lua --output o --configuration long.json
expect_exit 143
[ "$(tail -n 1 err)" = "connector-lua: $AT_ONCE" ] || { fail "the text message changed"; show_output; }
expect_out "Checkpoints    | 1"
expect_out "SYNC FAILED"

# On a terminal: no progress line between the JSON lines.
if command -v script > /dev/null; then
  write p.lua <<'LUA'
function update(configuration, state)
  local i = 0
  repeat
    for _ = 1, 1000 do
      i = i + 1
      op.upsert("t", { id = i % 1000 })
    end
  until i >= 50000 and os.clock() >= 0.4
  log.info("done")
end
LUA
  Q=$(printf '%q' "$CLUA")
  script -qec "$Q p.lua --output p --log-format json > stdout.txt" /dev/null > tty.raw
  RC=$?
  expect_exit 0
  tr -d '\r' < tty.raw > err
  cp stdout.txt out
  grep -q $'\033' tty.raw && fail "an escape sequence (a progress line) on the terminal"
  jcheck '[o["message"] for o in log] == ["created table \"t\" (not declared, so rows are keyed by _fivetran_id)", "added column \"id\" LONG to table \"t\"", "done"]'
else
  fail "script(1) is needed (apt-get install bsdutils)"
fi
