# inspect --key on a BINARY key column (issue 14's loose ends): SQLite finds
# no row whose bytes equal the text given ("No such row."), and PostgreSQL
# must say the same, not fail on `bytea = text`; in a table whose other key
# column is text, and for --changed's rows of the same table after it (the
# read-only snapshot goes on).
pg_reset_schema
URL="$CLUA_PG_URL&schema=$PG_SCHEMA"
write bin.lua <<'LUA'
function schema(configuration)
  return { { table = "b", primary_key = { "k", "name" },
             columns = { k = "BINARY", name = "STRING", v = "INT" } } }
end
function update(configuration, state)
  op.upsert("b", { k = "abc", name = "x", v = 1 })
  op.upsert("b", { k = "\1\255", name = "y", v = 2 })
end
LUA
run bin.lua --output "$URL"
expect_exit 0
run bin.lua --output lite
expect_exit 0
for key in abc '\x01ff' ''; do
  run inspect --output lite b --key "k=$key" --key name=x
  expect_exit 0
  expect_out "No such row."
  cp out lite.out
  run inspect --output "$URL" b --key "k=$key" --key name=x
  expect_exit 0
  expect_out "No such row."
  expect_no_err "bytea"
  # The same, but for the source's name in the title.
  diff <(sed 1d lite.out) <(sed 1d out) > /dev/null || fail "--key k=$key: $(diff <(sed 1d lite.out) <(sed 1d out))"
done
# A text key of the same table still finds its row.
run inspect --output "$URL" b --changed
expect_exit 0
expect_out "| x    |"
pg_reset_schema
