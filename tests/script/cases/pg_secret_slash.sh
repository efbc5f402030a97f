# A raw '/' in the password of a PostgreSQL URL (README "Loading into
# PostgreSQL"): libpq ends the user information at the first '/', so it
# would take the password's head for the host and port and the rest for
# the database name (`postgres:5432/Tail8y@/warehouse` is database
# "Tail8y@/warehouse" on host "postgres", and the server's refusal quotes
# it). Such a URL is refused (exit 2) before anything connects, with the
# password masked: no part of it reaches stdout, stderr or the summary, in
# text or JSON, nor reset's or inspect's messages. An '@' in the database
# name with no ':' before it (so no password) is still taken.
pg_reset_schema
MSG="the user or password holds a raw '/' (write it as %2F), or the database name or a parameter a raw '@' (write it as %40)"
pg_url_case
# Each: the URL after postgresql://, then its masked form.
for form in \
  "postgres:5432/Tail8y@/warehouse?$HOSTQ&schema=$PG_SCHEMA|postgres:***@/warehouse?$HOSTQ&schema=$PG_SCHEMA" \
  "postgres:Head7x/Tail8y@nohost.invalid/warehouse?schema=$PG_SCHEMA|postgres:***@nohost.invalid/warehouse?schema=$PG_SCHEMA" \
  "postgres:Head7x/Tail8y==@/warehouse?sslmode=disable&$HOSTQ&schema=$PG_SCHEMA|postgres:***@/warehouse?sslmode=disable&$HOSTQ&schema=$PG_SCHEMA" \
  "postgres:Head7x@b/Tail8y@/warehouse?$HOSTQ&schema=$PG_SCHEMA|postgres:***@/warehouse?$HOSTQ&schema=$PG_SCHEMA" \
  "postgres:Head7x/b?Tail8y@/warehouse?$HOSTQ&schema=$PG_SCHEMA|postgres:***@/warehouse?$HOSTQ&schema=$PG_SCHEMA" \
  "postgres:Head7x/b?host=Tail8y@/warehouse?$HOSTQ&schema=$PG_SCHEMA|postgres:***@/warehouse?$HOSTQ&schema=$PG_SCHEMA" \
  "pg/user:Head7x@/warehouse?$HOSTQ&schema=$PG_SCHEMA|pg/user:***@/warehouse?$HOSTQ&schema=$PG_SCHEMA"; do
  url="postgresql://${form%%|*}"
  masked="postgresql://${form#*|}"
  for args in "" "--log-format json"; do
    # shellcheck disable=SC2086
    run ok.lua --output "$url" $args
    expect_exit 2
    case $args in
      *json*) expect_err "\"message\":\"--output ${masked//\"/\\\"}: ${MSG//\"/\\\"}\"" ;;
      *) severe_is "--output $masked: $MSG"; expect_out "SYNC FAILED" ;;
    esac
    for part in Head7x Tail8y; do
      expect_no_out "$part"
      expect_no_err "$part"
    done
  done
  for cmd in "reset --yes" "inspect"; do
    # shellcheck disable=SC2086
    run $cmd --output "$url"
    expect_exit 2
    expect_err "--output $masked: $MSG"
    for part in Head7x Tail8y; do
      expect_no_out "$part"
      expect_no_err "$part"
    done
  done
done
expect_pg "SELECT count(*) FROM pg_namespace WHERE nspname = '$PG_SCHEMA'" 0

# An '@' in the database name, no ':' before it: libpq's database "no@such_db".
run ok.lua --output "postgresql://postgres@/no@such_db?$HOSTQ&schema=$PG_SCHEMA"
expect_exit 1
expect_err 'database "no@such_db" does not exist'
