# op.sweep's scope, the paths sweep_table does not take: a boolean scope on
# an undeclared number column is its 1 or 0, and every mistake (a scope
# name that is not a string, a value no column holds, a JSON column or a
# key column not typed yet as scope, a before past year 9999) stops the
# sync with a message that names it, and the rows stay as they were.
write s.lua <<'LUA'
function schema()
  return { { table = "u", primary_key = { "id" }, columns = { id = "INT", j = "JSON" } },
           { table = "p", primary_key = { "k" } } }
end
function update(configuration, state)
  op.upsert("u", { id = 1, flag = true })
  op.upsert("u", { id = 2, flag = false })
  op.upsert("u", { id = 3, flag = 7 }) -- flag is LONG now: true is 1, false 0
  time.sleep(0.01)
  log.info("swept: " .. op.sweep("u", time.now(), { flag = true }))
end
LUA
run s.lua --output o
expect_exit 0
expect_err "INFO     swept: 1"
expect_sql o/warehouse.db "SELECT id, flag, _fivetran_deleted FROM u ORDER BY id" $'1|1|1\n2|0|0\n3|7|0'

for call in 'op.sweep("u", 1, { [1] = 5 })|op.sweep("u"): scope names must be strings, got number' \
            'op.sweep("u", 1, { flag = {} })|op.sweep("u"): scope column "flag" must be a boolean, number or string, got table' \
            'op.sweep("u", 1, { j = "x" })|op.sweep("u"): scope column "j" is JSON: it cannot scope a sweep' \
            'op.sweep("p", 1, { k = 1 })|op.sweep("p"): scope column "k" is not typed yet (it has had no value): it cannot scope a sweep' \
            'op.sweep("u", 9000000000000000)|op.sweep("u"): before 9000000000000000 is out of range'; do
  write s.lua <<LUA
function schema()
  return { { table = "u", primary_key = { "id" }, columns = { id = "INT", j = "JSON" } },
           { table = "p", primary_key = { "k" } } }
end
function update() ${call%%|*} end
LUA
  run s.lua --output o
  expect_exit 1
  expect_err "${call#*|}"
  expect_sql o/warehouse.db "SELECT id, flag, _fivetran_deleted FROM u ORDER BY id" $'1|1|1\n2|0|0\n3|7|0'
done
