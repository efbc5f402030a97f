# Ctrl-C never blocks on PostgreSQL's cancel request (review of issue 14):
# a run whose upsert waits on a table another session has locked is
# stopped by SIGINT, and PQcancel must then open a new connection to the
# server. Here the server is reached through a proxy that forwards only its
# first connection and then lets its listen backlog fill, so the cancel's
# connect() hangs (as it does when a server or a firewall stops accepting):
# the run must still end with 130 within about a second (GRACE), not after
# TCP's retries (134 s when the signal handler sent the cancel itself).
# This case measures time.
pg_reset_schema
case $CLUA_PG_URL in *\?*) SEP='&' ;; *) SEP='?' ;; esac
# The fixture's server listens on a Unix socket in the directory host= names.
SOCKDIR=${CLUA_PG_URL##*host=}
SOCKDIR=${SOCKDIR%%&*}
SOCKET="$SOCKDIR/.s.PGSQL.5432"
[ -S "$SOCKET" ] || fail "no socket $SOCKET for $CLUA_PG_URL"

write proxy.py <<'PY'
# proxy.py SOCKET PORTFILE: listens on 127.0.0.1 (a free port, written to
# PORTFILE), forwards its first connection to the Unix socket SOCKET, then
# never accepts again and fills its own backlog so that a new connect()
# gets no answer to its SYN.
import os, select, socket, sys
target, portfile = sys.argv[1], sys.argv[2]
ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
ls.bind(("127.0.0.1", 0))
ls.listen(0)
with open(portfile + ".tmp", "w") as f:
    f.write(str(ls.getsockname()[1]))
os.rename(portfile + ".tmp", portfile)
client, _ = ls.accept()
server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
server.connect(target)
# The backlog is full once connections wait that nobody accepts: those
# beyond it stay in SYN_SENT, and so will the cancel request's.
fillers = []
for _ in range(4):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setblocking(False)
    try:
        s.connect(("127.0.0.1", ls.getsockname()[1]))
    except BlockingIOError:
        pass
    fillers.append(s)
ends = {client: server, server: client}
while True:
    ready, _, _ = select.select(list(ends), [], [])
    for s in ready:
        data = s.recv(65536)
        if not data:
            sys.exit(0)
        ends[s].sendall(data)
PY

write t.lua <<'LUA'
function schema() return { { table = "t", primary_key = { "id" } } } end
function update(configuration, state)
  if configuration.wait == "yes" then
    local f = io.open("marker", "w") f:write("x") f:close()
  end
  op.upsert("t", { id = 1, v = "a" })
  op.checkpoint({})
end
LUA
write wait.json <<'EOF'
{ "wait": "yes" }
EOF
run t.lua --output "$CLUA_PG_URL${SEP}schema=$PG_SCHEMA"
expect_exit 0

python3 proxy.py "$SOCKET" port &
PROXY=$!
for _ in $(seq 200); do [ -f port ] && break; sleep 0.05; done
[ -f port ] || fail "the proxy did not start"
# Another session holds the table, so that the run's upsert waits.
PGAPPNAME="locker_$PG_SCHEMA" psql -XAtq -d "$CLUA_PG_URL" -c "BEGIN; LOCK TABLE \"$PG_SCHEMA\".t IN ACCESS EXCLUSIVE MODE;
  SELECT pg_sleep(60)" > /dev/null 2>&1 &
LOCKER=$!
for _ in $(seq 200); do
  [ "$(pg_sql "SELECT count(*) FROM pg_locks WHERE relation = '\"$PG_SCHEMA\".t'::regclass
    AND mode = 'AccessExclusiveLock' AND granted")" = 1 ] && break
  sleep 0.05
done

PROXY_URL="postgresql://postgres@127.0.0.1:$(cat port)/warehouse?sslmode=disable&gssencmode=disable&schema=$PG_SCHEMA"
SIG_DELAY=0.5
stop_run SIGINT marker t.lua --output "$PROXY_URL" --configuration wait.json
# The locker's server process sleeps on after psql ends: it is ended too.
pg_sql "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
  WHERE application_name = 'locker_$PG_SCHEMA'" > /dev/null
kill "$PROXY" "$LOCKER" 2> /dev/null
wait "$PROXY" "$LOCKER" 2> /dev/null
[ "$STOPPED" = 130 ] || { fail "SIGINT during a waiting upsert: exit $STOPPED (130 expected)"; cat err >&2; }
[ "$STOP_MS" -lt 3000 ] || fail "SIGINT took $STOP_MS ms to stop the run (about 1000 expected)"
# The upsert never happened: the table holds the first run's row only.
expect_pg "SELECT id, v FROM \"$PG_SCHEMA\".t" '1|a'
