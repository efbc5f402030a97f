/* store_pg: the PostgreSQL destination's connection: opening it (the
 * schema's lock, the runtime's own tables), the transactions, the saved
 * state and owner, reading the catalog, and the table of methods that
 * store.c calls. Every failure keeps PostgreSQL's reason with its phase,
 * e.g. `upsert into "user": value too long for type ...`. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pg_url.h"
#include "rowhash.h"
#include "store_pg_internal.h"

/* The first key of the schema lock: 'clua' in ASCII, so that the lock is
 * told apart from other applications' two-key advisory locks. */
#define LOCK_CLASS "1668052321"

/* The runtime's own tables, as store_sqlite.c makes them, in PostgreSQL's
 * words. Times stay TEXT (UTC ISO-8601, as SQLite holds them) so that
 * inspect reads the same text from either destination. The state is
 * bytea: a script's state may hold bytes that are not UTF-8 (a cursor of
 * raw bytes), which SQLite keeps and text would refuse; every byte comes
 * back as it went (convert_from(state, 'UTF8') shows it in psql). */
static const char OWN_TABLES_SQL[] =
    "CREATE TABLE IF NOT EXISTS _clua_columns("
    " table_name text NOT NULL, column_name text NOT NULL, position integer NOT NULL,"
    " logical_type text, precision integer, scale integer,"
    " primary_key integer NOT NULL DEFAULT 0, declared integer NOT NULL DEFAULT 0,"
    " PRIMARY KEY(table_name, column_name));"
    "CREATE TABLE IF NOT EXISTS _clua_state("
    " id integer PRIMARY KEY CHECK (id = 1), state bytea NOT NULL, saved_at text NOT NULL);"
    "CREATE TABLE IF NOT EXISTS _clua_meta(key text PRIMARY KEY, value text NOT NULL);"
    "CREATE TABLE IF NOT EXISTS _clua_history(table_name text PRIMARY KEY, start_column text);";

/* ---- failures ---- */

int pg_fail(pg_store *ps, const PGresult *res, const char *fmt, ...) {
    char phase[512], reason[700] = "", detail[300] = "";
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(phase, sizeof phase, fmt, ap);
    va_end(ap);
    const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    const char *more = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;
    if (primary) {
        pg_url_message_line(primary, reason, sizeof reason);
        if (more) pg_url_message_line(more, detail, sizeof detail);
    } else {
        /* No result: libpq's own reason (the connection, or memory). */
        pg_url_message_line(ps->conn ? PQerrorMessage(ps->conn) : "out of memory", reason,
                            sizeof reason);
        if (!reason[0]) snprintf(reason, sizeof reason, "out of memory");
    }
    if (strncmp(reason, "row is too big", 14) == 0) {
        /* PostgreSQL's words say neither whose limit nor why. */
        char plain[700];
        snprintf(plain, sizeof plain, "%s", reason);
        snprintf(reason, sizeof reason,
                 "the row is too big for PostgreSQL (%s): its values of fixed size (numbers, "
                 "dates, booleans) must fit in one 8 kB page, which this table's columns "
                 "overflow; SQLite has no such limit",
                 plain);
    }
    ps->base.nomem = strstr(reason, "out of memory") != NULL;
    /* query_canceled: what the deadline's cancel gives. Kept: the
     * statements after it fail for its sake ("current transaction is
     * aborted"). */
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    if (state && strcmp(state, "57014") == 0) ps->base.cancelled = true;
    snprintf(ps->base.err, sizeof ps->base.err, "%s: %s%s%s%s", phase, reason,
             detail[0] ? " (" : "", detail, detail[0] ? ")" : "");
    return -1;
}

static void count_changes(pg_store *ps, PGresult *res) {
    const char *n = PQcmdTuples(res); /* "" for a statement that changes no rows */
    if (n[0]) ps->changes += strtoll(n, NULL, 10);
}

int pg_done(pg_store *ps, PGresult *res, ExecStatusType want, const char *phase) {
    if (!res || PQresultStatus(res) != want) {
        pg_fail(ps, res, "%s", phase);
        PQclear(res);
        return -1;
    }
    count_changes(ps, res);
    PQclear(res);
    return 0;
}

int pg_exec(pg_store *ps, const char *sql, const char *phase) {
    return pg_done(ps, PQexec(ps->conn, sql), PGRES_COMMAND_OK, phase);
}

