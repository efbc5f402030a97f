/* pg_limit_workload.c: the limit for the yardstick workload
 * (../shared/bench/README.md) on PostgreSQL: plain C over libpq, doing
 * what connector-lua does for tests/bench/three_workload.lua and nothing
 * more, so that connector-lua's time on a server can be read against it.
 *
 *   for i = 1..N:
 *     upsert three {id = id(i), val1 = "value-<i>", val2 = i}
 *     if i % 10  == 0: update three {id = id(i // 2), val2 = -i}    (partial update)
 *     if i % 100 == 0: delete three {id = id(i // 4)}               (soft delete)
 *     after every 10,000th operation (all kinds counted): checkpoint
 *   checkpoint once more at the end
 *
 * The same as the runtime: the table connector-lua creates for the
 * script's declaration (id text key, val1 text, val2 bigint,
 * _fivetran_synced timestamptz(3), _fivetran_deleted boolean); the same
 * statement texts it prepares (store_upsert_sql in runtime/store/store.c,
 * the update and delete of store_pg_ops.c) with the same parameters; a
 * transaction per checkpoint that ends by writing the state JSON into the
 * one-row _clua_state (bytea) with the runtime's statement. Not done, as
 * the workload does not need it: the catalog, the journal of syncs, the
 * schema's lock, checks of the values.
 *
 * All in libpq's pipeline mode: every statement is sent without waiting
 * for its result; a checkpoint sends its state and COMMIT, then a sync,
 * and reads every result of the interval (a failure exits 1). Results are
 * read only there: libpq reads what the server sends while it writes, so
 * the socket buffers never deadlock, and an interval's results (about
 * 25 bytes each, 10,000 statements) stay small whatever N is.
 * --sync-every K also syncs and reads after every K statements, to
 * measure whether reading sooner pays.
 *
 * usage: pg_limit_workload N CONNINFO [SCHEMA] [--sync-every K]
 * SCHEMA (default bench_limit) must not exist yet: it is created, as
 * connector-lua creates its schema. Prints one line of figures. */
/* common.h is the yardsticks' shared header: make_id, utc_now_ms and
 * mono_s are used here; its SQLite helpers are not, and would warn. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include "common.h"
#pragma GCC diagnostic pop

#include <libpq-fe.h>

/* The texts connector-lua sends (see the header comment), verbatim. */
#define THREE_PG_DDL                                                                            \
    "CREATE TABLE \"three\" (\"id\" text NOT NULL, \"val1\" text, \"val2\" bigint, "            \
    "\"_fivetran_synced\" timestamptz(3), \"_fivetran_deleted\" boolean NOT NULL DEFAULT "     \
    "false, PRIMARY KEY (\"id\"))"
#define STATE_DDL                                                                               \
    "CREATE TABLE _clua_state(id integer PRIMARY KEY CHECK (id = 1), state bytea NOT NULL, "    \
    "saved_at text NOT NULL)"
#define UPSERT_SQL                                                                              \
    "INSERT INTO \"three\" (\"id\", \"val1\", \"val2\", \"_fivetran_synced\", "                 \
    "\"_fivetran_deleted\") VALUES ($1, $2, $3, $4, false) ON CONFLICT (\"id\") DO UPDATE SET " \
    "\"val1\" = excluded.\"val1\", \"val2\" = excluded.\"val2\", \"_fivetran_synced\" = "       \
    "excluded.\"_fivetran_synced\", \"_fivetran_deleted\" = false"
#define UPDATE_SQL "UPDATE \"three\" SET \"val2\" = $1, \"_fivetran_synced\" = $2 WHERE \"id\" = $3"
#define DELETE_SQL                                                                              \
    "UPDATE \"three\" SET \"_fivetran_deleted\" = true, \"_fivetran_synced\" = $1 WHERE "       \
    "\"id\" = $2"
