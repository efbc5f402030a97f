# The preamble of the pg_ cases about the --output URL itself (bad URLs,
# secrets in URLs, failed connections, the schema's lock; sourced by
# run_case.sh): the fixture's server, taken apart for URLs built by hand,
# and a connector for which nothing matters but the URL.

# pg_url_case: sets HOSTQ, the query of $CLUA_PG_URL (host=DIR, DIR the
# server's socket directory, as tests/pg/cluster.sh writes it), HOST, the
# DIR after host=, and URL, $CLUA_PG_URL in the case's schema; writes
# ok.lua, whose update upserts the one row {id = 1} into t.
pg_url_case() {
  HOSTQ=${CLUA_PG_URL#*\?}
  HOST=${CLUA_PG_URL#*host=}
  URL="$CLUA_PG_URL&schema=$PG_SCHEMA"
  write ok.lua <<'LUA'
function update(configuration, state)
  op.upsert("t", { id = 1 })
end
LUA
}
