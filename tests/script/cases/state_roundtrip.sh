# op.checkpoint(state) saves the state (in the database and as compact JSON
# in state.json); the next run receives it exactly, int64 cursors, nesting
# and json.null included. --state FILE starts from that file instead; a run
# without a checkpoint keeps the state it started from.
write s.lua <<'LUA'
function schema(configuration)
  return { { table = "seen", primary_key = { "run" },
             columns = { run = "INT", state = "STRING", big = "STRING", null_ok = "BOOLEAN" } } }
end
function update(configuration, state)
  local run = (state.run or 0) + 1
  log.info("state: " .. json.encode(state))
  op.upsert("seen", { run = run, state = json.encode(state),
                      big = tostring(math.type(state.big)) .. " " .. tostring(state.big),
                      null_ok = state.nothing == json.null })
  if configuration.checkpoint ~= false then
    op.checkpoint({ run = run, big = 9007199254740993, max = math.maxinteger, min = math.mininteger,
                    f = 1.5, nested = { list = { 1, "two", { three = 3 } } },
                    nothing = json.null, s = 'a"b é' })
  end
end
LUA
write nocp.json <<'EOF2'
{ "checkpoint": false }
EOF2
state_of() { # the compact state a checkpoint of run $1 writes
  printf '{"big":9007199254740993,"f":1.5,"max":9223372036854775807,"min":-9223372036854775808,"nested":{"list":[1,"two",{"three":3}]},"nothing":null,"run":%s,"s":"a\\"b é"}' "$1"
}
S1=$(state_of 1)
S2=$(state_of 2)
S3=$(state_of 3)

# 1: a first run gets {}
run s.lua --output o
expect_exit 0
expect_out "Checkpoints    | 1"
expect_err "INFO     state: {}"
expect_state o "$S1"
expect_sql o/warehouse.db "SELECT state FROM _clua_state" "$S1"
expect_sql o/warehouse.db "SELECT run, state, big, quote(null_ok) FROM seen" "1|{}|nil nil|0"

# 2: the next run receives the checkpointed state, exactly
run s.lua --output o
expect_exit 0
expect_err "INFO     state: $S1"
expect_sql o/warehouse.db "SELECT state, big, null_ok FROM seen WHERE run = 2" "$S1|integer 9007199254740993|1"
expect_state o "$S2"

# 3: a run without a checkpoint commits its rows and keeps the state it started from
run s.lua --output o --configuration nocp.json
expect_exit 0
expect_out "SYNC SUCCEEDED"
expect_out "Checkpoints    | 0"
expect_sql o/warehouse.db "SELECT state FROM seen WHERE run = 3" "$S2"
expect_state o "$S2"
expect_sql o/warehouse.db "SELECT state FROM _clua_state" "$S2"
run s.lua --output o
expect_exit 0
expect_err "INFO     state: $S2"
expect_state o "$S3"

# 4: --state FILE starts from that file instead of the saved state
write start.json <<'EOF2'
{
  "run": 10,
  "x": [1, 2]
}
EOF2
run s.lua --output o --state start.json
expect_exit 0
expect_err 'INFO     state: {"run":10,"x":[1,2]}'
expect_sql o/warehouse.db "SELECT state FROM seen WHERE run = 11" '{"run":10,"x":[1,2]}'
expect_state o "$(state_of 11)"

# 5: --state FILE without a checkpoint: the run keeps (and saves) the state it started from
run s.lua --output o --state start.json --configuration nocp.json
expect_exit 0
expect_sql :memory: "SELECT json('$(saved_state o)')" '{"run":10,"x":[1,2]}'
run s.lua --output o
expect_exit 0
expect_err 'INFO     state: {"run":10,"x":[1,2]}'
expect_state o "$(state_of 11)"
expect_sql o/warehouse.db "SELECT group_concat(run) FROM (SELECT run FROM seen ORDER BY run)" "1,2,3,11"

# 6: a --state file that does not exist is a bad input (exit 3), nothing changes
run s.lua --output o --state missing.json
expect_exit 3
expect_out "SYNC FAILED"
expect_err "missing.json"
expect_state o "$(state_of 11)"
