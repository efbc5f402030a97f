# examples/embed.c: the library driven from C. embed_example SCRIPT DIR runs
# the script into DIR, sends log lines to its callback (not stderr) and
# prints the summary counters.
EMBED="$(dirname "$CLUA")/embed_example"
[ -x "$EMBED" ] || fail "no embed_example next to $CLUA"

"$EMBED" "$ROOT/scripts/three.lua" data > out 2> err
RC=$?
expect_exit 0
expect_out "status=0 upserts=3 updates=1 deletes=1 checkpoints=1 log_lines=1"
expect_out "[WARNING] Example: three.lua"
[ -s err ] && fail "embed_example wrote to stderr: $(cat err)"
expect_sql data/warehouse.db "SELECT count(*), sum(_fivetran_deleted) FROM three" "3|1"
expect_sql data/warehouse.db "SELECT val2 FROM three WHERE val1 = 'abc'" "1"
expect_state data "{}"
[ -e files ] && fail "embed_example wrote to files/ instead of data/"

# Into the same directory again: three more rows.
"$EMBED" "$ROOT/scripts/three.lua" data > out 2> err
RC=$?
expect_exit 0
expect_out "status=0 upserts=3 updates=1 deletes=1 checkpoints=1"
expect_sql data/warehouse.db "SELECT count(*), sum(_fivetran_deleted) FROM three" "6|2"

# A failing script: a non-zero status, the library's message on stderr.
write broken.lua <<'LUA'
function update(configuration, state)
  error("boom")
end
LUA
"$EMBED" broken.lua data2 > out 2> err
RC=$?
expect_exit 1
expect_out "status=2 upserts=0"
expect_out "[SEVERE] broken.lua:2: boom"
expect_err "sync failed: broken.lua:2: boom"

# Wrong arguments: its usage, exit 2.
"$EMBED" > out 2> err
RC=$?
expect_exit 2
expect_err "usage:"
