# A float into a DECIMAL column is read to 15 significant digits (the digits
# a double keeps of any decimal), and a refusal shows those digits, so the
# count of decimals it gives matches the value it shows. (It once showed
# 0.33333333333333, 14 decimals, and said 15.)
write d.lua <<'LUA'
function schema(configuration)
  return { { table = "t", primary_key = { "id" },
             columns = { id = "INT", p = { type = "DECIMAL", precision = 10, scale = 2 } } } }
end
function update(configuration, state)
  op.upsert("t", { id = 1, p = 0.1 + 0.2 })     -- 0.3 to 15 digits
  op.upsert("t", { id = 2, p = 1 / 3 })
end
LUA
run d.lua --output o
expect_exit 1
severe_is 'd.lua:7: op.upsert("t") id=2: column "p" is DECIMAL(10,2), got float 0.333333333333333 (15 decimals, at most 2)'