void pg_statement_name(pg_store *ps, char *out) {
    snprintf(out, 32, "clua_%lu", ++ps->next_name);
}

/* Runs sql with text parameters (NULL: SQL NULL) and returns its result
 * when it has the status wanted; else NULL with the failure kept. */
static PGresult *query(pg_store *ps, const char *sql, int n, const char *const *texts,
                       ExecStatusType want, const char *phase) {
    PGresult *res = PQexecParams(ps->conn, sql, n, NULL, texts, NULL, NULL, 0);
    if (!res || PQresultStatus(res) != want) {
        pg_fail(ps, res, "%s", phase);
        PQclear(res);
        return NULL;
    }
    count_changes(ps, res);
    return res;
}

/* ---- opening ---- */

/* Replaces each occurrence of secret in msg by "****" (a short password
 * may hide more than itself: the message is then only less clear). */
static void mask(char *msg, size_t size, const char *secret) {
    size_t n = secret ? strlen(secret) : 0;
    if (n == 0 || !strstr(msg, secret)) return;
    char out[1024];
    size_t k = 0;
    for (const char *p = msg; *p && k + 5 < sizeof out;) {
        if (strncmp(p, secret, n) == 0) {
            memcpy(out + k, "****", 4);
            k += 4;
            p += n;
        } else {
            out[k++] = *p++;
        }
    }
    out[k] = '\0';
    snprintf(msg, size, "%s", out);
}

/* The password a URL carries (postgresql://user:PASSWORD@host/...), into
 * out; "" when none. libpq never echoes it, but a message must not hold it
 * even if a later libpq did. */
static void url_password(const char *conninfo, char *out, size_t n) {
    out[0] = '\0';
    const char *p = strstr(conninfo, "://");
    if (!p) return;
    p += 3;
    const char *at = strchr(p, '@'), *slash = strchr(p, '/');
    if (!at || (slash && slash < at)) return;
    const char *colon = memchr(p, ':', (size_t)(at - p));
    if (colon) snprintf(out, n, "%.*s", (int)(at - colon - 1), colon + 1);
}

/* Keeps the connection's failure in err, without the password. */
static void connect_error(PGconn *conn, const char *conninfo, char *err, size_t errlen) {
    char reason[1024], pw[256];
    pg_url_message_line(conn ? PQerrorMessage(conn) : "out of memory", reason, sizeof reason);
    url_password(conninfo, pw, sizeof pw);
    mask(reason, sizeof reason, pw);
    PQconninfoOption *opts = conn ? PQconninfo(conn) : NULL;
    for (PQconninfoOption *o = opts; o && o->keyword; o++)
        if (strcmp(o->keyword, "password") == 0) mask(reason, sizeof reason, o->val);
    PQconninfoFree(opts);
    snprintf(err, errlen, "cannot connect to PostgreSQL: %s", reason);
}

/* The session that holds the schema's lock ($1: the schema), for the
 * queries below. */
#define HOLDER_SQL                                                                                 \
    " FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"                                    \
    " WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database"   \
    " WHERE datname = current_database()) AND l.classid = " LOCK_CLASS "::oid"                     \
    " AND l.objsubid = 2 AND l.objid = hashtext('connector-lua:' || $1)::oid"

/* The session the schema's lock is held by, for the message of a second
 * run: its application_name (the holder text of store_pg_open), its
 * server process and its client. */
static void lock_holder(pg_store *ps, const char *schema, char *out, size_t n) {
    const char *args[] = {schema};
    PGresult *res = query(ps,
                          "SELECT a.application_name, a.pid, coalesce(host(a.client_addr),"
                          " 'the local socket')" HOLDER_SQL " LIMIT 1",
                          1, args, PGRES_TUPLES_OK, "finding the lock's holder");
    if (res && PQntuples(res) == 1) {
        const char *app = PQgetvalue(res, 0, 0);
        snprintf(out, n, "%s; server process %s, client %s", app[0] ? app : "a session with no name",
                 PQgetvalue(res, 0, 1), PQgetvalue(res, 0, 2));
    } else {
        snprintf(out, n, "which has just ended, or is not visible to this user");
    }
    PQclear(res);
}

