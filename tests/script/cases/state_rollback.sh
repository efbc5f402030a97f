# Failure and recovery (README "Checkpoints, failure and state"): when update() raises, everything after the
# last checkpoint is rolled back (rows, deletes, new columns), the state is
# the last checkpoint's, and the next run ends with exactly the data of an
# uninterrupted run. A kill -9 loses nothing before the last checkpoint.
# update() returning without a checkpoint commits its rows; an op error
# caught with pcall does not fail the sync. Later versions of the connector
# that made a/ are NAME/pages.lua: the same file name, the same connector.

# A source of 6 records read in pages of 3, a checkpoint after each page.
# With configuration {"fail": true} the second page raises before its
# checkpoint, after writing rows, a delete and a new column.
write pages.lua <<'LUA'
function schema(configuration)
  return { { table = "t", primary_key = { "id" }, columns = { id = "INT", v = "STRING" } } }
end
function update(configuration, state)
  for first = state.next or 1, 6, 3 do
    for id = first, first + 2 do op.upsert("t", { id = id, v = "v" .. id }) end
    if configuration.fail and first > 1 then
      op.delete("t", { id = 1 })
      op.upsert("t", { id = 99, v = "x", extra = 1 })
      error("source failed on page " .. first)
    end
    op.checkpoint({ next = first + 3 })
  end
end
LUA
write fail.json <<'EOF2'
{"fail": true}
EOF2
ROWS="SELECT id, v, _fivetran_deleted FROM t ORDER BY id"

run pages.lua --output a --configuration fail.json
expect_exit 1
expect_out "SYNC FAILED"
expect_no_out "SYNC SUCCEEDED"
expect_out "Upserts        | 7"
expect_out "Checkpoints    | 1"
expect_err "SEVERE   pages.lua:10: source failed on page 4"
expect_err "rolled back"
expect_sql a/warehouse.db "$ROWS" $'1|v1|0\n2|v2|0\n3|v3|0'
expect_sql a/warehouse.db "SELECT count(*) FROM pragma_table_info('t') WHERE name = 'extra'" "0"
expect_sql a/warehouse.db "SELECT count(*) FROM _clua_columns WHERE column_name = 'extra'" "0"
expect_sql a/warehouse.db "SELECT state FROM _clua_state" '{"next":4}'
expect_state a '{"next":4}'

# The next run resumes at the checkpoint and ends like an uninterrupted run.
run pages.lua --output a
expect_exit 0
expect_out "SYNC SUCCEEDED"
expect_out "Upserts        | 3"
expect_out "SchemaChanges  | 0"
run pages.lua --output b
expect_exit 0
expect_out "Upserts        | 6"
expect_sql a/warehouse.db "$ROWS" "$(sqlite3 b/warehouse.db "$ROWS")"
expect_sql a/warehouse.db "$ROWS" $'1|v1|0\n2|v2|0\n3|v3|0\n4|v4|0\n5|v5|0\n6|v6|0'
expect_state a '{"next":7}'
expect_state b '{"next":7}'

# A column the failed run added can be added again later.
write extra/pages.lua <<'LUA'
function update(configuration, state)
  op.upsert("t", { id = 7, v = "v7", extra = 1 })
end
LUA
run extra/pages.lua --output a
expect_exit 0
expect_out "SchemaChanges  | 1"
expect_sql a/warehouse.db "SELECT id, extra FROM t WHERE extra IS NOT NULL" "7|1"

# update() returning without a checkpoint: the rows are committed, the state
# stays the last checkpointed one.
write no_checkpoint/pages.lua <<'LUA'
function update(configuration, state)
  op.upsert("t", { id = 8, v = "v8" })
  op.delete("t", { id = 2 })
end
LUA
run no_checkpoint/pages.lua --output a
expect_exit 0
expect_out "SYNC SUCCEEDED"
expect_out "Checkpoints    | 0"
expect_sql a/warehouse.db "SELECT id, v, _fivetran_deleted FROM t WHERE id IN (2, 8) ORDER BY id" $'2|v2|1\n8|v8|0'
expect_state a '{"next":7}'
expect_sql a/warehouse.db "SELECT state FROM _clua_state" '{"next":7}'

# A bad value is an op error the script may catch with pcall and go on.
write caught/pages.lua <<'LUA'
function update(configuration, state)
  local ok, err = pcall(function() op.upsert("t", { id = "abc", v = "bad key" }) end)
  log.warning("caught: " .. tostring(err))
  ok, err = pcall(function() op.upsert("t", { id = 20, v = {} }) end)
  log.warning("caught: " .. tostring(err))
  op.upsert("t", { id = 21, v = "after" })
  op.checkpoint({ next = 22 })
end
LUA
run caught/pages.lua --output a
expect_exit 0
expect_out "SYNC SUCCEEDED"
expect_out "Upserts        | 1"
expect_err 'WARNING  caught: caught/pages.lua:2: op.upsert("t") id="abc": column "id" is INT, got string "abc"'
expect_err 'WARNING  caught: caught/pages.lua:4: op.upsert("t") id=20: column "v" is STRING, got table'
expect_no_err "SEVERE"
expect_sql a/warehouse.db "SELECT id, v FROM t WHERE id >= 20 OR v = 'bad key' ORDER BY id" "21|after"
expect_state a '{"next":22}'

# kill -9 after a checkpoint, in the middle of the next page: the checkpoint's
# rows and state survive, the rest is gone, and the next run works.
write killed.lua <<'LUA'
function schema(configuration)
  return { { table = "k", primary_key = { "id" }, columns = { id = "INT" } } }
end
function update(configuration, state)
  for id = 1, 3 do op.upsert("k", { id = id }) end
  op.checkpoint({ next = 4 })
  for id = 4, 6 do op.upsert("k", { id = id }) end
  if state.next == nil then
    local stop = os.clock() + 10
    while os.clock() < stop do end -- the test kills the run here
  end
  op.checkpoint({ next = 7 })
end
LUA
"$CLUA" killed.lua --output k > kout 2> kerr &
KPID=$!
for _ in $(seq 100); do [ -s k/state.json ] && break; sleep 0.05; done
kill -9 "$KPID"
{ wait "$KPID"; } 2>/dev/null
KRC=$?
[ "$KRC" = 137 ] || fail "killed run: exit status $KRC, expected 137"
expect_state k '{"next":4}'
expect_sql k/warehouse.db "SELECT group_concat(id) FROM (SELECT id FROM k ORDER BY id)" "1,2,3"
expect_sql k/warehouse.db "SELECT state FROM _clua_state" '{"next":4}'
run killed.lua --output k
expect_exit 0
expect_out "SYNC SUCCEEDED"
expect_sql k/warehouse.db "SELECT group_concat(id) FROM (SELECT id FROM k ORDER BY id)" "1,2,3,4,5,6"
expect_state k '{"next":7}'
