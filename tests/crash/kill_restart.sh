#!/usr/bin/env bash
# Crash test (README "Checkpoints, failure and state"): kill_restart.lua, a
# deterministic connector of 400,000 operations with a checkpoint every
# 1,000, is killed with SIGKILL at seeded random moments and restarted each
# time until it finishes. Then its database must equal the one of an
# uninterrupted run.
#
#   kill_restart.sh CONNECTOR_LUA [POSTGRESQL_URL]
#
# With a URL it loads into PostgreSQL instead (README "Loading into
# PostgreSQL"), into the schemas crash_ref and crash_run (dropped first):
# the same checks, less those of state.json and SQLite's integrity checks,
# plus one of the schema's lock: the server ends a killed client's session,
# and with it its advisory lock; after each kill the lock must be free
# within CRASH_LOCK_MS (default 5000; the slowest release is printed), and
# no rerun may find it held (exit status 4). A round trip per operation
# makes PostgreSQL slower: there CRASH_N defaults to 20000 and CRASH_KILLS
# to 15.
#
# Environment (all optional):
#   CRASH_SEED   seed of the kill moments (default: from the clock; printed)
#   CRASH_KILLS  how many kills to aim for (default 100)
#   CRASH_N      operations of the connector (default 400000)
#   CRASH_KEEP   1: keep the work directory even when the test passes
#
# The moments are drawn from the seed as fractions of the uninterrupted
# run's time, so a seed gives the same schedule on a fast or a slow build;
# where each kill lands in the connector still depends on the machine.
#
# After every kill (with the database opened read-only, so the next run
# finds the -wal as the kill left it):
#   - the saved cursor is a multiple of 1000 and never goes back;
#   - "item" holds exactly the rows of the operations up to the cursor: the
#     right count, deleted count, updated count and largest id, no id that
#     no upsert wrote, no duplicate id (nothing checkpointed is lost, nothing
#     uncommitted is left);
#   - the column "late", added mid-interval by ALTER TABLE, exists (in the
#     table and in _clua_columns) exactly when its checkpoint was committed;
#   - state.json holds a whole checkpointed state, at most the saved one and
#     never older than before the kill (it may lag: see check_after_kill),
#     absent before the first checkpoint;
#   - every 10th kill, PRAGMA quick_check is ok.
# At the end: the final run succeeds; a hash of every table (user tables
# without _fivetran_synced, _clua_columns, and _clua_state without
# saved_at) equals the uninterrupted run's; no duplicate primary key;
# integrity_check ok; state.json is the final cursor.
set -u
CLUA=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
PG_URL=${2:-}
HERE=$(cd "$(dirname "$0")" && pwd)
SCRIPT=$HERE/kill_restart.lua
if [ -n "$PG_URL" ]; then
    N=${CRASH_N:-20000}
    KILLS=${CRASH_KILLS:-15}
else
    N=${CRASH_N:-400000}
    KILLS=${CRASH_KILLS:-100}
fi
LOCK_MS=${CRASH_LOCK_MS:-5000}
SEED=${CRASH_SEED:-$(($(date +%s%N) % 1000000000))}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/clua-crash.XXXXXX")
FAILED=0
cleanup() {
    if [ "$FAILED" != 0 ] || [ "${CRASH_KEEP:-0}" = 1 ]; then
        echo "work directory kept: $WORK${PG_URL:+ (and the schemas crash_ref, crash_run)}"
    else
        cd / && rm -rf "$WORK"
        [ -z "$PG_URL" ] ||
            pg -c "SET client_min_messages = warning; DROP SCHEMA IF EXISTS crash_ref, crash_run CASCADE"
    fi
}
trap cleanup EXIT
cd "$WORK" || exit 1

fail() {
    echo "FAIL: $*" >&2
    echo "(reproduce with CRASH_SEED=$SEED CRASH_KILLS=$KILLS CRASH_N=$N)" >&2
    FAILED=1
    exit 1
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }
pg() { psql -XAtq -v ON_ERROR_STOP=1 -d "$PG_URL" "$@"; }
# q [-quote] ref|run SQL: a query on what the run into ref or run left (a
# database opened read-only; a schema as the search path); the columns of a
# row joined by '|' on either.
q() {
    local quote=
    if [ "$1" = -quote ]; then quote=$1; shift; fi
    if [ -n "$PG_URL" ]; then
        PGOPTIONS="-c search_path=crash_$1" pg -c "$2"
    else
        sqlite3 -batch -readonly -noheader $quote "$1/warehouse.db" "$2"
    fi
}
# --output for ref or run.
dest() { if [ -n "$PG_URL" ]; then echo "$PG_URL&schema=crash_$1"; else echo "$1"; fi; }
# has_tables ref|run NAME...: how many of the tables NAME... exist.
has_tables() {
    local d=$1 list
    shift
    list=$(printf "'%s'," "$@")
    if [ -n "$PG_URL" ]; then
        q "$d" "SELECT count(*) FROM pg_tables WHERE schemaname = 'crash_$d' AND tablename IN (${list%,})"
    else
        q "$d" "SELECT count(*) FROM sqlite_master WHERE name IN (${list%,})"
    fi
}
# has_column ref|run TABLE COLUMN: 1 if it exists, else 0.
has_column() {
    if [ -n "$PG_URL" ]; then
        q "$1" "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'crash_$1'
                AND table_name = '$2' AND column_name = '$3'"
    else
        q "$1" "SELECT count(*) FROM pragma_table_info('$2') WHERE name = '$3'"
    fi
}

