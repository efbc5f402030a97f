# --take-over on PostgreSQL names the schema it takes over, also when the
# URL has no ?schema= and the runtime chose it from the script's name
# (README "Loading into PostgreSQL"): Takeover-Schema.lua and
# takeover_schema.lua are two connectors (their owners differ) that load
# into the same schema, takeover_schema. The refusal names it too.
pg_reset_schema
write takeover_schema.lua <<'LUA'
function update(configuration, state) op.upsert("t", { id = 1 }) end
LUA
write Takeover-Schema.lua <<'LUA'
function update(configuration, state) op.upsert("t", { id = 2 }) end
LUA
run takeover_schema.lua --output "$CLUA_PG_URL"
expect_exit 0
run Takeover-Schema.lua --output "$CLUA_PG_URL"
expect_exit 6
severe_is "PostgreSQL schema \"$PG_SCHEMA\" of $CLUA_PG_URL belongs to the connector \"takeover_schema.lua\", not \"Takeover-Schema.lua\": name another schema (?schema=NAME), empty it with 'connector-lua reset --output \"URL\" --yes' (its URL with ?schema=$PG_SCHEMA), or pass --take-over to give it to \"Takeover-Schema.lua\""
run Takeover-Schema.lua --output "$CLUA_PG_URL" --take-over
expect_exit 0
expect_err "WARNING  --take-over: PostgreSQL schema \"$PG_SCHEMA\" of $CLUA_PG_URL belonged to the connector \"takeover_schema.lua\"; it is now \"Takeover-Schema.lua\"'s"
expect_pg "SELECT id FROM $PG_SCHEMA.t ORDER BY id" $'1\n2'
expect_pg "SELECT value FROM $PG_SCHEMA._clua_meta WHERE key = 'owner'" Takeover-Schema.lua
pg_reset_schema
