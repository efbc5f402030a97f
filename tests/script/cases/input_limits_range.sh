# Numbers a user gives are checked against what is allowed and refused with
# the range in the message, never clamped or converted out of range (a
# timeout of 1e300 s used to become 1 ms: undefined behaviour in C).
# http.configure and a request's options: timeout, backoff, max_delay (0 to
# 86400 s; timeout more than 0), rate_limit.per_second (1/86400 to
# 1000000); the command's --timeout and --memory-limit (to 1000000000).

write opts.lua <<'LUA'
local function try(f)
  local ok, err = pcall(f)
  log.warning(ok and "accepted" or err)
end
function update(configuration, state)
  try(function() http.configure{ timeout = 1e300 } end)
  try(function() http.configure{ timeout = 86400.5 } end)
  try(function() http.configure{ max_delay = 1e300 } end)
  try(function() http.configure{ backoff = 2^63 } end)
  try(function() http.configure{ backoff = -1 } end)
  try(function() http.configure{ timeout = 0/0 } end)
  try(function() http.configure{ max_delay = math.huge } end)
  try(function() http.configure{ rate_limit = { per_second = 1e-300 } } end)
  try(function() http.configure{ rate_limit = { per_second = 1e300 } } end)
  try(function() http.get("http://127.0.0.1:1/", { timeout = 1e300 }) end)
  try(function() http.get("http://127.0.0.1:1/", { backoff = 1e20 }) end)
  -- The edges are taken.
  try(function() http.configure{ timeout = 86400, max_delay = 86400, backoff = 0,
                                 rate_limit = { per_second = 1 / 86400 } } end)
  try(function() http.configure{ rate_limit = { per_second = 1000000 } } end)
end
LUA
run opts.lua --output opts
expect_exit 0
expect_err "opts.lua:6: http.configure: timeout must be a number <= 86400, got 1e+300 (seconds: more than 0, at most 86400)"
expect_err "opts.lua:7: http.configure: timeout must be a number <= 86400, got 86400.5 (seconds: more than 0, at most 86400)"
expect_err "opts.lua:8: http.configure: max_delay must be a number <= 86400, got 1e+300 (seconds: from 0, at most 86400)"
expect_err "opts.lua:9: http.configure: backoff must be a number <= 86400, got 9.2233720368548e+18 (seconds: from 0, at most 86400)"
expect_err "opts.lua:10: http.configure: backoff must be a number >= 0, got -1.0 (seconds: from 0, at most 86400)"
expect_err "opts.lua:11: http.configure: timeout must be a number > 0, got "
expect_err "opts.lua:12: http.configure: max_delay must be a number <= 86400, got inf (seconds: from 0, at most 86400)"
expect_err "opts.lua:13: http.configure: rate_limit.per_second must be a number of requests a second from 1/86400 (one a day) to 1000000, got 1e-300"
expect_err "opts.lua:14: http.configure: rate_limit.per_second must be a number of requests a second from 1/86400 (one a day) to 1000000, got 1e+300"
expect_err "opts.lua:15: http.get: timeout must be a number <= 86400, got 1e+300 (seconds: more than 0, at most 86400)"
expect_err "opts.lua:16: http.get: backoff must be a number <= 86400, got 1e+20 (seconds: from 0, at most 86400)"
[ "$(grep -c 'WARNING  accepted' err)" = 2 ] || { fail "the edges were not both accepted"; show_output; }
expect_no_err "127.0.0.1:1"

# The command's limits.
write ok.lua <<'LUA'
function update(configuration, state) end
LUA
for v in 1e300 1e10 inf nan; do
  run ok.lua --output o --timeout "$v"
  expect_exit 2
  expect_err "connector-lua: --timeout takes a number of seconds, not: $v (more than 0, at most 1000000000)"
  run ok.lua --output o --memory-limit "$v"
  expect_exit 2
  expect_err "connector-lua: --memory-limit takes a number of megabytes, 1 or more, not: $v (from 1 to 1000000000)"
done
run ok.lua --output o --timeout 1000000000 --memory-limit 1000000000
expect_exit 0
