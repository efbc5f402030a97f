# A file size limit (ulimit -f) reached during a sync: the write fails with
# EFBIG and the sync fails as for a full disk (exit 1, the reason, the
# summary, rolled back) instead of the process being killed by SIGXFSZ
# half way; the next run without the limit writes everything.
write big.lua <<'LUA'
function update(configuration, state)
  for i = 1, 20000 do op.upsert("t", { id = i, v = string.rep("x", 100) }) end
  op.checkpoint({ done = true })
end
LUA
( ulimit -f 200; run big.lua; echo "$RC" > rc )
RC=$(cat rc)
expect_exit 1
expect_err "SEVERE   big.lua:3: op.checkpoint: committing: disk I/O error (files/big/warehouse.db)"
expect_err "rolled back: the database is as the last checkpoint left it"
expect_out "SYNC FAILED"
run big.lua
expect_exit 0
expect_sql files/big/warehouse.db "SELECT count(*), max(id) FROM t" "20000|20000"
expect_state files/big '{"done":true}'
