# Stops are prompt and always reported (timing). SIGINT, SIGTERM and
# --timeout end a sync that is inside an HTTP transfer or a retry's wait
# at once (libcurl is polled every 50 ms; the old way waited for the
# transfer, or was killed 3 s later without a report), and every stopped
# sync -- also one ended by force, by a second signal or after the grace
# period -- prints its summary and SYNC FAILED. The margins are generous:
# "at once" is checked as "under 1 s", against the 3 s or more it took.
. "$ROOT/tests/http/helpers.sh"
start_server

# Each script checkpoints, makes the marker, then waits on the server.
write slow.lua <<LUA
function update(configuration, state)
  op.upsert("t", { id = 1 })
  op.checkpoint({ n = 1 })
  op.upsert("t", { id = 2 })
  io.open("marker", "w"):close()
  http.get("$BASE/slow?seconds=10", { retries = 0 })
  op.upsert("t", { id = 3 })
end
LUA
write backoff.lua <<LUA
function update(configuration, state)
  op.upsert("t", { id = 1 })
  op.checkpoint({ n = 1 })
  http.configure{ backoff = 8, retries = 3 }
  io.open("marker", "w"):close()
  http.get("$BASE/status/500")
end
LUA
write caught.lua <<LUA
function update(configuration, state)
  op.upsert("t", { id = 1 })
  op.checkpoint({ n = 1 })
  io.open("marker", "w"):close()
  local ok, err = pcall(http.get, "$BASE/slow?seconds=10", { retries = 0 })
  log.warning("caught: " .. tostring(err))
  op.upsert("t", { id = 3 })
  op.checkpoint({ n = 2 })
end
LUA
write ratelimit.lua <<LUA
function update(configuration, state)
  op.upsert("t", { id = 1 })
  op.checkpoint({ n = 1 })
  http.configure{ rate_limit = { per_second = 0.1 } }
  http.get("$BASE/echo")
  io.open("marker", "w"):close()
  http.get("$BASE/echo") -- waits 10 s for the rate limit
end
LUA

expect_stopped "SIGINT in a slow transfer" 130 1 'slow\.lua(:6)?: interrupted by SIGINT' SIGINT slow.lua --output o
expect_err "INFO     rolled back: the database is as the last checkpoint left it"
expect_sql o/warehouse.db "SELECT group_concat(id) FROM t" "1"
expect_stopped "SIGTERM in a slow transfer" 143 1 'slow\.lua(:6)?: interrupted by SIGTERM' SIGTERM slow.lua --output o
expect_stopped "SIGTERM in a retry's back-off" 143 1 'backoff\.lua(:6)?: interrupted by SIGTERM' SIGTERM backoff.lua --output o
expect_err "retry 1 of 3 in"
expect_stopped "SIGINT in a rate-limit wait" 130 1 'ratelimit\.lua(:7)?: interrupted by SIGINT' SIGINT ratelimit.lua --output o
# A pcall around the request does not swallow the stop.
expect_stopped "SIGINT caught by pcall" 130 1 'caught\.lua(:[0-9]+)?: interrupted by SIGINT' SIGINT caught.lua --output o
expect_sql o/warehouse.db "SELECT group_concat(id) FROM t" "1"
# --timeout during a transfer: stopped at the deadline, not 3 s past it.
SIG_DELAY=0 expect_stopped "--timeout in a slow transfer" 5 1.5 'slow\.lua(:6)?: stopped: the sync ran longer than --timeout 0\.8 s' none slow.lua --output o --timeout 0.8
expect_sql o/warehouse.db "SELECT group_concat(id) FROM t" "1"

# Ended by force, still reported. A script inside one long C call cannot be
# stopped between instructions: a second signal ends it at once ...
write longcall.lua <<'LUA'
function update(configuration, state)
  op.upsert("t", { id = 1 })
  op.checkpoint({ n = 1 })
  io.open("marker", "w"):close()
  local r = string.rep("a", 5000):find(".-.-.-.-b")
end
LUA
expect_stopped "a second SIGINT" 130 1.3 '' SIGINT,SIGINT longcall.lua --output o
expect_err "connector-lua: stopped at once by a second signal; the database keeps its last checkpoint"
expect_sql o/warehouse.db "SELECT group_concat(id) FROM t" "1"
# ... and one signal ends it after the 3 s grace period.
expect_stopped "one SIGTERM in a long call" 143 6 '' SIGTERM longcall.lua --output o
expect_err "connector-lua: the script did not stop (it is inside a long call)"
expect_sql o/warehouse.db "SELECT group_concat(id) FROM t" "1"
