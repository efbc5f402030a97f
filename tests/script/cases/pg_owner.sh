# A PostgreSQL schema belongs to one connector, as an output directory does:
# a script of another name is refused (exit 6) with a message that names
# the schema, both connectors and a reset command that survives a shell (the
# URL quoted); --take-over gives it to the new one.
pg_reset_schema
URL="$CLUA_PG_URL&schema=$PG_SCHEMA"
write first.lua <<'LUA'
function update(configuration, state) op.upsert("t", { id = 1 }) end
LUA
write second.lua <<'LUA'
function update(configuration, state) op.upsert("t", { id = 2 }) end
LUA
run first.lua --output "$URL"
expect_exit 0
run second.lua --output "$URL"
expect_exit 6
expect_err "PostgreSQL schema \"$PG_SCHEMA\" of $URL belongs to the connector \"first.lua\", not \"second.lua\""
expect_err "'connector-lua reset --output \"URL\" --yes' (its URL with ?schema=$PG_SCHEMA)"
expect_pg "SELECT id FROM $PG_SCHEMA.t" 1
run second.lua --output "$URL" --take-over
expect_exit 0
expect_pg "SELECT id FROM $PG_SCHEMA.t ORDER BY id" $'1\n2'
expect_pg "SELECT value FROM $PG_SCHEMA._clua_meta WHERE key = 'owner'" second.lua
pg_reset_schema