/* Takes the schema's lock for the session: a session-level advisory lock
 * on two keys, LOCK_CLASS and hashtext('connector-lua:' || schema). Two
 * schemas whose names hash alike (32 bits: about one pair in four
 * billion) share a lock: harmless, since the second run is refused with a
 * message naming the first, and no data is touched; it only waits.
 * The server releases the lock when the session ends, however it ends
 * (kill -9 of this process included). Returns 1 taken, 0 held elsewhere,
 * -1 failure. */
static int take_lock(pg_store *ps, const char *schema) {
    const char *args[] = {schema};
    PGresult *res = query(ps,
                          "SELECT pg_try_advisory_lock(" LOCK_CLASS
                          ", hashtext('connector-lua:' || $1))",
                          1, args, PGRES_TUPLES_OK, "taking the schema's lock");
    if (!res) return -1;
    int got = PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "t") == 0;
    PQclear(res);
    return got;
}

/* After a kill -9 the server takes a moment (up to about half a second
 * on a loaded machine) to end the killed run's session and free its lock.
 * Whether the holder is such a run: a connector-lua session (its
 * application_name ends ", pid N", the holder text of store_pg_open) on
 * this host (it and this session both on the server's Unix socket) whose
 * process N is gone. The answer only ever delays a refusal (a pid of
 * another pid namespace reads as gone); it never takes a lock held. */
static bool holder_gone(pg_store *ps, const char *schema) {
    const char *args[] = {schema};
    PGresult *res = query(ps,
                          "SELECT a.application_name" HOLDER_SQL
                          " AND a.client_addr IS NULL AND inet_client_addr() IS NULL",
                          1, args, PGRES_TUPLES_OK, "finding the lock's holder");
    bool gone = false;
    if (res && PQntuples(res) == 1) {
        const char *app = PQgetvalue(res, 0, 0), *p = strstr(app, ", pid ");
        char *end;
        long pid = p && strncmp(app, "connector-lua ", 14) == 0 ? strtol(p + 6, &end, 10) : 0;
        gone = pid > 0 && *end == '\0' && kill((pid_t)pid, 0) != 0 && errno == ESRCH;
    } else if (res) {
        gone = true; /* no holder any more: the lock was let go just now */
    }
    PQclear(res);
    return gone;
}

/* How long a lock whose holder_gone is tried again, in seconds. */
#define LOCK_GRACE 3.0

/* take_lock, tried again while the holder is a killed run's session that
 * the server has not ended yet (holder_gone), until stop(user) says stop
 * (nothing here is interrupted by a signal, and the deadline's timer has
 * no store to stop yet): then 2. */
static int take_lock_after_kill(pg_store *ps, const char *schema, store_pg_stop_fn stop,
                                void *user) {
    int got = take_lock(ps, schema);
    for (int i = 0; got == 0 && i < (int)(LOCK_GRACE / 0.05) && holder_gone(ps, schema); i++) {
        if (stop && stop(user)) return 2;
        nanosleep(&(struct timespec){0, 50 * 1000 * 1000}, NULL);
        got = take_lock(ps, schema);
    }
    return got;
}

/* The session's settings every statement relies on. search_path: the
 * schema alone, so that all SQL is unqualified and CREATE makes its
 * tables there; pg_catalog, not named, is then searched before it, as
 * PostgreSQL advises for SQL that must not be hijacked: a function,
 * operator or type that anyone with CREATE on the schema makes there
 * (to_char(timestamp, text), hashtext(text), a table called text) cannot
 * stand in for the built-in one the runtime's SQL means. (Named first,
 * pg_catalog would also become where CREATE puts tables.) The catalog's
 * relations then hide a user table of the same name: pg_create_table
 * refuses names that start with pg_, which all of them do. DateStyle,
 * TimeZone and extra_float_digits make the server's text of dates and
 * numbers one fixed form (ISO, UTC, the shortest text that reads back).
 * The keepalives and client_connection_check_interval make the server
 * notice a client that is gone (its host dead or cut off: no FIN ever
 * comes) within about a minute and a half, idle or running a statement,
 * and so end the session and free the schema's lock, where the system's
 * TCP defaults wait two hours. */