#define STATE_SQL                                                                               \
    "INSERT INTO _clua_state(id, state, saved_at) VALUES(1, $1, to_char(clock_timestamp() AT "  \
    "TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')) ON CONFLICT (id) DO UPDATE SET "    \
    "state = excluded.state, saved_at = excluded.saved_at"

static PGconn *conn;
static long long pending; /* statements sent and not read yet */

static void die(const char *what) {
    fprintf(stderr, "pg_limit_workload: %s: %s", what, PQerrorMessage(conn));
    PQfinish(conn);
    exit(1);
}

/* Runs sql outside the pipeline (the set-up) and wants it to succeed. */
static void exec_ok(const char *sql) {
    PGresult *res = PQexec(conn, sql);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        fprintf(stderr, "pg_limit_workload: %s\n  sql: %s\n", PQresultErrorMessage(res), sql);
        PQclear(res);
        PQfinish(conn);
        exit(1);
    }
    PQclear(res);
}

static void prepare_ok(const char *name, const char *sql, int n, const Oid *types) {
    PGresult *res = PQprepare(conn, name, sql, n, types);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        fprintf(stderr, "pg_limit_workload: preparing %s: %s", name, PQresultErrorMessage(res));
        PQclear(res);
        PQfinish(conn);
        exit(1);
    }
    PQclear(res);
}

/* Queues a prepared statement with text parameters (NUL-terminated). */
static void queue(const char *name, int n, const char *const *values) {
    if (!PQsendQueryPrepared(conn, name, n, values, NULL, NULL, 0)) die(name);
    pending++;
}

/* Queues BEGIN (the pipeline takes only the extended protocol). */
static void send_begin(void) {
    if (!PQsendQueryParams(conn, "BEGIN", 0, NULL, NULL, NULL, NULL, 0)) die("BEGIN");
    pending++;
}

/* Sends a sync and reads the result of every statement queued since the
 * last one; any that failed ends the run. */
static void sync_and_read(void) {
    if (!PQpipelineSync(conn)) die("sync");
    for (; pending > 0; pending--) {
        PGresult *res = PQgetResult(conn);
        if (!res) die("reading a result");
        if (PQresultStatus(res) != PGRES_COMMAND_OK) {
            fprintf(stderr, "pg_limit_workload: %s", PQresultErrorMessage(res));
            PQclear(res);
            PQfinish(conn);
            exit(1);
        }
        PQclear(res);
        if ((res = PQgetResult(conn)) != NULL) die("a statement gave two results");
    }
    PGresult *res = PQgetResult(conn);
    ExecStatusType st = PQresultStatus(res);
    PQclear(res);
    if (st != PGRES_PIPELINE_SYNC) die("reading the sync");
}

/* A checkpoint: the state into _clua_state (bytea, binary form, as the
 * runtime sends it), COMMIT, then every result read. */
static void checkpoint(long long cursor, long long ops) {
    char json[64];
    int len = snprintf(json, sizeof json, "{\"cursor\":%lld,\"ops\":%lld}", cursor, ops);
    const char *values[] = {json};
    const int lengths[] = {len}, formats[] = {1};
    if (!PQsendQueryPrepared(conn, "state", 1, values, lengths, formats, 0)) die("state");
    if (!PQsendQueryParams(conn, "COMMIT", 0, NULL, NULL, NULL, NULL, 0)) die("COMMIT");
    pending += 2;
    sync_and_read();
}

