# reset of a PostgreSQL schema that does not exist (a typo in ?schema=)
# creates nothing and says there is nothing to reset, as reset of a
# directory that does not exist does (review of issue 14); the password
# stays hidden.
pg_reset_schema
case $CLUA_PG_URL in *\?*) SEP='&' ;; *) SEP='?' ;; esac
TYPO="${PG_SCHEMA}_typo"
pg_reset_schema "$TYPO"
URL="${CLUA_PG_URL/postgres@/postgres:s3cret@}${SEP}schema=$TYPO"
run reset --output "$URL" --yes
expect_exit 0
expect_out "nothing to reset: schema \"$TYPO\" does not exist in "
if grep -q s3cret out err; then fail "the password is shown: $(cat out err)"; fi
expect_pg "SELECT count(*) FROM pg_namespace WHERE nspname = '$TYPO'" 0

# A schema that exists is reset as before.
write r.lua <<'LUA'
function schema() return {} end
function update(configuration, state) op.upsert("t", { id = 1 }) op.checkpoint({}) end
LUA
run r.lua --output "$CLUA_PG_URL${SEP}schema=$PG_SCHEMA"
expect_exit 0
run reset --output "$CLUA_PG_URL${SEP}schema=$PG_SCHEMA" --yes
expect_exit 0
expect_out "dropped 1 table of the connector and the runtime's own tables from schema \"$PG_SCHEMA\""
expect_pg "SELECT count(*) FROM pg_tables WHERE schemaname = '$PG_SCHEMA'" 0
