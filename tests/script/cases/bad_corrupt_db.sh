# A warehouse.db that is not a database (garbage written over it): the run
# fails with exit 1 and one message naming the file, does not crash, and
# leaves the file exactly as it found it.

write good.lua <<'LUA'
function schema(configuration)
  return { { table = "t", primary_key = { "id" }, columns = { id = "INT", name = "STRING" } } }
end
function update(configuration, state)
  op.upsert("t", { id = 1, name = "one" })
  op.checkpoint({ cursor = 1 })
end
LUA
run good.lua --output o
expect_exit 0
expect_sql o/warehouse.db "SELECT count(*) FROM t" "1"

# Text over the whole file.
for i in $(seq 200); do echo "garbage garbage garbage $i"; done > o/warehouse.db
cp o/warehouse.db garbage.db
run good.lua --output o
expect_exit 1
expect_out "SYNC FAILED"
severe_is "cannot open o/warehouse.db: file is not a database"
cmp -s garbage.db o/warehouse.db || fail "o/warehouse.db was changed"
expect_file_eq o/state.json '{"cursor":1}'

# The header's first bytes damaged, the rest intact.
rm -f o/warehouse.db
run good.lua --output o
expect_exit 0
printf 'SQLite format 9\000' | dd of=o/warehouse.db bs=1 conv=notrunc status=none
cp o/warehouse.db header.db
run good.lua --output o
expect_exit 1
severe_is "cannot open o/warehouse.db: file is not a database"
cmp -s header.db o/warehouse.db || fail "o/warehouse.db was changed"

# A database cut short: its first two pages only.
rm -f o/warehouse.db
run good.lua --output o
expect_exit 0
head -c 8192 o/warehouse.db > cut.db
cp cut.db o/warehouse.db
run good.lua --output o
expect_exit 1
expect_out "SYNC FAILED"
severe_is "cannot open o/warehouse.db: database disk image is malformed"
cmp -s cut.db o/warehouse.db || fail "o/warehouse.db was changed"
