# Schema changes across runs that could lose data (a narrower or unrelated
# type, another primary key) stop the run before update() and before any
# write: the message says what changed and that `connector-lua reset`
# starts afresh, and warehouse.db and state.json are byte for byte what they
# were. After a reset the new declaration is taken. Each refused version of
# the connector is NAME/conn.lua: the same file name, so the same connector.

write conn.lua <<'LUA'
function schema(configuration)
  return {
    { table = "k", primary_key = { "id" },
      columns = { id = "INT", a = "INT", l = "LONG", s = "STRING", bin = "BINARY", dbl = "DOUBLE",
                  d = { type = "DECIMAL", precision = 15, scale = 2 } } },
    { table = "h", columns = { x = "INT" } },                  -- no key: _fivetran_id
  }
end
function update(configuration, state)
  op.upsert("k", { id = 1, a = 2, l = 3, s = "s", bin = "\0\1", dbl = 0.5, d = "12.30" })
  op.upsert("k", { id = 2, a = -2, l = 1 << 40, s = "t", d = 7 })
  op.upsert("h", { x = 1 })
  op.checkpoint({ cursor = "c1" })
end
LUA
run conn.lua --output o
expect_exit 0
cp o/warehouse.db db.before
saved_state o > state.before
dump_db o/warehouse.db > dump.before
expect_file_eq state.before '{"cursor":"c1"}'

HINT='run `connector-lua reset` to start afresh'

# refuse NAME DECLS MESSAGE: schema() returning DECLS is refused with the one
# SEVERE line `NAME/conn.lua: schema(): MESSAGE`; update() never runs; nothing
# in the output directory changed.
refuse() {
  local before=$FAILURES
  write "$1/conn.lua" <<LUA
function schema(configuration)
  return { $2 }
end
function update(configuration, state)
  log.info("update ran")
  op.upsert("k", { id = 9 })
  op.checkpoint({ cursor = "changed" })
end
LUA
  run "$1/conn.lua" --output o
  expect_exit 1
  expect_out "SYNC FAILED"
  severe_is "$1/conn.lua: schema(): $3"
  expect_err 'connector-lua reset'
  expect_no_err "update ran"
  expect_sql o/warehouse.db "SELECT status FROM _clua_syncs ORDER BY id DESC LIMIT 1" failed
  [ "$(saved_state o)" = "$(cat state.before)" ] || fail "the saved state changed"
  dump_db o/warehouse.db > dump.after
  cmp -s dump.before dump.after || fail "the rows or the schema changed"
  [ "$FAILURES" = "$before" ] || echo "  (in: refuse $1)" >&2
}

K='table = "k", primary_key = { "id" }'
refuse long_to_int "{ $K, columns = { id = \"INT\", l = \"INT\" } }" \
  "table \"k\" column \"l\" is LONG in the database; declaring it INT could lose data; $HINT"
refuse string_to_int "{ $K, columns = { id = \"INT\", s = \"INT\" } }" \
  "table \"k\" column \"s\" is STRING in the database; declaring it INT could lose data; $HINT"
refuse double_to_long "{ $K, columns = { id = \"INT\", dbl = \"LONG\" } }" \
  "table \"k\" column \"dbl\" is DOUBLE in the database; declaring it LONG could lose data; $HINT"
refuse binary_to_string "{ $K, columns = { id = \"INT\", bin = \"STRING\" } }" \
  "table \"k\" column \"bin\" is BINARY in the database; declaring it STRING could lose data; $HINT"
refuse fewer_decimals "{ $K, columns = { id = \"INT\", d = { type = \"DECIMAL\", precision = 16, scale = 1 } } }" \
  "table \"k\" column \"d\" is DECIMAL(15,2) in the database; declaring it DECIMAL(16,1) could lose data; $HINT"
refuse fewer_int_digits "{ $K, columns = { id = \"INT\", d = { type = \"DECIMAL\", precision = 15, scale = 3 } } }" \
  "table \"k\" column \"d\" is DECIMAL(15,2) in the database; declaring it DECIMAL(15,3) could lose data; $HINT"
refuse key_short "{ $K, columns = { id = \"SHORT\" } }" \
  "table \"k\" column \"id\" is INT in the database; declaring it SHORT could lose data; $HINT"
refuse key_other_column '{ table = "k", primary_key = { "a" } }' \
  "table \"k\": the primary key in the database differs from the one declared (\"a\" is not column 1 of it); $HINT"
refuse key_longer '{ table = "k", primary_key = { "id", "a" } }' \
  "table \"k\": the primary key has 1 column(s) in the database and 2 in schema(); $HINT"
refuse key_new_column '{ table = "k", primary_key = { "zz" }, columns = { zz = "INT" } }' \
  "table \"k\": the primary key now includes \"zz\", which the table does not have; $HINT"
refuse key_dropped '{ table = "k" }' \
  "table \"k\" has a primary key in the database and none in schema(); $HINT"
refuse key_added '{ table = "h", primary_key = { "x" } }' \
  "table \"h\": the primary key has 0 column(s) in the database and 1 in schema(); $HINT"
# A refusal after changes that are fine (a new table, a widened column):
# those are not written either.
refuse after_good_changes "{ table = \"fresh\", primary_key = { \"id\" } }, { $K, columns = { id = \"INT\", a = \"LONG\" } }, { table = \"h\", columns = { x = \"SHORT\" } }" \
  "table \"h\" column \"x\" is INT in the database; declaring it SHORT could lose data; $HINT"
expect_sql o/warehouse.db "SELECT count(*) FROM sqlite_master WHERE name = 'fresh'" "0"
expect_sql o/warehouse.db "SELECT logical_type FROM _clua_columns WHERE table_name = 'k' AND column_name = 'a'" "INT"

# The old declaration still runs against the untouched database.
run conn.lua --output o
expect_exit 0
expect_out "SchemaChanges  | 0"
expect_sql o/warehouse.db "SELECT count(*) FROM k" "2"
expect_sql o/warehouse.db "SELECT count(*) FROM h" "1"

# What the hint says works: after a reset the narrower declaration is taken.
"$CLUA" reset --output o > out 2> err
RC=$?
expect_exit 0
run long_to_int/conn.lua --output o
expect_exit 0
expect_err "update ran"
expect_sql o/warehouse.db "SELECT column_name, logical_type FROM _clua_columns WHERE table_name = 'k' ORDER BY column_name" $'id|INT\nl|INT'
expect_state o '{"cursor":"changed"}'
