# The PostgreSQL helpers of run_case.sh, which the pg_ cases rely on: a pg_
# case gets the fixture's server in $CLUA_PG_URL and its own schema in
# $PG_SCHEMA; expect_pg prints rows as expect_sql does (a|b|c, one a line)
# and fails on a mismatch or an SQL error; pg_reset_schema drops the case's
# schema and everything in it.
[ -n "${CLUA_PG_URL:-}" ] || fail "no CLUA_PG_URL: pg_ cases must require the fixture pg"
[ "$PG_SCHEMA" = harness ] || fail "PG_SCHEMA is '$PG_SCHEMA', expected harness"

pg_reset_schema
pg_sql 'CREATE SCHEMA harness;
  CREATE TABLE harness.t (id int PRIMARY KEY, name text, ok boolean);
  INSERT INTO harness.t VALUES (1, '"'a b'"', true), (2, NULL, false)' > /dev/null ||
  fail "could not create harness.t"
expect_pg 'SELECT * FROM harness.t ORDER BY id' '1|a b|t
2||f'
expect_pg "SELECT current_database(), current_user" 'warehouse|postgres'

# A mismatch and an SQL error are failures, each saying what it got.
before=$FAILURES
expect_pg 'SELECT count(*) FROM harness.t' 3 2> mismatch
expect_pg 'SELECT * FROM harness.nothing' '' 2> sqlerror
[ "$FAILURES" = $((before + 2)) ] || fail "expect_pg let a wrong count or an SQL error pass"
FAILURES=$before
grep -qF -- '--- got:' mismatch && grep -qx 2 mismatch || fail "mismatch report: $(cat mismatch)"
grep -qF 'relation "harness.nothing" does not exist' sqlerror || fail "SQL error report: $(cat sqlerror)"

# Reset drops the schema with its tables, and may run again on nothing.
pg_reset_schema harness
expect_pg "SELECT count(*) FROM pg_namespace WHERE nspname = 'harness'" 0
pg_reset_schema harness
[ "$FAILURES" = "$before" ] || fail "pg_reset_schema failed on a schema that is gone"