static int set_session(pg_store *ps, const char *schema) {
    char *ident = PQescapeIdentifier(ps->conn, schema, strlen(schema));
    if (!ident) return pg_fail(ps, NULL, "quoting the schema's name \"%s\"", schema);
    strbuf_clear(&ps->sql);
    int bad = strbuf_printf(&ps->sql,
                            "SET search_path = %s; SET datestyle = 'ISO, YMD';"
                            " SET timezone = 'UTC'; SET extra_float_digits = 3;"
                            " SET intervalstyle = 'iso_8601'; SET tcp_keepalives_idle = 30;"
                            " SET tcp_keepalives_interval = 10; SET tcp_keepalives_count = 6;"
                            " SET client_connection_check_interval = '5s'",
                            ident);
    PQfreemem(ident);
    if (bad) return store_oom(&ps->base);
    return pg_exec(ps, strbuf_cstr(&ps->sql), "setting up the session");
}

/* Creates the schema (when absent: CREATE SCHEMA needs CREATE on the
 * database, which a user granted only an existing schema lacks) and the
 * runtime's own tables in one transaction, so that a run killed or failing
 * here leaves all of them or none. Without make_schema, an absent schema
 * is left absent and 1 returned. */
static int create_own_tables(pg_store *ps, const char *schema, bool make_schema) {
    if (pg_exec(ps, "BEGIN", "creating the runtime's tables") != 0) return -1;
    const char *args[] = {schema};
    PGresult *res = query(ps, "SELECT 1 FROM pg_namespace WHERE nspname = $1", 1, args,
                          PGRES_TUPLES_OK, "looking for the schema");
    if (!res) return -1;
    bool exists = PQntuples(res) > 0;
    PQclear(res);
    if (!exists && !make_schema) return pg_exec(ps, "ROLLBACK", "looking for the schema") ? -1 : 1;
    if (!exists) {
        char *ident = PQescapeIdentifier(ps->conn, schema, strlen(schema));
        if (!ident) return pg_fail(ps, NULL, "quoting the schema's name \"%s\"", schema);
        strbuf_clear(&ps->sql);
        int bad = strbuf_printf(&ps->sql, "CREATE SCHEMA IF NOT EXISTS %s", ident);
        PQfreemem(ident);
        if (bad) return store_oom(&ps->base);
        char phase[300];
        snprintf(phase, sizeof phase, "creating schema \"%s\"", schema);
        if (pg_exec(ps, strbuf_cstr(&ps->sql), phase) != 0) return -1;
    }
    /* The canonical form of _fivetran_id (rowhash.h), as SQLite's
     * PRAGMA user_version records it: a later form can tell. */
    strbuf_clear(&ps->sql);
    if (strbuf_printf(&ps->sql,
                      "%s%sINSERT INTO _clua_meta(key, value) VALUES('row_id_version', '%d')"
                      " ON CONFLICT (key) DO NOTHING",
                      OWN_TABLES_SQL, PG_JOURNAL_SCHEMA_SQL, ROWHASH_VERSION) != 0)
        return store_oom(&ps->base);
    /* On failure the transaction stays open: closing the connection ends it. */
    if (pg_exec(ps, strbuf_cstr(&ps->sql), "creating the runtime's tables") != 0) return -1;
    return pg_exec(ps, "COMMIT", "creating the runtime's tables");
}

static const store_methods pg_methods;

/* The server's notices (CREATE ... IF NOT EXISTS skipping, and the like)
 * are not the user's business: libpq would print them raw on stderr. */
static void no_notices(void *arg, const char *message) {
    (void)arg;
    (void)message;
}