int main(int argc, char **argv) {
    const char *schema = "bench_limit";
    long long sync_every = 0;
    int a = 3;
    if (argc >= 4 && strncmp(argv[3], "--", 2) != 0) schema = argv[a++];
    for (; a < argc; a++) {
        if (!strcmp(argv[a], "--sync-every") && a + 1 < argc) sync_every = atoll(argv[++a]);
        else argc = 0; /* shows the usage */
    }
    if (argc < 3) {
        fprintf(stderr, "usage: pg_limit_workload N CONNINFO [SCHEMA] [--sync-every K]\n");
        return 2;
    }
    long long n = atoll(argv[1]);
    if (n <= 0 || sync_every < 0) {
        fprintf(stderr, "pg_limit_workload: N must be > 0, K >= 0\n");
        return 2;
    }
    const long long checkpoint_every = 10000;

    double t_start = mono_s();
    conn = PQconnectdb(argv[2]);
    if (PQstatus(conn) != CONNECTION_OK) die("connecting");
    char *ident = PQescapeIdentifier(conn, schema, strlen(schema));
    if (!ident) die("quoting the schema");
    char sql[512];
    /* The session as the runtime sets it: the schema alone on the path,
     * UTC (the server reads _fivetran_synced's 'Z' either way). */
    snprintf(sql, sizeof sql, "CREATE SCHEMA %s", ident);
    exec_ok(sql);
    snprintf(sql, sizeof sql, "SET search_path = %s", ident);
    PQfreemem(ident);
    exec_ok(sql);
    exec_ok("SET timezone = 'UTC'");
    exec_ok(THREE_PG_DDL);
    exec_ok(STATE_DDL);
    prepare_ok("up", UPSERT_SQL, 0, NULL);
    prepare_ok("upd", UPDATE_SQL, 0, NULL);
    prepare_ok("del", DELETE_SQL, 0, NULL);
    const Oid bytea[] = {17};
    prepare_ok("state", STATE_SQL, 1, bytea);
    if (!PQenterPipelineMode(conn)) die("entering pipeline mode");

    char id[37], val1[32], val2[24];
    long long ops = 0, n_up = 0, n_upd = 0, n_del = 0, checkpoints = 0, syncs = 0;
    /* After each operation: a checkpoint every checkpoint_every (which
     * opens the next transaction), else a sync every sync_every. */
#define AFTER_OP(cursor)                                                 \
    do {                                                                 \
        ops++;                                                           \
        if (ops % checkpoint_every == 0) {                               \
            checkpoint((cursor), ops);                                   \
            checkpoints++;                                               \
            send_begin();                                                \
        } else if (sync_every && pending >= sync_every) {                \
            sync_and_read();                                             \
            syncs++;                                                     \
        }                                                                \
    } while (0)

    double t0 = mono_s();
    send_begin();
    for (long long i = 1; i <= n; i++) {
        make_id((uint64_t)i, id);
        snprintf(val1, sizeof val1, "value-%lld", i);
        snprintf(val2, sizeof val2, "%lld", i);
        const char *up[] = {id, val1, val2, utc_now_ms()};
        queue("up", 4, up);
        n_up++;
        AFTER_OP(i);
        if (i % 10 == 0) {
            make_id((uint64_t)(i / 2), id);
            snprintf(val2, sizeof val2, "%lld", -i);
            const char *upd[] = {val2, utc_now_ms(), id};
            queue("upd", 3, upd);
            n_upd++;
            AFTER_OP(i);
        }
        if (i % 100 == 0) {
            make_id((uint64_t)(i / 4), id);
            const char *del[] = {utc_now_ms(), id};
            queue("del", 2, del);
            n_del++;
            AFTER_OP(i);
        }
    }
    checkpoint(n, ops); /* the final one */
    checkpoints++;
    double t1 = mono_s();
    if (!PQexitPipelineMode(conn)) die("leaving pipeline mode");
    PQfinish(conn);
    double t_end = mono_s();

    printf("pg_limit_workload: n=%lld upserts=%lld updates=%lld deletes=%lld ops=%lld "
           "checkpoints=%lld extra_syncs=%lld loop_s=%.3f ops_per_s=%.0f total_s=%.3f libpq=%d\n",
           n, n_up, n_upd, n_del, ops, checkpoints, syncs, t1 - t0, ops / (t1 - t0),
           t_end - t_start, PQlibVersion());
    return 0;
}
