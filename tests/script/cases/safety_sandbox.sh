# --sandbox: the script gets only base (without dofile and loadfile; load
# takes text chunks only), string, table, math, utf8, coroutine, os.time,
# os.date, os.clock and os.getenv, and the runtime's modules (op, log, json,
# uuid, base64, hash, http). io, os.execute/remove/exit/..., debug and binary
# chunks are absent, and so are C modules and package.path/cpath/loadlib
# (require loads Lua files beside the script only: kit_require.sh); using
# one is a plain Lua error with the file and line, and the sync fails
# (exit 1). Without --sandbox every standard library is there. schema()
# runs in the same sandbox.
. "$ROOT/tests/http/helpers.sh"

# What each name is, one per log line ("name=type"), and the globals.
write probe.lua <<'LUA'
local names = { "io", "package", "require", "debug", "dofile", "loadfile", "os.execute",
  "os.remove", "os.rename", "os.exit", "os.tmpname", "os.setlocale", "os.difftime",
  "load", "string.dump", "os.time", "os.date", "os.clock", "os.getenv", "utf8.char",
  "coroutine.wrap", "math.floor", "table.concat", "string.format", "pcall", "error",
  "setmetatable", "collectgarbage", "op.upsert", "op.checkpoint", "log.info", "json.encode",
  "json.decode", "uuid.v4", "http.get", "http.request", "http.configure" }