/* store_pg_open, or, with missing, store_pg_open_existing. */
static store *open_store(const char *conninfo, const char *schema, const char *holder,
                         store_pg_stop_fn stop, void *user, char *err, size_t errlen,
                         store_open_status *why, bool *missing) {
    *why = STORE_OPEN_FAILED;
    if (pq_lazy_load(err, errlen) != 0) return NULL;
    pg_store *ps = calloc(1, sizeof *ps);
    if (!ps) {
        snprintf(err, errlen, "cannot connect to PostgreSQL: out of memory");
        *why = STORE_OPEN_NOMEM;
        return NULL;
    }
    ps->base.m = &pg_methods;
    /* The conninfo is expanded first; the keywords after it win over what
     * it says, so this run is named whatever the URL holds. */
    const char *keys[] = {"dbname", "application_name", "client_encoding", NULL};
    const char *vals[] = {conninfo, holder, "UTF8", NULL};
    ps->conn = PQconnectdbParams(keys, vals, 1);
    if (!ps->conn || PQstatus(ps->conn) != CONNECTION_OK) {
        connect_error(ps->conn, conninfo, err, errlen);
        if (!ps->conn) *why = STORE_OPEN_NOMEM;
        store_close(&ps->base, NULL);
        return NULL;
    }
    PQsetNoticeProcessor(ps->conn, no_notices, NULL);
    int got = -1;
    if (pg_canceller_start(&ps->canceller, ps->conn) != 0) {
        store_oom(&ps->base);
    } else if (set_session(ps, schema) == 0 &&
               ((got = take_lock_after_kill(ps, schema, stop, user)) == 0 || got == 2)) {
        char who[600];
        lock_holder(ps, schema, who, sizeof who);
        if (got == 2)
            snprintf(err, errlen,
                     "waiting for the lock on PostgreSQL schema \"%s\", held by a run whose "
                     "process is gone (%s)",
                     schema, who);
        else
            snprintf(err, errlen,
                     "another connector-lua run (%s) is using PostgreSQL schema \"%s\"; wait for "
                     "it to finish",
                     who, schema);
        *why = got == 2 ? STORE_OPEN_STOPPED : STORE_OPEN_BUSY;
        store_close(&ps->base, NULL);
        return NULL;
    }
    int made = got == 1 ? create_own_tables(ps, schema, !missing) : -1;
    if (made == 1) {
        *missing = true;
        err[0] = '\0';
        store_close(&ps->base, NULL);
        return NULL;
    }
    if (made != 0) {
        snprintf(err, errlen, "cannot open PostgreSQL schema \"%s\": %s", schema, ps->base.err);
        if (ps->base.nomem) *why = STORE_OPEN_NOMEM;
        store_close(&ps->base, NULL);
        return NULL;
    }
    *why = STORE_OPENED;
    return &ps->base;
}

store *store_pg_open(const char *conninfo, const char *schema, const char *holder, char *err,
                     size_t errlen, store_open_status *why) {
    return open_store(conninfo, schema, holder, NULL, NULL, err, errlen, why, NULL);
}

store *store_pg_open_stoppable(const char *conninfo, const char *schema, const char *holder,
                               store_pg_stop_fn stop, void *user, char *err, size_t errlen,
                               store_open_status *why) {
    return open_store(conninfo, schema, holder, stop, user, err, errlen, why, NULL);
}

store *store_pg_open_existing(const char *conninfo, const char *schema, const char *holder,
                              store_pg_stop_fn stop, void *user, char *err, size_t errlen,
                              store_open_status *why, bool *missing) {
    *missing = false;
    return open_store(conninfo, schema, holder, stop, user, err, errlen, why, missing);
}

/* ---- the connection's methods ---- */

static void pg_close(store *st) {
    pg_store *ps = pg_of(st);
    if (ps->conn && PQtransactionStatus(ps->conn) != PQTRANS_IDLE)
        PQclear(PQexec(ps->conn, "ROLLBACK"));
    /* The lock is let go before the process can end: a run that starts
     * right after this one ends must find it free, and the server ends a
     * session only some time after PQfinish says goodbye. */
    if (ps->conn && PQstatus(ps->conn) == CONNECTION_OK)
        PQclear(PQexec(ps->conn, "SELECT pg_catalog.pg_advisory_unlock_all()"));
    pg_canceller_stop(&ps->canceller);
    PQfinish(ps->conn);
    strbuf_free(&ps->sql);
    strbuf_free(&ps->text);
    free(ps->values);
    free(ps->lengths);
    free(ps->formats);
    free(ps->offsets);
    free(ps->pending);
    free(ps);
}

/* synchronous_commit = on: a COMMIT returns once the server has flushed
 * its WAL to disk (and to a synchronous standby, where one is set up), so
 * a checkpoint survives a crash of the server's machine too. It is the
 * server's default; a server or database set to off is overridden. */
static int pg_set_durable(store *st) {
    return pg_exec(pg_of(st), "SET synchronous_commit = on", "setting synchronous_commit = on");
}

static int pg_column_limit(const store *st) {
    (void)st;
    return PG_COLUMN_LIMIT;
}

/* Asks the server to stop the running statement, without blocking: a
 * signal handler calls this (store_pg_cancel.c). */
static void pg_interrupt(store *st) { pg_canceller_poke(&pg_of(st)->canceller); }

static int pg_begin(store *st) { return pg_exec(pg_of(st), "BEGIN", "beginning a transaction"); }

