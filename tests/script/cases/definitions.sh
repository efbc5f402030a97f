# definitions: include/connector_lua.d.lua (the LuaLS definitions) names
# exactly what the runtime gives a script: every global outside Lua's own
# libraries, every field of those global tables, print (which the runtime
# replaces), and the fields and methods of an http response. Both ways: a
# name the runtime has and the file lacks fails, and so does a name the file
# declares that the runtime does not have.

DEFS=$ROOT/include/connector_lua.d.lua

# The names the runtime registers, one a line: "op = {}" for a global table,
# "op.upsert()" for a function in it, "json.null" for another value,
# "print()" for a global function, "HttpResponse.status" and
# "HttpResponse:json()" for a response.
write names.lua <<'LUA'
-- Read at the chunk's start, before this script defines schema and update.
local lua_std = {}
for name in ("_G _VERSION assert collectgarbage dofile error getmetatable ipairs load loadfile "
  .. "next pairs pcall print rawequal rawget rawlen rawset require select setmetatable tonumber "
  .. "tostring type xpcall warn coroutine debug io math os package string table utf8"):gmatch("%S+") do
  lua_std[name] = true
end
local found = {}
local function add(name) found[#found + 1] = name end
local function kind(v) return type(v) == "function" and "()" or "" end
for name, v in pairs(_G) do
  if not lua_std[name] then
    if type(v) == "table" then
      add(name .. " = {}")
      for k, f in pairs(v) do add(name .. "." .. tostring(k) .. kind(f)) end
    else
      add(name .. kind(v))
    end
  end
end
-- print is one of Lua's, replaced by the runtime (log.info; kit_print.sh).
add("print()")

function update(configuration, state)
  local resp = http.get("http://127.0.0.1:9/x")
  for k, v in pairs(resp) do add("HttpResponse." .. k .. kind(v)) end
  for k, v in pairs(getmetatable(resp).__index) do add("HttpResponse:" .. k .. kind(v)) end
  for _, name in ipairs(found) do op.upsert("name", { name = name }) end
end
LUA
write x.cassette.json <<'JSON'
{"connector_lua_cassette": 1, "exchanges": [
  {"request": {"method": "GET", "url": "http://127.0.0.1:9/x"},
   "response": {"status": 200, "headers": ["Content-Type: application/json"], "body": "{}"}}]}
JSON
run names.lua --output o --replay x.cassette.json
expect_exit 0
sqlite3 -batch -noheader o/warehouse.db 'SELECT name FROM name' | LC_ALL=C sort > runtime.txt

# The names a definitions file declares, in the same form (see the
# convention at the top of include/connector_lua.d.lua).
declared() {
  awk '
    /^---@class connector\.HttpResponse$/ { in_resp = 1; next }
    in_resp && /^---@field / { print "HttpResponse." $2; next }
    { in_resp = 0 }
    match($0, /^function [A-Za-z_][A-Za-z0-9_.]*\(/) { print substr($0, 10, RLENGTH - 10) "()"; next }
    match($0, /^function HttpResponse:[A-Za-z_][A-Za-z0-9_]*\(/) { print substr($0, 10, RLENGTH - 10) "()"; next }
    match($0, /^[A-Za-z_][A-Za-z0-9_]* = \{\}/) { print $1 " = {}"; next }
    match($0, /^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]* = /) { print $1; next }
  ' "$1" | LC_ALL=C sort
}

# compare FILE: prints each difference between runtime.txt and FILE's names.
compare() {
  declared "$1" > declared.txt
  LC_ALL=C comm -23 runtime.txt declared.txt | sed 's/^/the runtime has it, the definitions lack it: /'
  LC_ALL=C comm -13 runtime.txt declared.txt | sed 's/^/the definitions declare it, the runtime lacks it: /'
}

# The runtime's list is not empty, and holds what every script uses.
for name in "op = {}" "op.upsert()" "json.null" "http.get()" "time.parse()" "HttpResponse.status" \
            "HttpResponse:json()" "print()"; do
  grep -qxF "$name" runtime.txt || fail "the runtime's list lacks $name (got: $(tr '\n' ' ' < runtime.txt))"
done

diff_text=$(compare "$DEFS")
[ -z "$diff_text" ] || fail "include/connector_lua.d.lua does not match the runtime:
$diff_text"

# The comparison sees a difference both ways: a copy without op.truncate and
# with an invented op.merge fails, naming both.
sed -e '/^function op.truncate(/d' -e 's/^function op.checkpoint(state) end$/&\nfunction op.merge(t, d) end/' \
  "$DEFS" > doctored.d.lua
diff_text=$(compare doctored.d.lua)
want='the runtime has it, the definitions lack it: op.truncate()
the definitions declare it, the runtime lacks it: op.merge()'
[ "$diff_text" = "$want" ] || fail "a doctored definitions file gives:
$diff_text
expected:
$want"