function update(configuration, state)
  for _, n in ipairs(names) do
    local v = _G
    for part in n:gmatch("[^.]+") do v = v and v[part] end
    log.info(n .. "=" .. type(v))
  end
  local g, o = {}, {}
  for k in pairs(_G) do g[#g + 1] = k end
  for k in pairs(os) do o[#o + 1] = k end
  table.sort(g)
  table.sort(o)
  log.info("globals: " .. table.concat(g, " "))
  log.info("os: " .. table.concat(o, " "))
end
LUA
types() { sed -n 's/^[0-9:.]* INFO     \([a-z0-9_.]*=[a-z]*\)$/\1/p' err | tr '\n' ' '; }

run probe.lua --output o --sandbox
expect_exit 0
got=$(types)
want="io=nil package=table require=function debug=nil dofile=nil loadfile=nil os.execute=nil os.remove=nil os.rename=nil os.exit=nil os.tmpname=nil os.setlocale=nil os.difftime=nil load=function string.dump=function os.time=function os.date=function os.clock=function os.getenv=function utf8.char=function coroutine.wrap=function math.floor=function table.concat=function string.format=function pcall=function error=function setmetatable=function collectgarbage=function op.upsert=function op.checkpoint=function log.info=function json.encode=function json.decode=function uuid.v4=function http.get=function http.request=function http.configure=function "
[ "$got" = "$want" ] || fail "--sandbox: got $got"
expect_err "INFO     globals: _G _VERSION assert base64 collectgarbage coroutine error getmetatable hash http ipairs json load log math next op os package pairs pcall print rawequal rawget rawlen rawset require select setmetatable string table time tonumber tostring type update utf8 uuid warn xpcall"
expect_err "INFO     os: clock date getenv time"

# Without --sandbox: everything.
run probe.lua --output o
expect_exit 0
got=$(types)
[ "$got" = "$(echo "$want" | sed 's/=nil /=function /g; s/^io=function/io=table/; s/package=function/package=table/; s/debug=function/debug=table/')" ] ||
  fail "without --sandbox: got $got"
expect_err "INFO     globals: _G _VERSION assert base64 collectgarbage coroutine debug dofile error getmetatable hash http io ipairs json load loadfile log math next op os package pairs pcall print rawequal rawget rawlen rawset require select setmetatable string table time tonumber tostring type update utf8 uuid warn xpcall"
expect_err "INFO     os: clock date difftime execute exit getenv remove rename setlocale time tmpname"

# Each forbidden thing, used on line 4 after an upsert: a plain Lua error
# naming the file and line; the sync fails and keeps nothing; nothing is
# done (no file x is written or removed). Without --sandbox the same line
# works.
forbidden() {
  local before=$FAILURES
  write f.lua <<LUA
function update(configuration, state)
  op.upsert("t", { id = 1 })
  local ok = true
  $1
end
LUA
  : > x
  rm -rf o
  run f.lua --output o --sandbox
  expect_exit 1
  expect_out "SYNC FAILED"
  severe_is "f.lua:4: $2"
  [ -e x ] && [ ! -s x ] || fail "the sandboxed script touched the file x"
  expect_sql o/warehouse.db "SELECT count(*) FROM sqlite_master WHERE name = 't'" "0"
  rm -rf o
  run f.lua --output o
  expect_exit 0
  [ "$FAILURES" = "$before" ] || echo "  (in: forbidden $1)" >&2
  :
}
forbidden 'io.open("x", "w"):write("written")' "attempt to index a nil value (global 'io')"
forbidden 'os.execute("echo executed > x")' "attempt to call a nil value (field 'execute')"
forbidden 'os.remove("x")' "attempt to call a nil value (field 'remove')"
forbidden 'os.rename("x", "y"); os.rename("y", "x")' "attempt to call a nil value (field 'rename')"
forbidden 'os.tmpname()' "attempt to call a nil value (field 'tmpname')"
forbidden 'require("io")' "module 'io' not found:"
forbidden 'package.loadlib("x", "luaopen_x")' "attempt to call a nil value (field 'loadlib')"
forbidden 'package.searchpath("x", "?")' "attempt to call a nil value (field 'searchpath')"
forbidden 'debug.getinfo(1)' "attempt to index a nil value (global 'debug')"
forbidden 'dofile("x")' "attempt to call a nil value (global 'dofile')"
forbidden 'loadfile("x")' "attempt to call a nil value (global 'loadfile')"
# A binary chunk: load returns nil and the reason, whatever mode is asked for.
forbidden 'assert(load(string.dump(function() return 1 end), "bin", "b"))' \
  "attempt to load a binary chunk (mode is 't')"
# os.exit would end the sync without a summary; in the sandbox it is absent.
write exit.lua <<'LUA'
function update(configuration, state)
  op.upsert("t", { id = 1 })
  os.exit(0)
end
LUA
rm -rf o
run exit.lua --output o --sandbox
expect_exit 1
severe_is "exit.lua:3: attempt to call a nil value (field 'exit')"

# schema() is sandboxed too.
write schema_io.lua <<'LUA'
function schema(configuration)
  local f = io.open("x")
  return {}
end
function update(configuration, state) end
LUA
rm -rf o
run schema_io.lua --output o --sandbox
expect_exit 1
severe_is "schema_io.lua:2: attempt to index a nil value (global 'io')"

# What the sandbox keeps works, runtime modules included. The server is
# started here, not at the top: it lives 60 s, and the runs above take most
# of that under valgrind.
start_server
write allowed.lua <<LUA
local base = "$BASE"
function update(configuration, state)
  local bin = string.dump(function() return 42 end)
  local r = {}
  local function try(name, fn)
    local ok, a, b = pcall(fn)
    r[#r + 1] = name .. ": " .. tostring(ok) .. " " .. tostring(a) .. " " .. tostring(b)
  end
  try("load text", function() return load("return 1 + 1")() end)
  try("load env", function() return load("return x", "chunk", "t", { x = 7 })() end)
  try("load reader", function()
    local done = false
    return load(function() if done then return nil end done = true return "return 5" end)()
  end)
  try("load binary", function() return load(bin) end)
  try("load binary b", function() return load(bin, "x", "b") end)
  try("load binary reader", function()
    local done = false
    return load(function() if done then return nil end done = true return bin end)
  end)
  try("os.date", function() return os.date("!%Y-%m-%dT%H:%M:%S", 86400) end)
  try("os.time", function() return os.time({ year = 2020, month = 1, day = 1, hour = 12 }) > 0 end)
  try("os.clock", function() return math.type(os.clock()) end)
  try("os.getenv", function() return os.getenv("CLUA_SANDBOX_PROBE") end)
  try("string", function() return ("%05d|%s"):format(42, ("abc"):upper():rep(2)) end)
  try("table", function() local t = { 3, 1, 2 }; table.sort(t); return table.concat(t, ",") end)
  try("math", function() return math.max(1, 9, 3) + math.floor(2.5) end)
  try("utf8", function() return utf8.char(233, 8364) .. " " .. utf8.len("日本") end)
  try("coroutine", function()
    local co = coroutine.wrap(function() coroutine.yield(3) end)
    return co()
  end)
  try("metatables", function()
    return setmetatable({}, { __index = function(_, k) return k .. "!" end }).hi
  end)
  try("json", function() return json.encode(json.decode('{"a":[1,2,null],"b":"x"}')) end)
  try("uuid", function() return #uuid.v4() end)
  try("http", function() local e = http.get(base .. "/echo?q=1"):json(); return e.method .. " " .. e.query end)
  try("http redirect to file", function()
    return http.get(base .. "/redirect?to=file:///etc/passwd", { retries = 0 }).body
  end)
  for _, l in ipairs(r) do log.info(l) end
  op.upsert("t", { id = 1, v = "sandboxed" })
  op.checkpoint({ ok = true })
end
LUA
for sb in --sandbox ""; do
  rm -rf o
  CLUA_SANDBOX_PROBE=probe-value run allowed.lua --output o $sb
  expect_exit 0
  expect_out "SYNC SUCCEEDED"
  expect_err "INFO     load text: true 2 nil"
  expect_err "INFO     load env: true 7 nil"
  expect_err "INFO     load reader: true 5 nil"
  expect_err "INFO     os.date: true 1970-01-02T00:00:00 nil"
  expect_err "INFO     os.time: true true nil"
  expect_err "INFO     os.clock: true float nil"
  expect_err "INFO     os.getenv: true probe-value nil"
  expect_err "INFO     string: true 00042|ABCABC nil"
  expect_err "INFO     table: true 1,2,3 nil"
  expect_err "INFO     math: true 11 nil"
  expect_err "INFO     utf8: true é€ 2 nil"
  expect_err "INFO     coroutine: true 3 nil"
  expect_err "INFO     metatables: true hi! nil"
  expect_err 'INFO     json: true {"a":[1,2,null],"b":"x"} nil'
  expect_err "INFO     uuid: true 36 nil"
  expect_err "INFO     http: true GET q=1 nil"
  # libcurl is told to follow redirects to http and https only, sandbox or not.
  grep -q "INFO     http redirect to file: false .*http.get: GET $BASE/redirect?to=file:///etc/passwd" err ||
    { fail "a redirect to file:// was not refused"; show_output; }
  expect_no_err "root:"
  expect_sql o/warehouse.db "SELECT v FROM t" "sandboxed"
  expect_state o '{"ok":true}'
done
# Binary chunks: refused in the sandbox, loaded without it.
rm -rf o
run allowed.lua --output o --sandbox
for what in "load binary" "load binary b" "load binary reader"; do
  expect_err "INFO     $what: true nil attempt to load a binary chunk (mode is 't')"
done
rm -rf o
run allowed.lua --output o
for what in "load binary" "load binary b" "load binary reader"; do
  expect_err "INFO     $what: true function: "
done

# A script that returns its functions in a table works in the sandbox.
write returned.lua <<'LUA'
return {
  schema = function(configuration) return { { table = "t", primary_key = { "id" } } } end,
  update = function(configuration, state) op.upsert("t", { id = 1 }) end,
}
LUA
rm -rf o
run returned.lua --output o --sandbox
expect_exit 0
expect_sql o/warehouse.db "SELECT id FROM t" "1"