/* The server ends a transaction whose COMMIT failed; make sure, so the
 * schema stays at the last good checkpoint. Returns -1. */
static int end_failed(pg_store *ps) {
    if (PQtransactionStatus(ps->conn) == PQTRANS_INTRANS ||
        PQtransactionStatus(ps->conn) == PQTRANS_INERROR)
        PQclear(PQexec(ps->conn, "ROLLBACK"));
    return -1;
}

/* Settles first (store.c leaves that to commit): an op of the pipeline
 * that failed fails the commit with its own reason, and the transaction
 * ends as after any failed COMMIT. */
static int pg_commit(store *st) {
    pg_store *ps = pg_of(st);
    if (pg_settle(ps) != 0) return end_failed(ps);
    PGresult *res = PQexec(ps->conn, "COMMIT");
    /* COMMIT of a transaction that failed earlier succeeds as "ROLLBACK":
     * nothing was committed, and the sync must not say it was. */
    if (res && PQresultStatus(res) == PGRES_COMMAND_OK && strcmp(PQcmdStatus(res), "ROLLBACK") == 0) {
        snprintf(st->err, sizeof st->err,
                 "committing: the transaction had failed and was rolled back");
        st->nomem = false;
        PQclear(res);
        return -1;
    }
    if (pg_done(ps, res, PGRES_COMMAND_OK, "committing") == 0) return 0;
    return end_failed(ps);
}

static int pg_rollback(store *st) {
    pg_store *ps = pg_of(st);
    PGTransactionStatusType ts = PQtransactionStatus(ps->conn);
    if (ts == PQTRANS_IDLE || ts == PQTRANS_UNKNOWN) return 0; /* nothing open, or no connection */
    return pg_exec(ps, "ROLLBACK", "rolling back");
}

/* ---- the catalog, state and owner ---- */

static int load_history(pg_store *ps, catalog *cat) {
    PGresult *res = query(ps, "SELECT table_name, start_column FROM _clua_history", 0, NULL,
                          PGRES_TUPLES_OK, "reading _clua_history");
    if (!res) return -1;
    int rc = 0;
    for (int r = 0; r < PQntuples(res) && rc == 0; r++) {
        const char *name = PQgetvalue(res, r, 0), *start = PQgetvalue(res, r, 1);
        dest_table *t = catalog_find(cat, name, strlen(name));
        if (!t) continue; /* a record without its table: nothing keeps history there */
        t->history = true;
        t->history_start = 0;
        if (PQgetisnull(res, r, 1) || !*start) continue;
        int ci = dest_table_find_column(t, start, strlen(start));
        if (ci < 0) {
            snprintf(ps->base.err, sizeof ps->base.err,
                     "_clua_history: table \"%s\" takes its versions' start from column \"%s\", "
                     "which it does not have (was it edited?)",
                     t->name, start);
            rc = -1;
        }
        t->history_start = ci + 1;
    }
    PQclear(res);
    return rc;
}

static int pg_load_catalog(store *st, catalog *cat) {
    pg_store *ps = pg_of(st);
    /* Primary-key columns first, in key order, so dest_table_add_column can
     * place them; names in byte order, as SQLite sorts them. */
    PGresult *res = query(ps,
                          "SELECT table_name, column_name, logical_type, precision, scale,"
                          " primary_key, declared FROM _clua_columns"
                          " ORDER BY table_name COLLATE \"C\", primary_key = 0, primary_key,"
                          " position",
                          0, NULL, PGRES_TUPLES_OK, "reading _clua_columns");
    if (!res) return -1;
    int rc = 0;
    for (int r = 0; r < PQntuples(res) && rc == 0; r++) {
        const char *tname = PQgetvalue(res, r, 0), *cname = PQgetvalue(res, r, 1);
        dest_table *t = catalog_find(cat, tname, strlen(tname));
        if (!t && !(t = catalog_add(cat, tname, strlen(tname)))) {
            rc = store_oom(st);
            break;
        }
        types_type type = {CATALOG_TYPE_PENDING, atoi(PQgetvalue(res, r, 3)),
                           atoi(PQgetvalue(res, r, 4))};
        const char *tyname = PQgetvalue(res, r, 2);
        if (!PQgetisnull(res, r, 2) && !types_from_name(tyname, strlen(tyname), &type.kind)) {
            snprintf(st->err, sizeof st->err,
                     "_clua_columns: column \"%s\".\"%s\" has unknown type \"%s\"", tname, cname,
                     tyname);
            rc = -1;
            break;
        }
        int ci = dest_table_add_column(t, cname, strlen(cname), type, atoi(PQgetvalue(res, r, 5)));
        if (ci < 0) {
            rc = store_oom(st);
            break;
        }
        t->cols[ci].declared = atoi(PQgetvalue(res, r, 6)) != 0;
    }
    PQclear(res);
    if (rc == 0) rc = load_history(ps, cat);
    if (rc == 0) rc = store_check_keys(st, cat);
    return rc;
}

