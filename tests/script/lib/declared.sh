# Connectors that share one schema() within a case (sourced by run_case.sh).

# write_declared FILE DECL: the case's heredoc becomes FILE, followed by a
# schema() that returns the Lua expression DECL; the heredoc's lines keep
# their numbers in FILE (for the messages that name them).
write_declared() {
  write "$1"
  cat >> "$1" <<LUA
function schema(configuration)
  return $2
end
LUA
}

# run_schema DECL: runs s.lua, whose schema() returns the Lua expression
# DECL and whose update() upserts a row into t, into a fresh s/.
run_schema() {
  write_declared s.lua "$1" <<'LUA'
function update(configuration, state)
  op.upsert("t", { id = 1 })
end
LUA
  rm -rf s
  run s.lua --output s
}

# schema_fails DECL MESSAGE: run_schema DECL stops before update(): exit 1,
# SYNC FAILED, the one SEVERE line "s.lua: MESSAGE", and no table t.
schema_fails() {
  run_schema "$1"
  expect_exit 1
  expect_out "SYNC FAILED"
  severe_is "s.lua: $2"
  expect_sql s/warehouse.db "SELECT count(*) FROM sqlite_master WHERE name = 't'" "0"
}
