# JSON arrays stay arrays, empty ones too: in json.encode, in JSON columns
# and in the state. (An empty array decoded from JSON once came back as {}.)
write a.lua <<'LUA'
local function same(text) assert(json.encode(json.decode(text)) == text, text .. " -> " .. json.encode(json.decode(text))) end
function update(configuration, state)
  for _, text in ipairs({ '[]', '{"a":[]}', '{"x":[[],[[]],{}],"y":{}}', '[1,[],"s",{"k":[]}]' }) do same(text) end
  assert(json.encode(json.array()) == "[]")
  assert(json.encode({ list = json.array({ 1, 2 }) }) == '{"list":[1,2]}')
  assert(json.encode({}) == "{}")                    -- an unmarked empty table is an object
  local ok, err = pcall(json.array, "no")
  assert(not ok and err:find("json.array: expected a table or nothing, got string", 1, true), err)
  op.upsert("t", { id = 1, j = json.decode('[]'), k = json.decode('{"x":[]}'), m = json.array() })
  op.checkpoint({ seen = json.array(), pages = state.pages or json.decode('[[]]') })
end
LUA
run a.lua --output o
expect_exit 0
expect_sql o/warehouse.db "SELECT j, k, m FROM t" '[]|{"x":[]}|[]'
expect_state o '{"pages":[[]],"seen":[]}'
# the state read back keeps its arrays
run a.lua --output o
expect_exit 0
expect_state o '{"pages":[[]],"seen":[]}'
