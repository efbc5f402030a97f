# An error raised in schema() fails the sync before update() runs: exit 1,
# one message with file and line, the database at the last checkpoint.

# The last checkpoint (o/: two rows, one soft-deleted) and unchanged().
. "$ROOT/tests/script/last_checkpoint.sh"

write connector.lua <<'LUA'
function schema(configuration)
  if not configuration.api_key then
    error("configuration needs api_key")
  end
  return { { table = "t", primary_key = { "id" } } }
end
function update(configuration, state)
  op.upsert("t", { id = 3, name = "three" })
end
LUA
fails_unchanged "connector.lua:3: configuration needs api_key"
expect_out "Upserts        | 0"

# A runtime error, after schema() declared a new table: it is not created.
write connector.lua <<'LUA'
function schema(configuration)
  local decl = { { table = "t", primary_key = { "id" } }, { table = "u", primary_key = { "k" } } }
  return helpers.extend(decl)
end
function update(configuration, state) end
LUA
fails_unchanged "connector.lua:3: attempt to index a nil value (global 'helpers')"

# schema() that fails after returning: the declarations are applied in
# order, so table u is made before the error in the second one; it is
# rolled back with the rest.
write connector.lua <<'LUA'
function schema(configuration)
  return { { table = "u", primary_key = { "k" }, columns = { k = "STRING" } },
           { table = "v", primary_key = { "k" }, columns = { k = "NUMBER" } } }
end
function update(configuration, state) end
LUA
fails_unchanged 'connector.lua: schema(): table "v" column "k": unknown type "NUMBER" (known: BOOLEAN, SHORT, INT, LONG, DECIMAL, FLOAT, DOUBLE, NAIVE_DATE, NAIVE_DATETIME, UTC_DATETIME, BINARY, XML, STRING, JSON)'
expect_sql o/warehouse.db "SELECT count(*) FROM sqlite_master WHERE name IN ('u', 'v')" "0"
expect_sql o/warehouse.db "SELECT count(*) FROM _clua_columns WHERE table_name IN ('u', 'v')" "0"
