# The runtime's SQL cannot be hijacked by what a user makes in the schema
# (review of issue 14): pg_catalog is searched before the schema, so a
# to_char(timestamp, text) made there changes nothing (the widening of a
# UTC_DATETIME column to STRING gives the time's text; a hashtext(text),
# which the schema's lock is keyed by, is made too), and a table whose name starts with pg_,
# which the catalog's relations would hide, is refused by name.
pg_reset_schema
case $CLUA_PG_URL in *\?*) SEP='&' ;; *) SEP='?' ;; esac
PGO="$CLUA_PG_URL${SEP}schema=$PG_SCHEMA"

write t.lua <<'LUA'
-- The second run declares "at" STRING: the column is widened in place.
function schema(configuration)
  local at = configuration.step == "1" and "UTC_DATETIME" or "STRING"
  return { { table = "t", primary_key = { "id" }, columns = { id = "INT", at = at } } }
end
function update(configuration, state)
  if configuration.step == "1" then
    op.upsert("t", { id = 1, at = "2024-05-06T07:08:09.123Z" })
  else
    op.upsert("t", { id = 2, at = "not a time" })
  end
  op.checkpoint({})
end
LUA
write one.json <<'EOF'
{ "step": "1" }
EOF
run t.lua --output "$PGO" --configuration one.json
expect_exit 0
expect_pg "SELECT data_type FROM information_schema.columns
  WHERE table_schema = '$PG_SCHEMA' AND table_name = 't' AND column_name = 'at'" \
  'timestamp with time zone'

pg_sql "CREATE FUNCTION \"$PG_SCHEMA\".to_char(timestamp, text) RETURNS text
    LANGUAGE sql AS \$\$ SELECT 'HIJACKED' \$\$;
  CREATE FUNCTION \"$PG_SCHEMA\".to_char(timestamptz, text) RETURNS text
    LANGUAGE sql AS \$\$ SELECT 'HIJACKED' \$\$;
  CREATE FUNCTION \"$PG_SCHEMA\".hashtext(text) RETURNS integer
    LANGUAGE sql AS \$\$ SELECT 42 \$\$" > /dev/null || fail "could not create the functions"

run t.lua --output "$PGO"
expect_exit 0
expect_pg "SELECT id, at FROM \"$PG_SCHEMA\".t ORDER BY id" '1|2024-05-06T07:08:09.123Z
2|not a time'
expect_pg "SELECT logical_type FROM \"$PG_SCHEMA\"._clua_columns WHERE column_name = 'at'" STRING

# A table whose name starts with pg_ is refused, by name; PostgreSQL's own
# catalog relation would otherwise take its rows.
write p.lua <<'LUA'
function schema() return {} end
function update(configuration, state)
  op.upsert("pg_class", { id = 1 })
  op.checkpoint({})
end
LUA
run p.lua --output "$PGO" --take-over
expect_exit 1
expect_err 'table name "pg_class" starts with "pg_", which PostgreSQL keeps for its catalog'
expect_pg "SELECT count(*) FROM pg_tables WHERE schemaname = '$PG_SCHEMA' AND tablename = 'pg_class'" 0
