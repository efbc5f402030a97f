# Stops are prompt in a batch too (timing): SIGINT, SIGTERM and --timeout
# end an http.request_all whose transfers are all waiting on a slow server,
# or whose one request is waiting to retry, at once (every transfer is
# polled together, at least every 50 ms), with the stop's own message. The
# margin is loose: "at once" is checked as "under 1 s", the transfers
# taking 10 s and the back-off 8 s.
. "$ROOT/tests/http/helpers.sh"
start_server


write slow.lua <<LUA
function update(configuration, state)
  op.upsert("t", { id = 1 })
  op.checkpoint({ n = 1 })
  local reqs = {}
  for i = 1, 12 do reqs[i] = { url = "$BASE/slow", query = { seconds = 10, id = i }, retries = 0 } end
  io.open("marker", "w"):close()
  http.request_all(reqs, { concurrency = 4, errors = "return" })
  op.upsert("t", { id = 2 })
end
LUA
write backoff.lua <<LUA
function update(configuration, state)
  op.upsert("t", { id = 1 })
  op.checkpoint({ n = 1 })
  http.configure{ backoff = 8, retries = 3 }
  io.open("marker", "w"):close()
  http.request_all({ { url = "$BASE/echo" }, { url = "$BASE/status/500" } }, { errors = "return" })
end
LUA

expect_stopped "SIGINT in a batch" 130 1 'slow\.lua(:7)?: interrupted by SIGINT' SIGINT slow.lua --output o
expect_sql o/warehouse.db "SELECT group_concat(id) FROM t" "1"
expect_stopped "SIGTERM in a batch" 143 1 'slow\.lua(:7)?: interrupted by SIGTERM' SIGTERM slow.lua --output o
expect_stopped "SIGINT in a batch's back-off" 130 1 'backoff\.lua(:6)?: interrupted by SIGINT' SIGINT backoff.lua --output o
expect_err "retry 1 of 3 in"
SIG_DELAY=0 expect_stopped "--timeout in a batch" 5 1 'slow\.lua(:7)?: stopped: the sync ran longer than --timeout 0\.8 s' none slow.lua --output o --timeout 0.8
