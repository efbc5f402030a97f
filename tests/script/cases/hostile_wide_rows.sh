# A row that would take its table past SQLite's column limit is refused
# before anything changes, with the limit named (SQLite's own message named
# a table of its own, "too many columns on sqlite_altertab_wide", and failed
# the sync); the table keeps working.
write wide.lua <<'LUA'
function update(configuration, state)
  local row = { id = 1 }
  for i = 1, 1990 do row["c" .. i] = i end
  op.upsert("wide", row)
  local ok, err = pcall(op.upsert, "wide", { id = 2, x1 = 1, x2 = 2, x3 = 3, x4 = 4, x5 = 5, x6 = 6, x7 = 7, x8 = 8 })
  log.info("refused: " .. err)
  op.upsert("wide", { id = 3, c1 = 7 })
  local huge = {}
  for i = 1, 5000 do huge["w" .. i] = i end
  op.upsert("other", huge)
end
LUA
run wide.lua --output o
expect_exit 1
expect_err 'refused: op.upsert("wide"): the row'"'"'s 8 new columns would give table "wide" 2002 columns with _fivetran_synced and _fivetran_deleted; SQLite allows at most 2000 in a table (SQLITE_LIMIT_COLUMN)'
severe_is 'wide.lua:10: op.upsert("other"): the row'"'"'s 5000 new columns would give table "other" 5003 columns with _fivetran_synced and _fivetran_deleted; SQLite allows at most 2000 in a table (SQLITE_LIMIT_COLUMN)'
