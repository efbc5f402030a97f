# PostgreSQL's limits on a table, named as PostgreSQL's (review of issue
# 14): a row whose new columns would take its table past 1600 columns is
# refused naming PostgreSQL and its limit (not SQLite's), and a row too big
# for one of PostgreSQL's 8 kB pages (fixed-size values cannot move out of
# the row) fails naming the table and saying what happened.
pg_reset_schema
case $CLUA_PG_URL in *\?*) SEP='&' ;; *) SEP='?' ;; esac
PGO="$CLUA_PG_URL${SEP}schema=$PG_SCHEMA"

write wide.lua <<'LUA'
function schema() return {} end
function update(configuration, state)
  local row = { id = 1 }
  for i = 1, tonumber(configuration.n) do row["c" .. i] = 1.5 end
  op.upsert("wide", row)
  op.checkpoint({})
end
LUA
write n1600.json <<'EOF'
{ "n": "1600" }
EOF
run wide.lua --output "$PGO" --configuration n1600.json
expect_exit 1
expect_err 'op.upsert("wide"): the row'"'"'s 1601 new columns would give table "wide" 1604 columns with _fivetran_synced and _fivetran_deleted; PostgreSQL allows at most 1600 in a table'
if grep -q SQLITE err; then fail "the message names SQLite's limit: $(cat err)"; fi
expect_pg "SELECT count(*) FROM pg_tables WHERE schemaname = '$PG_SCHEMA' AND tablename = 'wide'" 0

# 1100 DOUBLE columns: 8800 bytes of fixed-size values, past 8160.
write n1100.json <<'EOF'
{ "n": "1100" }
EOF
run wide.lua --output "$PGO" --configuration n1100.json
expect_exit 1
expect_err 'upsert into "wide": the row is too big for PostgreSQL'
