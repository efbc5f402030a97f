# The connectors of the history-mode cases, written from one place for the
# SQLite cases (history_ops, history_start, history_switch, history_inspect)
# and the PostgreSQL ones that run them against both destinations
# (pg_history, pg_inspect), so both are given the same scripts (sourced by
# run_case.sh). Each *_schema prints a schema() as run_update's DEFS.

# customer_schema: customer (id INT key, name STRING, tier INT), history =
# true: each version starts at its op's time.
customer_schema() {
  cat <<'LUA'
function schema()
  return { { table = "customer", primary_key = { "id" }, history = true,
             columns = { id = "INT", name = "STRING", tier = "INT" } } }
end
LUA
}

# write_customer_ops FILE: FILE is customer_schema and an update() that
# makes every op meet a history table in each of its cases (identical,
# different, after a delete, no active version), then checkpoints: 5
# versions, ids 1 and 2 active, id 2's first deleted.
write_customer_ops() {
  write "$1" <<LUA
$(customer_schema)
function update()
  op.upsert("customer", { id = 1, name = "a", tier = 1 })
  op.upsert("customer", { id = 1, name = "a", tier = 1 })   -- identical: no new version
  op.upsert("customer", { id = 1, name = "b", tier = 1 })   -- differs: version 2
  op.update("customer", { id = 1, tier = 2 })               -- version 3: name b kept
  op.update("customer", { id = 1, tier = 2 })               -- identical: nothing new
  op.upsert("customer", { id = 2, name = "x", tier = 5 })
  op.delete("customer", { id = 2 })                         -- closed, deleted
  op.delete("customer", { id = 2 })                         -- nothing active: ignored
  op.update("customer", { id = 2, tier = 6 })               -- nothing active: ignored
  op.upsert("customer", { id = 2, name = "x" })             -- after a delete: new version
  op.update("customer", { id = 9, tier = 2 })               -- no such row: ignored
  op.checkpoint({})
end
LUA
}

# price_schema: price (sku STRING key, updated_at UTC_DATETIME, amount
# INT), history = { start = "updated_at" }.
price_schema() {
  cat <<'LUA'
function schema()
  return { { table = "price", primary_key = { "sku" }, history = { start = "updated_at" },
             columns = { sku = "STRING", updated_at = "UTC_DATETIME", amount = "INT" } } }
end
LUA
}

# write_price_rows FILE: FILE is price_schema and an update() that upserts
# four rows of 2020 (a at 01-01, 02-01 (+01:00), 03-01; b at 01-05) from a
# cursor that sends the last row written again, with a checkpoint {n = 2}
# after the second; ./fail.json is a configuration that makes it fail
# ("source went away") after that checkpoint.
write_price_rows() {
  write "$1" <<LUA
$(price_schema)
local rows = {
  { sku = "a", updated_at = "2020-01-01T00:00:00Z", amount = 10 },
  { sku = "a", updated_at = "2020-02-01T00:00:00+01:00", amount = 11 },
  { sku = "b", updated_at = "2020-01-05T00:00:00Z", amount = 20 },
  { sku = "a", updated_at = "2020-03-01T00:00:00Z", amount = 12 },
}
function update(configuration, state)
  local n = state.n or 0
  for i = 1, #rows do
    -- the cursor is inclusive: the last row written is sent again
    if i >= n then op.upsert("price", rows[i]) end
    if i == 2 then op.checkpoint({ n = 2 }) end
    if i == 3 and configuration.fail == "yes" then error("source went away") end
  end
  op.checkpoint({ n = #rows })
end
LUA
  write fail.json <<'JSON'
{ "fail": "yes" }
JSON
}

# write_price_versions FILE YEAR: FILE keeps price (sku STRING key, at
# UTC_DATETIME, amount INT) with history = { start = "at" }, and writes
# three versions of YEAR: a at 01-01 (10) and 02-01 (11), b at 01-15 (20),
# then deletes b.
write_price_versions() {
  write "$1" <<LUA
function schema()
  return { { table = "price", primary_key = { "sku" }, history = { start = "at" },
             columns = { sku = "STRING", at = "UTC_DATETIME", amount = "INT" } } }
end
function update()
  op.upsert("price", { sku = "a", at = "$2-01-01T00:00:00Z", amount = 10 })
  op.upsert("price", { sku = "a", at = "$2-02-01T00:00:00Z", amount = 11 })
  op.upsert("price", { sku = "b", at = "$2-01-15T00:00:00Z", amount = 20 })
  op.delete("price", { sku = "b" })
end
LUA
}

# item_schema: item (id INT key, name STRING); item_history_schema: the
# same with history = true.
item_schema() {
  cat <<'LUA'
function schema()
  return { { table = "item", primary_key = { "id" }, columns = { id = "INT", name = "STRING" } } }
end
LUA
}
item_history_schema() {
  cat <<'LUA'
function schema()
  return { { table = "item", primary_key = { "id" }, history = true,
             columns = { id = "INT", name = "STRING" } } }
end
LUA
}

# write_items FILE [LINE...]: FILE is item_schema (no history) and an
# update() that upserts 1 "one" and 2 "two", deletes 2, then runs the
# LINEs.
write_items() {
  local file=$1
  shift
  {
    item_schema
    echo 'function update()'
    printf '  %s\n' 'op.upsert("item", { id = 1, name = "one" })' 'op.upsert("item", { id = 2, name = "two" })' \
      'op.delete("item", { id = 2 })' "$@"
    echo end
  } | write "$file"
}

# write_items_lost FILE: FILE is item_schema (no history) and an update()
# that upserts 1 "lost?": what switching history off would write.
write_items_lost() {
  { item_schema; printf '%s\n' 'function update()' '  op.upsert("item", { id = 1, name = "lost?" })' end; } | write "$1"
}