if [ $((N % 2000)) != 0 ]; then fail "CRASH_N must be a multiple of 2000, got $N"; fi
printf '{"n": %d}\n' "$N" > config.json
echo "crash test: seed $SEED, aiming at $KILLS kills, $N operations${PG_URL:+, into PostgreSQL}"
if [ -n "$PG_URL" ]; then
    pg -c "SET client_min_messages = warning; DROP SCHEMA IF EXISTS crash_ref, crash_run CASCADE" ||
        fail "cannot reach PostgreSQL at $PG_URL"
fi

# A 31-bit LCG: the same seed gives the same schedule in any bash.
RNG=$((SEED % 2147483648))
rand() { RNG=$(((RNG * 1103515245 + 12345) % 2147483648)); R=$((RNG >> 8)); }

# Every table, in name order, as SQL literals (-quote: NULL, 'text' and
# numbers stay distinct), rows in primary-key order; what may differ
# between two runs (_fivetran_synced, saved_at) is left out.
dump_tables() {
    local db=$1 t cols keys
    if [ -n "$PG_URL" ]; then
        dump_schema "$db"
        return
    fi
    for t in $(q "$db" "SELECT name FROM sqlite_master WHERE type = 'table'
                        AND name NOT LIKE 'sqlite\_%' ESCAPE '\'
                        AND name NOT LIKE '\_clua\_sync%' ESCAPE '\' ORDER BY name"); do
        cols=$(q "$db" "SELECT group_concat('\"' || name || '\"', ', ') FROM pragma_table_info('$t')
                        WHERE name NOT IN ('_fivetran_synced', 'saved_at')")
        keys=$(q "$db" "SELECT group_concat('\"' || name || '\"', ', ') FROM
                        (SELECT name FROM pragma_table_info('$t') WHERE pk > 0 ORDER BY pk)")
        echo "== $t: $(q "$db" "SELECT count(*) FROM \"$t\"") rows"
        q -quote "$db" "SELECT $cols FROM \"$t\" ORDER BY ${keys:-$cols}"
    done
}
# The same on PostgreSQL: each row a JSON array (NULL apart from text).
dump_schema() {
    local db=$1 t cols keys
    for t in $(q "$db" "SELECT tablename FROM pg_tables WHERE schemaname = 'crash_$db'
                        AND tablename NOT LIKE '\_clua\_sync%' ORDER BY tablename COLLATE \"C\""); do
        cols=$(q "$db" "SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position)
                        FROM information_schema.columns WHERE table_schema = 'crash_$db'
                        AND table_name = '$t' AND column_name NOT IN ('_fivetran_synced', 'saved_at')")
        keys=$(q "$db" "SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY k.n)
                        FROM pg_index i CROSS JOIN unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
                        JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                        WHERE i.indrelid = 'crash_$db.$t'::regclass AND i.indisprimary")
        echo "== $t: $(q "$db" "SELECT count(*) FROM \"$t\"") rows"
        q "$db" "SELECT json_build_array($cols) FROM \"$t\" ORDER BY ${keys:-$cols}"
    done
}

# run DIR: the connector to completion into DIR; fails the test unless it succeeds.
run_to_end() {
    "$CLUA" "$SCRIPT" --output "$(dest "$1")" --configuration config.json > out 2> err
    local rc=$?
    [ "$rc" = 0 ] || { cat out err >&2; fail "run into $1 exited $rc, expected 0"; }
}

# ---- the uninterrupted run: the expected data, and the time scale ----
t0=$(now_ms)
run_to_end ref
REF_MS=$(($(now_ms) - t0))
echo "uninterrupted run: $REF_MS ms"

# ---- checks after a kill ----
CURSOR=0      # the last checkpointed cursor seen
JSON_CURSOR=0 # the cursor state.json held
LAGGED=0      # kills after which state.json was behind the database
MAX_LAG=0     # by how many checkpoints at most
check_after_kill() {
    local db=run c=0 state row want has_late want_late json x lag own
    # A kill before the runtime's own tables were committed leaves a
    # database with none of them (they are created in one transaction),
    # never with some: that reads as no checkpoint.
    if [ -n "$PG_URL" ]; then
        own=$(has_tables run _clua_columns _clua_state _clua_meta _clua_history)
        case $own in 0|4) ;; *) fail "a kill left $own of the runtime's 4 own tables" ;; esac
    elif [ -f "$db/warehouse.db" ]; then
        own=$(q "$db" "SELECT count(*) FROM sqlite_master")
    else
        own=0
    fi
    if [ "$own" != 0 ]; then
        # PostgreSQL's state is bytea (every byte kept): read as UTF-8 text.
        if [ -n "$PG_URL" ]; then sql="SELECT convert_from(state, 'UTF8') FROM _clua_state"
        else sql="SELECT state FROM _clua_state"; fi
        state=$(q "$db" "$sql" 2>&1) || fail "reading the state: $state"
        if [ -n "$state" ]; then
            c=$(echo "$state" | sed -n 's/^{"cursor":\([0-9]*\)}$/\1/p')
            [ -n "$c" ] || fail "saved state is '$state', expected {\"cursor\":N}"
        fi
    fi
    [ $((c % 1000)) = 0 ] || fail "saved cursor $c is not a checkpoint's"
    [ "$c" -ge "$CURSOR" ] || fail "saved cursor went back from $CURSOR to $c"
    CURSOR=$c
    if [ "$c" = 0 ]; then
        # Nothing checkpointed: no user table, no state.json.
        [ ! -e run/state.json ] || fail "state.json exists before any checkpoint: $(cat run/state.json)"
        if [ "$own" != 0 ]; then
            row=$(has_tables "$db" item tally)
            [ "$row" = 0 ] || fail "user tables exist before any checkpoint"
        fi
        return
    fi
    # (CASE: SQLite's booleans are 1 and 0, PostgreSQL's are not numbers)
    row=$(q "$db" "SELECT count(*), sum(CASE WHEN _fivetran_deleted THEN 1 ELSE 0 END),
                   sum(CASE WHEN v LIKE 'u%' THEN 1 ELSE 0 END), max(id),
                   sum(CASE WHEN id % 10 = 0 OR id % 100 = 37 OR id > $c THEN 1 ELSE 0 END),
                   count(DISTINCT id) FROM item")
    want="$((c * 89 / 100))|$((c / 100))|$((c / 10))|$((c - 1))|0|$((c * 89 / 100))"
    [ "$row" = "$want" ] || fail "after checkpoint $c, item holds (count|deleted|updated|max|stray|distinct) $row, expected $want"
    has_late="$(has_column "$db" item late)|$(q "$db" "SELECT count(*) FROM _clua_columns
                                                      WHERE column_name = 'late'")"
    want_late=$(( c > N / 2 ))
    [ "$has_late" = "$want_late|$want_late" ] || fail "after checkpoint $c, column late (table|_clua_columns) is $has_late, expected $want_late|$want_late"
    [ -z "$PG_URL" ] || return 0 # no state.json; PostgreSQL checks its own pages
    # state.json is replaced after the commit, so a kill between the two
    # leaves it behind the database, and the next run does not rewrite it
    # until its own first checkpoint: two such kills in a row leave it two
    # checkpoints behind. It must still hold a whole state that was
    # checkpointed, and never go back.
    json=$(cat run/state.json 2>/dev/null)
    if [ -n "$json" ] || [ -e run/state.json ]; then
        x=$(echo "$json" | sed -n 's/^{"cursor":\([0-9]*\)}$/\1/p')
        if ! { [ -n "$x" ] && [ $((x % 1000)) = 0 ] && [ "$x" -le "$c" ] &&
               [ "$x" -ge "$JSON_CURSOR" ]; }; then
            fail "state.json holds '$json' with cursor $c saved in the database (it held $JSON_CURSOR before)"
        fi
        JSON_CURSOR=$x
    fi
    lag=$(((c - JSON_CURSOR) / 1000))
    if [ "$lag" != 0 ]; then LAGGED=$((LAGGED + 1)); fi
    if [ "$lag" -gt "$MAX_LAG" ]; then MAX_LAG=$lag; fi
    if [ $((KILLED % 10)) = 0 ]; then
        row=$(q "$db" "PRAGMA quick_check")
        [ "$row" = ok ] || fail "quick_check after checkpoint $c: $row"
    fi
}

# ---- the lock (PostgreSQL) ----
# After a kill the server notices the closed connection and ends the session,
# which frees its advisory lock on the schema (store_pg.c: keys 'clua' and
# hashtext('connector-lua:' || schema)); how long that takes is measured.
LOCK_MAX=0
wait_lock_free() {
    local t0 ms held
    t0=$(now_ms)
    while :; do
        held=$(pg -c "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted
                      AND classid = 1668052321 AND objsubid = 2
                      AND objid = hashtext('connector-lua:crash_run')::oid") ||
            fail "reading pg_locks"
        ms=$(($(now_ms) - t0))
        [ "$held" = 0 ] && break
        [ "$ms" -le "$LOCK_MS" ] || fail "the schema's lock was still held $ms ms after kill $((KILLED))"
        sleep 0.01
    done
    if [ "$ms" -gt "$LOCK_MAX" ]; then LOCK_MAX=$ms; fi
}

# ---- the killed runs ----
# A kill lands uniformly in [0, 2 * REF_MS / KILLS] ms after the start, so
# KILLS runs together cover about the whole run (a restart redoes at most
# one checkpoint interval); a run that ends before its kill ends the loop.
KILLED=0
FINISHED=0
SPAN_US=$((2 * REF_MS * 1000 / KILLS + 1))
t0=$(now_ms)
for ((i = 1; i <= KILLS; i++)); do
    rand
    delay_us=$((R % SPAN_US))
    "$CLUA" "$SCRIPT" --output "$(dest run)" --configuration config.json > out 2> err &
    pid=$!
    sleep "$(printf '%d.%06d' $((delay_us / 1000000)) $((delay_us % 1000000)))"
    kill -9 "$pid" 2> /dev/null
    { wait "$pid"; } 2> /dev/null
    rc=$?
    if [ "$rc" = 0 ]; then
        FINISHED=1
        break
    fi
    if [ "$rc" = 4 ] && [ -n "$PG_URL" ]; then
        cat err >&2
        fail "run $i found the schema locked (exit 4): another session held its lock (a killed run's session must end with its client)"
    fi
    [ "$rc" = 137 ] || { cat out err >&2; fail "run $i exited $rc, expected 0 or 137 (killed)"; }
    KILLED=$((KILLED + 1))
    [ -z "$PG_URL" ] || wait_lock_free
    check_after_kill
    echo "kill $KILLED after $((delay_us / 1000)) ms: cursor $CURSOR"
done
[ "$FINISHED" = 1 ] || run_to_end run
if [ -n "$PG_URL" ]; then
    echo "killed $KILLED times in $(($(now_ms) - t0)) ms (seed $SEED); the lock was free again at most $LOCK_MAX ms after a kill"
else
    echo "killed $KILLED times in $(($(now_ms) - t0)) ms (seed $SEED); state.json was behind the database after $LAGGED kills, by up to $MAX_LAG checkpoints"
fi

# ---- the final data ----
for d in ref run; do
    if [ -n "$PG_URL" ]; then
        row=$(q $d "SELECT convert_from(state, 'UTF8') FROM _clua_state")
        [ "$row" = "{\"cursor\":$N}" ] || fail "$d: _clua_state holds '$row'"
    else
        [ "$(cat $d/state.json)" = "{\"cursor\":$N}" ] || fail "$d/state.json holds '$(cat $d/state.json)'"
    fi
    row=$(q $d "SELECT (SELECT count(*) FROM (SELECT id FROM item GROUP BY id HAVING count(*) > 1) a),
                       (SELECT count(*) FROM (SELECT 1 FROM tally GROUP BY grp, day HAVING count(*) > 1) b)")
    [ "$row" = "0|0" ] || fail "$d: duplicate keys (item|tally): $row"
    [ -n "$PG_URL" ] && continue
    row=$(q $d "PRAGMA integrity_check")
    [ "$row" = ok ] || fail "$d: integrity_check: $row"
done
dump_tables ref > ref.dump
dump_tables run > run.dump
REF_HASH=$(sha256sum < ref.dump | cut -c1-64)
RUN_HASH=$(sha256sum < run.dump | cut -c1-64)
grep '^==' run.dump
if [ "$REF_HASH" != "$RUN_HASH" ]; then
    diff ref.dump run.dump | head -20 >&2
    fail "the killed run's tables differ from the uninterrupted run's ($RUN_HASH, expected $REF_HASH)"
fi
echo "tables equal the uninterrupted run's: sha256 $RUN_HASH"
echo "crash.kill_restart${PG_URL:+_pg}: ok (seed $SEED, $KILLED kills)"
