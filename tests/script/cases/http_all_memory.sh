# --memory-limit holds for an http.request_all as a whole: four bodies of
# 6 MiB, each of which fits, cannot together pass what the limit leaves
# the script; the batch stops as the limit does (exit 5) with a WARNING
# naming the request. max_response_bytes still holds for each response.
. "$ROOT/tests/http/helpers.sh"
start_server
MiB=1048576

write all.lua <<LUA
function update(configuration, state)
  local reqs = {}
  for i = 1, 4 do reqs[i] = { url = "$BASE/big", query = { bytes = 6 * $MiB, id = i } } end
  local one = http.get(reqs[1].url .. "?bytes=" .. 6 * $MiB)
  log.info("one " .. #one.body)
  one = nil
  collectgarbage()
  http.request_all(reqs, { concurrency = 2 })
end
LUA
run all.lua --memory-limit 16
expect_exit 5
expect_err "INFO     one 6291456"
severe_is "all.lua: stopped: the script needed more than --memory-limit 16 MB"
expect_err "WARNING  http.request_all: request "
expect_err "would take the batch's responses past what --memory-limit leaves the script ("

write cap.lua <<LUA
function update(configuration, state)
  local rs = http.request_all({
    { url = "$BASE/big?bytes=100" },
    { url = "$BASE/big?bytes=2000", max_response_bytes = 1000 },
  }, { errors = "return" })
  log.info("cap " .. #rs[1].body .. " | " .. rs[2].error)
end
LUA
run cap.lua
expect_exit 0
expect_err "INFO     cap 100 | GET $BASE/big?bytes=2000: the response (Content-Length: 2000) is larger than max_response_bytes (1000 bytes); raise it with http.configure{max_response_bytes = ...}"
