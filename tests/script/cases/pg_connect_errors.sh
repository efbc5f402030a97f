# Connections that fail (issue 14's loose ends; README "Loading into
# PostgreSQL"): libpq's reason is one clean line in the SEVERE line of a
# sync and in what reset and inspect say: its lines joined with "; ", its
# trailing newline and runs of spaces gone. And no password shows in what
# a failing run prints, whichever form the URL gives it (user:PASSWORD@,
# ?password=, its name percent-encoded or in capitals, repeated, malformed
# without '=') or libpq's environment (PGPASSWORD).
pg_url_case
SOCK="$HOST/.s.PGSQL.5432"

# A server refusing the connection (no such database), after a socket
# where none listens: libpq tries both and says so in three lines.
url="postgresql://postgres@/nodb_here?host=/nonexistent/clua,$HOST&schema=s"
why="connection to server on socket \"/nonexistent/clua/.s.PGSQL.5432\" failed: No such file or directory; Is the server running locally and accepting connections on that socket?; connection to server on socket \"$SOCK\" failed: FATAL: database \"nodb_here\" does not exist"
run ok.lua --output "$url"
expect_exit 1
severe_is "cannot connect to PostgreSQL: $why"
run reset --output "$url" --yes
expect_exit 1
expect_file_eq err "cannot connect to PostgreSQL: $why"
run inspect --output "$url"
expect_exit 1
expect_file_eq err "connector-lua: cannot connect to PostgreSQL: $why ($url, schema \"s\")"
# The database alone: one line, its double space gone.
run ok.lua --output "postgresql://postgres@/nodb_here?host=$HOST"
expect_exit 1
severe_is "cannot connect to PostgreSQL: connection to server on socket \"$SOCK\" failed: FATAL: database \"nodb_here\" does not exist"

# The password, in every form, through a sync that fails (a database that
# does not exist, a value libpq refuses, a parameter it does not know), and
# through reset and inspect for three of them (the same parsing, their own
# messages): never printed. (unit.test_pg_url puts random secrets in these
# forms by the thousand.)
S=Zq7sEcReT9x
n=0
for form in "postgresql://postgres:$S@/nodb?host=$HOST|all" \
            "$CLUA_PG_URL&password=$S&dbname=nodb|" \
            "$CLUA_PG_URL&pass%77ord=$S&sslmode=bogus|" \
            "$CLUA_PG_URL&PASSWORD=$S|all" \
            "$CLUA_PG_URL&password%3d$S|all" \
            "$CLUA_PG_URL&password%3D$S=x|" \
            "$CLUA_PG_URL&password=x&password=$S&port=0|" \
            "$CLUA_PG_URL&password=$S%zz|"; do
  url="${form%|*}&schema=connect_errors"
  for cmd in sync reset inspect; do
    case $cmd in
      sync) run ok.lua --output "$url" ;;
      reset) [ "${form##*|}" = all ] || continue; run reset --output "$url" --yes ;;
      inspect) [ "${form##*|}" = all ] || continue; run inspect --output "$url" ;;
    esac
    [ "$RC" = 0 ] && fail "$cmd --output $url: exit 0"
    expect_no_out "$S"
    expect_no_err "$S"
    n=$((n + 1))
  done
done
[ "$n" = 14 ] || fail "$n runs, expected 14"
PGPASSWORD=$S run ok.lua --output "$CLUA_PG_URL&user=nobody"
expect_exit 1
expect_err "cannot connect to PostgreSQL: connection to server on socket \"$SOCK\" failed: FATAL: role \"nobody\" does not exist"
expect_no_out "$S"
expect_no_err "$S"
expect_pg "SELECT count(*) FROM pg_namespace WHERE nspname = 'connect_errors'" 0
