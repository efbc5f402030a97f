# A column that schema() adds to an existing table is logged like every
# other schema change (it once was only counted). one/add.lua and
# two/add.lua are two versions of one connector (one file name).
write one/add.lua <<'LUA'
function schema(c) return { { table = "t", primary_key = { "id" }, columns = { id = "INT" } } } end
function update(c, s) op.upsert("t", { id = 1 }) end
LUA
write two/add.lua <<'LUA'
function schema(c)
  return { { table = "t", primary_key = { "id" },
             columns = { id = "INT", price = { type = "DECIMAL", precision = 9, scale = 2 }, note = "STRING" } } }
end
function update(c, s) op.upsert("t", { id = 2, price = "1.5", note = "x" }) end
LUA
run one/add.lua --output o
expect_exit 0
run two/add.lua --output o
expect_exit 0
expect_out "SchemaChanges  | 2"
expect_err 'INFO     added column "note" STRING to table "t"'
expect_err 'INFO     added column "price" DECIMAL(9,2) to table "t"'
expect_sql o/warehouse.db "SELECT id, quote(price), quote(note) FROM t ORDER BY id" $'1|NULL|NULL\n2|\'1.50\'|\'x\''