static int pg_load_state(store *st, strbuf *out, bool *found) {
    *found = false;
    strbuf_clear(out);
    /* In binary form: bytea's is its bytes. */
    PGresult *res = PQexecParams(pg_of(st)->conn, "SELECT state FROM _clua_state WHERE id = 1", 0,
                                 NULL, NULL, NULL, NULL, 1);
    if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
        pg_fail(pg_of(st), res, "reading the saved state");
        PQclear(res);
        return -1;
    }
    int rc = 0;
    if (PQntuples(res) == 1) {
        *found = true;
        if (strbuf_append(out, PQgetvalue(res, 0, 0), (size_t)PQgetlength(res, 0, 0)) != 0)
            rc = store_oom(st);
    }
    PQclear(res);
    return rc;
}

/* The time of a save, as SQLite's strftime('%Y-%m-%dT%H:%M:%fZ', 'now') writes it. */
#define NOW_TEXT "to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"

static int pg_save_state(store *st, const char *json, size_t len) {
    pg_store *ps = pg_of(st);
    /* In binary form: bytea's is its bytes, every one kept. */
    const Oid types[] = {17 /* bytea */};
    const char *values[] = {json};
    const int lengths[] = {(int)len}, formats[] = {1};
    return pg_done(ps,
                   PQexecParams(ps->conn,
                                "INSERT INTO _clua_state(id, state, saved_at) VALUES(1, $1, " NOW_TEXT
                                ") ON CONFLICT (id) DO UPDATE SET state = excluded.state,"
                                " saved_at = excluded.saved_at",
                                1, types, values, lengths, formats, 0),
                   PGRES_COMMAND_OK, "saving the state");
}

static int pg_owner(store *st, char *owner, size_t size) {
    owner[0] = '\0';
    PGresult *res = query(pg_of(st), "SELECT value FROM _clua_meta WHERE key = 'owner'", 0, NULL,
                          PGRES_TUPLES_OK, "reading the schema's owner");
    if (!res) return -1;
    if (PQntuples(res) == 1) snprintf(owner, size, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    return 0;
}

static int pg_set_owner(store *st, const char *owner) {
    const char *args[] = {owner};
    PGresult *res = query(pg_of(st),
                          "INSERT INTO _clua_meta(key, value) VALUES('owner', $1)"
                          " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                          1, args, PGRES_COMMAND_OK, "recording the schema's owner");
    PQclear(res);
    return res ? 0 : -1;
}

static const store_methods pg_methods = {
    .name = "PostgreSQL",
    .close = pg_close,
    .set_durable = pg_set_durable,
    .column_limit = pg_column_limit,
    .settle = pg_settle_method,
    .interrupt = pg_interrupt,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .load_catalog = pg_load_catalog,
    .load_state = pg_load_state,
    .save_state = pg_save_state,
    .owner = pg_owner,
    .set_owner = pg_set_owner,
    .create_table = pg_create_table,
    .add_column = pg_add_column,
    .widen_column = pg_widen_column,
    .column_exact_double = pg_column_exact_double,
    .set_column_type = pg_set_column_type,
    .check_row = pg_check_row,
    .upsert = pg_upsert,
    .update = pg_update,
    .delete_row = pg_delete,
    .truncate = pg_truncate,
    .history_record = pg_history_record,
    .history_enable = pg_history_enable,
    .history_write = pg_history_write,
    .history_fill = pg_history_fill,
    .history_delete = pg_history_delete,
    .history_truncate = pg_history_truncate,
    .sweep = pg_sweep,
    .forget = pg_forget,
    .journal_begin = pg_journal_begin,
    .journal_checkpoint = pg_journal_checkpoint,
    .journal_end = pg_journal_end,
};
