# Helpers for the cases that damage o/warehouse.db (bad_corrupt_db*.sh).

# good_db: a fresh o/warehouse.db made by good.lua: table t (id INT key,
# name STRING) with one row (1, "one"), and the checkpoint {cursor = 1}.
good_db() {
  write good.lua <<'LUA'
function schema(configuration)
  return { { table = "t", primary_key = { "id" }, columns = { id = "INT", name = "STRING" } } }
end
function update(configuration, state)
  op.upsert("t", { id = 1, name = "one" })
  op.checkpoint({ cursor = 1 })
end
LUA
  rm -f o/warehouse.db
  run good.lua --output o
  expect_exit 0
}

# damaged_run COPY: keeps a copy of the damaged o/warehouse.db in COPY, then
# runs good.lua on it again: the run fails with exit 1 and SYNC FAILED.
damaged_run() {
  cp o/warehouse.db "$1"
  run good.lua --output o
  expect_exit 1
  expect_out "SYNC FAILED"
}
