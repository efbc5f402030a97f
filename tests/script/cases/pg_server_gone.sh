# A PostgreSQL server that goes away (issue 14, "the same guarantees"). A
# server stopped mid-sync fails the run with one clear SEVERE line (exit 1,
# SYNC FAILED, no password, no libpq text over several lines); once it is
# back, the next run converges on the rows of a run never cut. A server
# that cannot be reached is a clear error before update() starts, the URL's
# password masked. The server stopped here is a cluster of the case's own
# (tests/pg/cluster.sh in $WORK/pg: the fixture's is shared by the cases
# that run in parallel).
PG=$WORK/pg
# As root the server runs as `postgres`, which must reach $WORK (mktemp's 0700).
chmod 711 "$WORK"
trap 'bash "$ROOT/tests/pg/cluster.sh" stop "$PG"; rm -rf "$WORK"' EXIT
bash "$ROOT/tests/pg/cluster.sh" start "$PG" > /dev/null || { fail "could not start a private cluster in $PG"; return; }
PRIVATE=$(bash "$ROOT/tests/pg/cluster.sh" url "$PG")
SECRET=s3cr3t-gone
# The server trusts the socket: any password is taken, and must show nowhere.
URL=${PRIVATE/postgres@/postgres:$SECRET@}"&schema=gone"
MASKED=${PRIVATE/postgres@/postgres:***@}"&schema=gone"

write pages.lua <<'LUA'
function schema(configuration)
  return { { table = "t", primary_key = { "id" }, columns = { id = "INT", v = "STRING" } } }
end
function update(configuration, state)
  local page = state.page or 0
  log.info("starting after page " .. page)
  while page < 6 do
    page = page + 1
    for k = 1, 20 do op.upsert("t", { id = page * 100 + k, v = "p" .. page }) end
    local stop = os.clock() + 0.3
    while os.clock() < stop do end
    op.checkpoint({ page = page })
  end
end
LUA
# private_sql SQL: psql on the private server.
private_sql() { psql -XAtq -v ON_ERROR_STOP=1 -d "$PRIVATE" -c "$1" 2>&1; }
# no_secret: the password is nowhere in stdout or stderr.
no_secret() { expect_no_out "$SECRET"; expect_no_err "$SECRET"; }

# The server stops while the run works on page 3 (pages 1 and 2 committed).
"$CLUA" pages.lua --output "$URL" > out 2> err &
pid=$!
for _ in $(seq 200); do
  [ "$(private_sql "SELECT (convert_from(state, 'UTF8')::jsonb->>'page')::int >= 2 FROM gone._clua_state")" = t ] && break
  sleep 0.05
done
pg_private_ctl "$PG" stop
wait "$pid"
RC=$?
expect_exit 1
expect_out "SYNC FAILED"
expect_out "Data:    $MASKED, schema \"gone\""
no_secret
n=$(grep -c ' SEVERE ' err)
[ "$n" = 1 ] || { fail "expected one SEVERE line, got $n"; show_output; }
expect_err "SEVERE   pages.lua:"
# Every line of stderr is a log line (time, level, message): no raw libpq
# text ("This probably means the server terminated abnormally" on a line
# of its own).
bad=$(grep -cvE '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} (INFO|WARNING|SEVERE) ' err)
[ "$bad" = 0 ] || { fail "stderr has $bad lines that are not log lines"; show_output; }

# Back again: the server kept pages 1 and 2 (or what was committed by the
# stop); the next run resumes from there and ends with all six pages.
pg_private_ctl "$PG" start
P=$(private_sql "SELECT (convert_from(state, 'UTF8')::jsonb->>'page')::int FROM gone._clua_state")
[ "$P" -ge 2 ] && [ "$P" -lt 6 ] || fail "after the stop, the state says page $P"
[ "$(private_sql "SELECT count(*) FROM gone.t")" = $((20 * P)) ] ||
  fail "after the stop at page $P the server holds $(private_sql "SELECT count(*) FROM gone.t") rows"
run pages.lua --output "$URL"
expect_exit 0
expect_out "SYNC SUCCEEDED"
expect_err "INFO     starting after page $P"
no_secret
got=$(private_sql "SELECT count(*), count(DISTINCT v), min(id), max(id) FROM gone.t")
[ "$got" = "120|6|101|620" ] || fail "after the rerun: $got, expected 120|6|101|620"
[ "$(private_sql "SELECT convert_from(state, 'UTF8') FROM gone._clua_state")" = '{"page":6}' ] || fail "state: $(private_sql "SELECT convert_from(state, 'UTF8') FROM gone._clua_state")"
got=$(private_sql "SELECT count(*) FROM gone._clua_syncs WHERE coalesce(error, '') LIKE '%$SECRET%'")
[ "$got" = 0 ] || fail "_clua_syncs holds the password: $got rows"

# No server at all: a socket directory where none listens. One SEVERE line,
# exit 1, before update() runs; the password masked.
pg_private_ctl "$PG" stop
run pages.lua --output "$URL"
expect_exit 1
expect_out "SYNC FAILED"
expect_out "Data:    $MASKED, schema \"gone\""
severe_is "cannot connect to PostgreSQL: connection to server on socket \"$PG/.s.PGSQL.5432\" failed: No such file or directory; Is the server running locally and accepting connections on that socket?"
expect_no_err "starting after page"
no_secret
run pages.lua --output "$URL" --log-format json
expect_exit 1
no_secret
expect_out '"error":"cannot connect to PostgreSQL: connection to server on socket'
