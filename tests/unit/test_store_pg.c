/* Unit tests for the PostgreSQL store (store_pg*.c), against a real
 * server: the URL comes from CLUA_PG_URL, and without it every test fails
 * (never skips). Each test gets a schema of its own, dropped afterwards;
 * the store is driven through the store_* functions as runtime.c drives
 * it, and what the server holds is read through a second connection:
 * native types, the schema's lock, rollback, values that come back
 * unchanged (random doubles, int64's ends, DECIMAL(38,s), dates at the
 * ranges' ends, non-ASCII text, bytes with NULs), the 63-byte names, and
 * widening with the texts SQLite's store_widen.c gives; history mode,
 * with SQLite's store beside it as the reference for rules and values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include "catalog.h"
#include "fixture.h"
#include "journal.h"
#include "store.h"
#include "store_pg.h"
#include "store_sqlite.h"
#include "types.h"

#define S1 "2024-01-02T03:04:05.678Z"
#define S2 "2024-01-02T03:04:06.000Z"

typedef struct fixture {
    const char *url;
    char schema[64];
    char holder[128];
    PGconn *admin; /* the test's own connection, search_path on the schema */
    store *st;
    catalog cat;
    char out[16384];
} fixture;

static int counter;

static PGconn *admin_connect(const char *url, const char *schema) {
    PGconn *c = PQconnectdb(url);
    if (PQstatus(c) != CONNECTION_OK) {
        print_error("cannot connect to CLUA_PG_URL: %s", PQerrorMessage(c));
        PQfinish(c);
        return NULL;
    }
    char sql[256];
    snprintf(sql, sizeof sql,
             "SET search_path = \"%s\"; SET extra_float_digits = 3; SET timezone = 'UTC';"
             " SET datestyle = 'ISO, YMD'; SET client_min_messages = warning",
             schema);
    PQclear(PQexec(c, sql));
    return c;
}

static int setup(void **state) {
    const char *url = getenv("CLUA_PG_URL");
    if (!url || !*url) {
        print_error("CLUA_PG_URL is not set: these tests need a PostgreSQL server "
                    "(see tests/README or pgdev notes)\n");
        return -1; /* a failed setup fails the test */
    }
    fixture *fx = calloc(1, sizeof *fx);
    if (!fx) return -1;
    fx->url = url;
    snprintf(fx->schema, sizeof fx->schema, "clua_test_%ld_%d", (long)getpid(), ++counter);
    snprintf(fx->holder, sizeof fx->holder, "connector-lua test_store_pg, pid %ld", (long)getpid());
    fx->admin = admin_connect(url, fx->schema);
    if (!fx->admin) {
        free(fx);
        return -1;
    }
    char err[1024];
    store_open_status why;
    fx->st = store_pg_open(url, fx->schema, fx->holder, err, sizeof err, &why);
    if (!fx->st) {
        print_error("store_pg_open: %s\n", err);
        PQfinish(fx->admin);
        free(fx);
        return -1;
    }
    *state = fx;
    return 0;
}

static int teardown(void **state) {
    fixture *fx = *state;
    store_close(fx->st, &fx->cat);
    catalog_free(&fx->cat);
    char sql[128];
    snprintf(sql, sizeof sql, "DROP SCHEMA IF EXISTS \"%s\" CASCADE", fx->schema);
    PQclear(PQexec(fx->admin, sql));
    PQfinish(fx->admin);
    free(fx);
    return 0;
}

static void reopen(fixture *fx) {
    store_close(fx->st, &fx->cat);
    catalog_free(&fx->cat);
    memset(&fx->cat, 0, sizeof fx->cat);
    char err[1024];
    store_open_status why;
    fx->st = store_pg_open(fx->url, fx->schema, fx->holder, err, sizeof err, &why);
    if (!fx->st) fail_msg("store_pg_open again: %s", err);
}

/* Rows of sql on the test's own connection as "a|b\nc|d"; NULL as NULL. */
static const char *q(fixture *fx, const char *sql) {
    PGresult *res = PQexec(fx->admin, sql);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        snprintf(fx->out, sizeof fx->out, "%s", PQresultErrorMessage(res));
        PQclear(res);
        fail_msg("%s: %s", sql, fx->out);
    }
    size_t k = 0;
    fx->out[0] = '\0';
    for (int r = 0; r < PQntuples(res); r++)
        for (int c = 0; c < PQnfields(res); c++) {
            const char *v = PQgetisnull(res, r, c) ? "NULL" : PQgetvalue(res, r, c);
            k += (size_t)snprintf(fx->out + k, sizeof fx->out - k, "%s%s%s", r && !c ? "\n" : "",
                                  c ? "|" : "", v);
            assert_true(k < sizeof fx->out);
        }
    PQclear(res);
    return fx->out;
}

/* ---- tables and rows, as schema.c and lib_op.c make them ---- */

/* (colspec, MK, row_clear and v_* are fixture.h's.) */

static void ok(fixture *fx, int rc) {
    if (rc != 0) fail_msg("store call failed: %s", store_error(fx->st));
}

static void create(fixture *fx, dest_table *t) {
    ok(fx, store_begin(fx->st));
    ok(fx, store_create_table(fx->st, t));
    ok(fx, store_commit(fx->st));
}

/* The value types_convert gives for input in as type kind (p, s). */
static void v_convert(dest_table *t, int ci, const types_input *in) {
    char err[256];
    if (types_convert(&t->cols[ci].type, in, &t->vals[ci], err, sizeof err) != 0)
        fail_msg("types_convert: %s", err);
    t->present[ci] = 1;
}

/* ---- opening: own tables, session name, the lock ---- */

static void test_open_makes_own_tables(void **state) {
    fixture *fx = *state;
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT table_name FROM information_schema.tables WHERE table_schema = '%s'"
             " ORDER BY table_name COLLATE \"C\"",
             fx->schema);
    assert_string_equal(q(fx, sql), "_clua_columns\n_clua_history\n_clua_meta\n_clua_state\n"
                                    "_clua_sync_checkpoints\n_clua_sync_tables\n_clua_syncs");
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM pg_stat_activity WHERE application_name = '%s'", fx->holder);
    assert_string_equal(q(fx, sql), "1");
    assert_string_equal(q(fx, "SELECT value FROM _clua_meta WHERE key = 'row_id_version'"), "2");
}

static void test_second_open_is_busy_and_names_holder(void **state) {
    fixture *fx = *state;
    char err[1024];
    store_open_status why;
    store *second = store_pg_open(fx->url, fx->schema, "connector-lua second, pid 1", err,
                                  sizeof err, &why);
    assert_null(second);
    assert_int_equal(why, STORE_OPEN_BUSY);
    char want[256];
    snprintf(want, sizeof want, "another connector-lua run (%s; server process ", fx->holder);
    if (!strstr(err, want)) fail_msg("message does not name the holder: %s", err);
    snprintf(want, sizeof want, "is using PostgreSQL schema \"%s\"", fx->schema);
    assert_non_null(strstr(err, want));
    /* Another schema is another lock. */
    char other[80];
    snprintf(other, sizeof other, "%s_other", fx->schema);
    store *third = store_pg_open(fx->url, other, "connector-lua third", err, sizeof err, &why);
    if (!third) fail_msg("another schema: %s", err);
    assert_int_equal(why, STORE_OPENED);
    store_close(third, NULL);
    char sql[128];
    snprintf(sql, sizeof sql, "DROP SCHEMA \"%s\" CASCADE", other);
    PQclear(PQexec(fx->admin, sql));
    /* The lock goes with the first store's session. */
    store_close(fx->st, &fx->cat);
    fx->st = store_pg_open(fx->url, fx->schema, fx->holder, err, sizeof err, &why);
    if (!fx->st) fail_msg("after the holder closed: %s", err);
}

static void test_connect_failure_hides_password(void **state) {
    (void)state;
    char err[1024];
    store_open_status why;
    store *st = store_pg_open("postgresql://someone:Sekr1tPw@/nodb?host=/nonexistent/dir&connect_timeout=2",
                              "s", "h", err, sizeof err, &why);
    assert_null(st);
    assert_int_equal(why, STORE_OPEN_FAILED);
    assert_true(strncmp(err, "cannot connect to PostgreSQL: ", 30) == 0);
    assert_null(strstr(err, "Sekr1tPw"));
    assert_null(strchr(err, '\n'));
}

/* ---- DDL and native types ---- */

static dest_table *all_types(fixture *fx, const char *name) {
    return MK(fx, name, {"id", TYPES_INT, 0, 0, 1}, {"flag", TYPES_BOOLEAN, 0, 0, 0},
              {"small", TYPES_SHORT, 0, 0, 0}, {"big", TYPES_LONG, 0, 0, 0},
              {"amount", TYPES_DECIMAL, 38, 10, 0}, {"f", TYPES_FLOAT, 0, 0, 0},
              {"d", TYPES_DOUBLE, 0, 0, 0}, {"day", TYPES_NAIVE_DATE, 0, 0, 0},
              {"at", TYPES_NAIVE_DATETIME, 0, 0, 0}, {"utc", TYPES_UTC_DATETIME, 0, 0, 0},
              {"raw", TYPES_BINARY, 0, 0, 0}, {"x", TYPES_XML, 0, 0, 0},
              {"s", TYPES_STRING, 0, 0, 0}, {"doc", TYPES_JSON, 0, 0, 0});
}

static void test_native_types(void **state) {
    fixture *fx = *state;
    create(fx, all_types(fx, "user"));
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT column_name, data_type, coalesce(numeric_precision::text, ''),"
             " coalesce(datetime_precision::text, ''), is_nullable"
             " FROM information_schema.columns WHERE table_schema = '%s' AND table_name = 'user'"
             " ORDER BY ordinal_position",
             fx->schema);
    assert_string_equal(q(fx, sql),
                        "id|integer|32||NO\n"
                        "flag|boolean|||YES\n"
                        "small|smallint|16||YES\n"
                        "big|bigint|64||YES\n"
                        "amount|numeric|38||YES\n"
                        "f|double precision|53||YES\n"
                        "d|double precision|53||YES\n"
                        "day|date||0|YES\n"
                        "at|timestamp without time zone||3|YES\n"
                        "utc|timestamp with time zone||3|YES\n"
                        "raw|bytea|||YES\n"
                        "x|text|||YES\n"
                        "s|text|||YES\n"
                        "doc|json|||YES\n"
                        "_fivetran_synced|timestamp with time zone||3|YES\n"
                        "_fivetran_deleted|boolean|||NO");
    assert_string_equal(q(fx, "SELECT column_name, position, coalesce(logical_type, '-'),"
                              " coalesce(precision, -1), coalesce(scale, -1), primary_key"
                              " FROM _clua_columns WHERE column_name IN ('id', 'amount', 'doc')"
                              " ORDER BY position"),
                        "id|0|INT|-1|-1|1\namount|4|DECIMAL|38|10|0\ndoc|13|JSON|-1|-1|0");
}

static void test_values_read_back(void **state) {
    fixture *fx = *state;
    dest_table *t = all_types(fx, "v");
    create(fx, t);
    ok(fx, store_begin(fx->st));
    row_clear(t);
    v_int(t, 0, 1);
    v_int(t, 1, 1);
    v_int(t, 2, -32768);
    v_int(t, 3, INT64_MIN);
    v_text(t, 4, "-1234567890123456789012345678.0123456789");
    v_real(t, 5, 0.5);
    v_real(t, 6, 0.1);
    v_text(t, 7, "0001-01-01");
    v_text(t, 8, "9999-12-31T23:59:59.999");
    v_text(t, 9, "1970-01-01T00:00:00.001Z");
    v_bytes(t, 10, TYPES_SQL_BLOB, "a\0b\xff", 4);
    v_text(t, 11, "<a>é</a>");
    v_text(t, 12, "naïve ☃ \xf0\x9f\x98\x80");
    v_text(t, 13, "{\"b\":1,\"a\":[true,null]}");
    ok(fx, store_upsert(fx->st, t, S1));
    ok(fx, store_commit(fx->st));
    assert_string_equal(
        q(fx, "SELECT flag, small, big, amount, f, d, day, to_char(at, 'YYYY-MM-DD\"T\"HH24:MI:SS.MS'),"
              " utc, encode(raw, 'hex'), x, s, doc, _fivetran_synced, _fivetran_deleted FROM v"),
        "t|-32768|-9223372036854775808|-1234567890123456789012345678.0123456789|0.5|0.1|"
        "0001-01-01|9999-12-31T23:59:59.999|1970-01-01 00:00:00.001+00|610062ff|<a>é</a>|"
        "naïve ☃ \xf0\x9f\x98\x80|{\"b\":1,\"a\":[true,null]}|2024-01-02 03:04:05.678+00|f");
}

/* Random doubles (any bit pattern), int64's ends, DECIMAL(38,s) texts and
 * bytes with NULs come back exactly as they went in. */
static void test_values_unchanged_property(void **state) {
    fixture *fx = *state;
    dest_table *t = MK(fx, "p", {"id", TYPES_INT, 0, 0, 1}, {"d", TYPES_DOUBLE, 0, 0, 0},
                       {"big", TYPES_LONG, 0, 0, 0}, {"dec", TYPES_DECIMAL, 38, 7, 0},
                       {"raw", TYPES_BINARY, 0, 0, 0});
    create(fx, t);
    enum { N = 400 };
    static double ds[N];
    static int64_t is[N];
    static char decs[N][48];
    static char raws[N][16];
    srand(20240101);
    ok(fx, store_begin(fx->st));
    for (int r = 0; r < N; r++) {
        uint64_t bits = 0;
        for (int k = 0; k < 4; k++) bits = bits << 16 | (uint64_t)(rand() & 0xffff);
        double d;
        memcpy(&d, &bits, sizeof d);
        if (d != d || r % 50 == 0) d = r % 100 == 0 ? 1e308 * 10 : -0.0; /* inf, -0 */
        ds[r] = d;
        int64_t edge[] = {INT64_MIN, INT64_MAX, 0, -1, 9007199254740993};
        is[r] = r < 5 ? edge[r] : (int64_t)bits;
        /* 31 digits before the point, 7 after: DECIMAL(38,7)'s widest. */
        int n = snprintf(decs[r], sizeof decs[r], "%s%d", r % 2 ? "-" : "", rand() % 9 + 1);
        for (int k = 1; k < 38; k++) {
            if (k == 31) decs[r][n++] = '.';
            decs[r][n++] = (char)('0' + rand() % 10);
        }
        decs[r][n] = '\0';
        for (int k = 0; k < 16; k++) raws[r][k] = (char)(rand() % 3 == 0 ? 0 : rand());
        row_clear(t);
        v_int(t, 0, r);
        v_real(t, 1, d);
        v_int(t, 2, is[r]);
        v_text(t, 3, decs[r]);
        v_bytes(t, 4, TYPES_SQL_BLOB, raws[r], 16);
        ok(fx, store_upsert(fx->st, t, S1));
    }
    ok(fx, store_commit(fx->st));
    PGresult *res = PQexecParams(fx->admin, "SELECT id, d::text, big::text, dec::text, raw FROM p ORDER BY id",
                                 0, NULL, NULL, NULL, NULL, 0);
    assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
    assert_int_equal(PQntuples(res), N);
    for (int r = 0; r < N; r++) {
        double got = strtod(PQgetvalue(res, r, 1), NULL);
        if (memcmp(&got, &ds[r], sizeof got) != 0 && !(got == 0 && ds[r] == 0))
            fail_msg("row %d: double %.17g came back as %s", r, ds[r], PQgetvalue(res, r, 1));
        assert_int_equal(strtoll(PQgetvalue(res, r, 2), NULL, 10), is[r]);
        assert_string_equal(PQgetvalue(res, r, 3), decs[r]);
        size_t len = 0;
        unsigned char *raw = PQunescapeBytea((const unsigned char *)PQgetvalue(res, r, 4), &len);
        assert_int_equal(len, 16);
        assert_memory_equal(raw, raws[r], 16);
        PQfreemem(raw);
    }
    PQclear(res);
}

static void test_text_with_nul_is_refused(void **state) {
    fixture *fx = *state;
    dest_table *t = MK(fx, "n", {"id", TYPES_INT, 0, 0, 1}, {"s", TYPES_STRING, 0, 0, 0});
    create(fx, t);
    ok(fx, store_begin(fx->st));
    row_clear(t);
    v_int(t, 0, 1);
    v_bytes(t, 1, TYPES_SQL_TEXT, "a\0b", 3);
    assert_int_equal(store_upsert(fx->st, t, S1), -1);
    assert_string_equal(store_error(fx->st),
                        "column \"s\" of \"n\": PostgreSQL text cannot hold a NUL byte (store it as "
                        "BINARY)");
    ok(fx, store_rollback(fx->st));
}

static void test_long_names_refused(void **state) {
    fixture *fx = *state;
    char name64[65], name63[64];
    memset(name64, 'a', 64);
    name64[64] = '\0';
    memset(name63, 'b', 63);
    name63[63] = '\0';
    dest_table *t = mk_table(fx, name64, (const colspec[]){{"id", TYPES_INT, 0, 0, 1}}, 1);
    ok(fx, store_begin(fx->st));
    assert_int_equal(store_create_table(fx->st, t), -1);
    char want[300];
    snprintf(want, sizeof want,
             "table name \"%s\" is 64 bytes long: PostgreSQL keeps names of at most 63 bytes and "
             "would cut it silently; shorten it",
             name64);
    assert_string_equal(store_error(fx->st), want);
    ok(fx, store_rollback(fx->st));
    /* 63 bytes is fine; a 64-byte column is refused. */
    dest_table *u = mk_table(fx, name63, (const colspec[]){{"id", TYPES_INT, 0, 0, 1}}, 1);
    create(fx, u);
    int ci = dest_table_add_column(u, name64, 64, (types_type){TYPES_LONG, 0, 0}, 0);
    ok(fx, store_begin(fx->st));
    assert_int_equal(store_add_column(fx->st, u, ci), -1);
    assert_non_null(strstr(store_error(fx->st), "column \"aaaa"));
    assert_non_null(strstr(store_error(fx->st), "is 64 bytes long"));
    ok(fx, store_rollback(fx->st));
}

/* ---- transactions, catalog, state ---- */

static void test_rollback_leaves_nothing(void **state) {
    fixture *fx = *state;
    dest_table *t = MK(fx, "r", {"id", TYPES_INT, 0, 0, 1}, {"s", TYPES_STRING, 0, 0, 0});
    ok(fx, store_begin(fx->st));
    ok(fx, store_create_table(fx->st, t));
    row_clear(t);
    v_int(t, 0, 1);
    v_text(t, 1, "x");
    ok(fx, store_upsert(fx->st, t, S1));
    ok(fx, store_save_state(fx->st, "{\"c\":1}", 7));
    ok(fx, store_rollback(fx->st));
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM information_schema.tables WHERE table_schema = '%s'"
             " AND table_name = 'r'",
             fx->schema);
    assert_string_equal(q(fx, sql), "0");
    assert_string_equal(q(fx, "SELECT count(*) FROM _clua_columns"), "0");
    assert_string_equal(q(fx, "SELECT count(*) FROM _clua_state"), "0");
}

static void test_failed_transaction_does_not_commit(void **state) {
    fixture *fx = *state;
    dest_table *t = MK(fx, "f", {"id", TYPES_INT, 0, 0, 1}, {"s", TYPES_STRING, 0, 0, 0});
    create(fx, t);
    /* A failure of the server's: text that is not UTF-8 is refused before
     * it is sent (test_text_not_utf8), so a constraint refuses the row. */
    PQclear(PQexec(fx->admin, "ALTER TABLE f ADD CONSTRAINT no_bad CHECK (s <> 'bad')"));
    ok(fx, store_begin(fx->st));
    row_clear(t);
    v_int(t, 0, 1);
    v_text(t, 1, "good");
    ok(fx, store_upsert(fx->st, t, S1));
    v_text(t, 1, "bad");
    /* Sent in the pipeline: its failure comes when the commit reads it,
     * with the op and table that failed, and nothing is committed. */
    ok(fx, store_upsert(fx->st, t, S1));
    v_text(t, 1, "after");
    ok(fx, store_upsert(fx->st, t, S1));
    assert_int_equal(store_commit(fx->st), -1);
    assert_non_null(strstr(store_error(fx->st), "upsert into \"f\": new row for relation \"f\""));
    assert_string_equal(q(fx, "SELECT count(*) FROM f"), "0");
    /* A failure read by a statement of its own (the state's save) is
     * that statement's, and the op's reason is kept. */
    ok(fx, store_begin(fx->st));
    v_text(t, 1, "bad");
    ok(fx, store_upsert(fx->st, t, S1));
    assert_int_equal(store_save_state(fx->st, "{}", 2), -1);
    assert_non_null(strstr(store_error(fx->st), "upsert into \"f\": new row for relation \"f\""));
    ok(fx, store_rollback(fx->st));
    assert_string_equal(q(fx, "SELECT count(*) FROM f"), "0");
    /* The store goes on after the failure. */
    ok(fx, store_begin(fx->st));
    v_text(t, 1, "again");
    ok(fx, store_upsert(fx->st, t, S1));
    ok(fx, store_commit(fx->st));
    assert_string_equal(q(fx, "SELECT s FROM f"), "again");
}

static void test_reopen_loads_catalog_state_owner(void **state) {
    fixture *fx = *state;
    dest_table *t = MK(fx, "orders", {"a", TYPES_STRING, 0, 0, 2}, {"b", TYPES_INT, 0, 0, 1},
                       {"amount", TYPES_DECIMAL, 15, 2, 0});
    t->cols[2].declared = true;
    create(fx, t);
    ok(fx, store_begin(fx->st));
    ok(fx, store_save_state(fx->st, "{\"cursor\":\"x\"}", 14));
    ok(fx, store_set_owner(fx->st, "three.lua"));
    ok(fx, store_commit(fx->st));
    reopen(fx);
    ok(fx, store_load_catalog(fx->st, &fx->cat));
    assert_int_equal(fx->cat.n, 1);
    dest_table *u = fx->cat.tables[0];
    assert_string_equal(u->name, "orders");
    assert_int_equal(u->ncols, 3);
    assert_int_equal(u->npk, 2);
    assert_string_equal(u->cols[u->pk[0]].name, "b");
    assert_string_equal(u->cols[u->pk[1]].name, "a");
    int ci = dest_table_find_column(u, "amount", 6);
    assert_true(ci >= 0);
    assert_int_equal(u->cols[ci].type.kind, TYPES_DECIMAL);
    assert_int_equal(u->cols[ci].type.precision, 15);
    assert_int_equal(u->cols[ci].type.scale, 2);
    assert_true(u->cols[ci].declared);
    strbuf s = STRBUF_INIT;
    bool found = false;
    ok(fx, store_load_state(fx->st, &s, &found));
    assert_true(found);
    assert_string_equal(strbuf_cstr(&s), "{\"cursor\":\"x\"}");
    strbuf_free(&s);
    char owner[64];
    ok(fx, store_owner(fx->st, owner, sizeof owner));
    assert_string_equal(owner, "three.lua");
}

/* A server that ends the session mid-transaction fails the next call with
 * a message of one line, and the store still closes cleanly. */
static void test_server_gone(void **state) {
    fixture *fx = *state;
    dest_table *t = MK(fx, "gone", {"id", TYPES_INT, 0, 0, 1});
    create(fx, t);
    ok(fx, store_begin(fx->st));
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '%s'",
             fx->holder);
    assert_string_equal(q(fx, sql), "t");
    row_clear(t);
    v_int(t, 0, 1);
    assert_int_equal(store_upsert(fx->st, t, S1), -1);
    const char *e = store_error(fx->st);
    const char *want = "preparing the upsert into \"gone\": ";
    if (strncmp(e, want, strlen(want)) != 0 || !strstr(e, "terminating connection") ||
        strchr(e, '\n'))
        fail_msg("unexpected message: %s", e);
    assert_int_equal(store_commit(fx->st), -1);
    assert_string_equal(q(fx, "SELECT count(*) FROM gone"), "0");
}

/* ---- the ops ---- */

/* The rows the ops on t have changed since the journal counters were
 * last cleared, as the journal counts them; what the store has sent but
 * not read yet is read first. */
static long long changed(store *st, dest_table *t) {
    if (store_settle(st) != 0) fail_msg("%s", store_error(st));
    long long n = 0;
    for (int k = 0; k < JOURNAL_KINDS; k++) n += t->journal[k];
    return n;
}

static void test_update_delete_truncate_and_changes(void **state) {
    fixture *fx = *state;
    dest_table *t = MK(fx, "people", {"id", TYPES_INT, 0, 0, 1}, {"name", TYPES_STRING, 0, 0, 0},
                       {"n", TYPES_LONG, 0, 0, 0});
    create(fx, t);
    long long before = changed(fx->st, t);
    ok(fx, store_begin(fx->st));
    for (int i = 1; i <= 3; i++) {
        row_clear(t);
        v_int(t, 0, i);
        v_text(t, 1, "x");
        v_int(t, 2, i * 10);
        ok(fx, store_upsert(fx->st, t, S1));
    }
    assert_int_equal(changed(fx->st, t) - before, 3);
    row_clear(t);
    v_int(t, 0, 2);
    v_int(t, 2, 99); /* name left out: kept */
    ok(fx, store_update(fx->st, t, S2));
    row_clear(t);
    v_int(t, 0, 3);
    ok(fx, store_delete(fx->st, t, S2));
    row_clear(t);
    v_int(t, 0, 7); /* a missing row: nothing */
    long long mid = changed(fx->st, t);
    ok(fx, store_delete(fx->st, t, S2));
    assert_int_equal(changed(fx->st, t), mid);
    ok(fx, store_commit(fx->st));
    assert_string_equal(q(fx, "SELECT id, name, n, _fivetran_synced, _fivetran_deleted FROM people ORDER BY id"),
                        "1|x|10|2024-01-02 03:04:05.678+00|f\n"
                        "2|x|99|2024-01-02 03:04:06+00|f\n"
                        "3|x|30|2024-01-02 03:04:06+00|t");
    ok(fx, store_begin(fx->st));
    ok(fx, store_truncate(fx->st, t));
    row_clear(t);
    v_int(t, 0, 3); /* an upsert revives; name becomes NULL */
    ok(fx, store_upsert(fx->st, t, S2));
    ok(fx, store_commit(fx->st));
    assert_string_equal(q(fx, "SELECT id, coalesce(name, 'NULL'), _fivetran_deleted FROM people ORDER BY id"),
                        "1|x|t\n2|x|t\n3|NULL|f");
}

/* More ops than the pipeline holds between two reads (store_pg_pipe.c),
 * in one transaction: each is counted as the journal counts it, a missing
 * row as nothing, whichever read it came back in. */
static void test_pipeline_counts_past_the_flush(void **state) {
    fixture *fx = *state;
    dest_table *t = MK(fx, "many", {"id", TYPES_INT, 0, 0, 1}, {"n", TYPES_LONG, 0, 0, 0});
    create(fx, t);
    ok(fx, store_begin(fx->st));
    for (int i = 1; i <= 5000; i++) {
        row_clear(t);
        v_int(t, 0, i);
        v_int(t, 1, i);
        ok(fx, store_upsert(fx->st, t, S1));
    }
    for (int i = 1; i <= 5200; i += 2) { /* 2500 rows, and 100 missing */
        row_clear(t);
        v_int(t, 0, i);
        v_int(t, 1, -i);
        ok(fx, store_update(fx->st, t, S2));
    }
    for (int i = 4701; i <= 5100; i++) { /* 300 rows, and 100 missing */
        row_clear(t);
        v_int(t, 0, i);
        ok(fx, store_delete(fx->st, t, S2));
    }
    ok(fx, store_truncate(fx->st, t)); /* the 4700 live rows */
    ok(fx, store_settle(fx->st));
    assert_int_equal(t->journal[JOURNAL_UPSERTED], 5000);
    assert_int_equal(t->journal[JOURNAL_UPDATED], 2500);
    assert_int_equal(t->journal[JOURNAL_DELETED], 300);
    assert_int_equal(t->journal[JOURNAL_TRUNCATED], 4700);
    ok(fx, store_commit(fx->st));
    assert_string_equal(q(fx, "SELECT count(*), sum(n), bool_and(_fivetran_deleted) FROM many"),
                        "5000|2500|t"); /* the odd n negated */
}

/* A failure of the server's early in a long pipeline is read back at the
 * latest when the pipeline's bound is reached: an op well before the
 * 5000th fails with the first op's reason, and nothing is committed. */
static void test_pipeline_failure_past_the_flush(void **state) {
    fixture *fx = *state;
    dest_table *t = MK(fx, "checked", {"id", TYPES_INT, 0, 0, 1});
    create(fx, t);
    PQclear(PQexec(fx->admin, "ALTER TABLE checked ADD CONSTRAINT no_13 CHECK (id <> 13)"));
    ok(fx, store_begin(fx->st));
    int i = 1, rc = 0;
    for (; i <= 5000 && rc == 0; i++) {
        row_clear(t);
        v_int(t, 0, i);
        rc = store_upsert(fx->st, t, S1);
    }
    assert_int_equal(rc, -1);
    assert_true(i < 5000);
    assert_non_null(strstr(store_error(fx->st), "upsert into \"checked\": new row for relation "
                                                "\"checked\" violates check constraint \"no_13\""));
    ok(fx, store_rollback(fx->st));
    assert_string_equal(q(fx, "SELECT count(*) FROM checked"), "0");
}

/* An op that failed in the pipeline stays the error when the next op
 * must first drop a prepared statement (a ninth shape of op.update
 * replaces the oldest): not the refusal of what the aborted transaction
 * is then asked. */
static void test_pipeline_failure_before_a_new_update_shape(void **state) {
    fixture *fx = *state;
    dest_table *t = MK(fx, "shapes", {"id", TYPES_INT, 0, 0, 1}, {"a", TYPES_INT, 0, 0, 0},
                       {"b", TYPES_INT, 0, 0, 0}, {"c", TYPES_INT, 0, 0, 0},
                       {"d", TYPES_INT, 0, 0, 0});
    create(fx, t);
    PQclear(PQexec(fx->admin, "ALTER TABLE shapes ADD CONSTRAINT no_13 CHECK (id <> 13)"));
    ok(fx, store_begin(fx->st));
    for (int shape = 1; shape <= 8; shape++) { /* the columns of shape's bits */
        row_clear(t);
        v_int(t, 0, 1);
        for (int c = 0; c < 4; c++)
            if (shape & (1 << c)) v_int(t, 1 + c, shape);
        ok(fx, store_update(fx->st, t, S1));
    }
    row_clear(t);
    v_int(t, 0, 13);
    ok(fx, store_upsert(fx->st, t, S1)); /* fails on the server, not read yet */
    row_clear(t);
    v_int(t, 0, 1);
    for (int c = 0; c < 4; c++) v_int(t, 1 + c, 9); /* a ninth shape */
    assert_int_equal(store_update(fx->st, t, S1), -1);
    assert_non_null(strstr(store_error(fx->st), "upsert into \"shapes\": new row for relation "
                                                "\"shapes\" violates check constraint \"no_13\""));
    ok(fx, store_rollback(fx->st));
}

/* The server gone while ops are in the pipeline: the commit fails with
 * the connection's reason, on one line, and does not hang. */
static void test_pipeline_server_gone(void **state) {
    fixture *fx = *state;
    dest_table *t = MK(fx, "gone2", {"id", TYPES_INT, 0, 0, 1});
    create(fx, t);
    ok(fx, store_begin(fx->st));
    row_clear(t);
    v_int(t, 0, 1);
    ok(fx, store_upsert(fx->st, t, S1)); /* prepared, and in the pipeline */
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '%s'",
             fx->holder);
    assert_string_equal(q(fx, sql), "t");
    for (int i = 2; i <= 10; i++) {
        v_int(t, 0, i);
        store_upsert(fx->st, t, S1);
    }
    assert_int_equal(store_commit(fx->st), -1);
    const char *e = store_error(fx->st);
    if (!strstr(e, "upsert into \"gone2\": ") || strchr(e, '\n'))
        fail_msg("unexpected message: %s", e);
    assert_string_equal(q(fx, "SELECT count(*) FROM gone2"), "0");
}

static void test_sweep(void **state) {
    fixture *fx = *state;
    dest_table *t = MK(fx, "lines", {"id", TYPES_INT, 0, 0, 1}, {"order_id", TYPES_INT, 0, 0, 0});
    create(fx, t);
    ok(fx, store_begin(fx->st));
    for (int i = 1; i <= 4; i++) {
        row_clear(t);
        v_int(t, 0, i);
        v_int(t, 1, i <= 3 ? 1001 : 1002);
        ok(fx, store_upsert(fx->st, t, i == 3 ? S2 : S1));
    }
    row_clear(t);
    v_int(t, 1, 1001);
    long long swept = -1;
    ok(fx, store_sweep(fx->st, t, "2024-02-01T00:00:00.000Z", S2, &swept));
    assert_int_equal(swept, 2);
    ok(fx, store_commit(fx->st));
    assert_string_equal(q(fx, "SELECT id, _fivetran_deleted FROM lines ORDER BY id"), "1|t\n2|t\n3|f\n4|f");
}

static void test_pending_key_column_takes_its_type(void **state) {
    fixture *fx = *state;
    dest_table *t = MK(fx, "pend", {"k", CATALOG_TYPE_PENDING, 0, 0, 1});
    create(fx, t);
    t->cols[0].type.kind = TYPES_LONG;
    ok(fx, store_begin(fx->st));
    ok(fx, store_set_column_type(fx->st, t, 0));
    row_clear(t);
    v_int(t, 0, 5);
    ok(fx, store_upsert(fx->st, t, S1));
    ok(fx, store_commit(fx->st));
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT data_type FROM information_schema.columns WHERE table_schema = '%s'"
             " AND table_name = 'pend' AND column_name = 'k'",
             fx->schema);
    assert_string_equal(q(fx, sql), "bigint");
    assert_string_equal(q(fx, "SELECT logical_type FROM _clua_columns WHERE table_name = 'pend'"), "LONG");
}

static void test_journal(void **state) {
    fixture *fx = *state;
    dest_table *t = MK(fx, "j", {"id", TYPES_INT, 0, 0, 1});
    create(fx, t);
    long long id = 0;
    ok(fx, store_begin(fx->st));
    ok(fx, journal_begin(fx->st, "x.lua", S1, &id));
    ok(fx, store_commit(fx->st));
    assert_true(id > 0);
    ok(fx, store_begin(fx->st));
    t->journal[JOURNAL_UPSERTED] = 3;
    ok(fx, store_save_state(fx->st, "{\"a\":1}", 7));
    ok(fx, journal_checkpoint(fx->st, id, 1, S2, NULL, 0, 1, &fx->cat));
    ok(fx, store_commit(fx->st));
    assert_string_equal(q(fx, "SELECT script, status, started_at, ended_at FROM _clua_syncs"),
                        "x.lua|succeeded|" S1 "|" S2);
    assert_string_equal(
        q(fx, "SELECT seq, convert_from(state, 'UTF8'), final FROM _clua_sync_checkpoints"),
        "1|{\"a\":1}|1");
    assert_string_equal(q(fx, "SELECT table_name, upserted, updated FROM _clua_sync_tables"), "j|3|0");
    long long id2 = 0;
    ok(fx, store_begin(fx->st));
    ok(fx, journal_begin(fx->st, "x.lua", S2, &id2));
    ok(fx, store_commit(fx->st));
    assert_int_equal(id2, id + 1);
    ok(fx, journal_end(fx->st, id2, S2, "failed", "boom"));
    assert_string_equal(q(fx, "SELECT status, error FROM _clua_syncs ORDER BY id DESC LIMIT 1"), "failed|boom");
}

/* ---- widening: the same results as SQLite's clua_widen ---- */

/* The text SQLite's store_widen.c gives input in once stored in a column
 * of type from that becomes STRING: clua_widen's steps, types_convert to
 * the form SQLite holds, then that value through types_convert again. */
static const char *sqlite_text(const types_type *from, const types_input *in, char *buf, size_t n) {
    types_type to = {TYPES_STRING, 0, 0};
    types_value held, v;
    char err[256];
    if (types_convert(from, in, &held, err, sizeof err) != 0) fail_msg("types_convert: %s", err);
    types_input again = {.tag = TYPES_IN_STRING};
    if (held.tag == TYPES_SQL_INT && from->kind == TYPES_BOOLEAN)
        again = (types_input){.tag = TYPES_IN_BOOL, .b = held.i != 0};
    else if (held.tag == TYPES_SQL_INT)
        again = (types_input){.tag = TYPES_IN_INT, .i = held.i};
    else if (held.tag == TYPES_SQL_REAL)
        again = (types_input){.tag = TYPES_IN_FLOAT, .f = held.f};
    else
        again.s = types_bytes(&held), again.len = held.len;
    if (types_convert(&to, &again, &v, err, sizeof err) != 0) fail_msg("types_convert: %s", err);
    snprintf(buf, n, "%.*s", (int)v.len, types_bytes(&v));
    return buf;
}

/* A table w(id, c of type from) holding the values ins, widened to to. */
static dest_table *widened(fixture *fx, const char *name, types_type from, types_type to,
                           const types_input *ins, int n) {
    dest_table *t = mk_table(fx, name, (const colspec[]){{"id", TYPES_INT, 0, 0, 1},
                                                         {"c", from.kind, from.precision, from.scale, 0}},
                             2);
    create(fx, t);
    ok(fx, store_begin(fx->st));
    for (int i = 0; i < n; i++) {
        row_clear(t);
        v_int(t, 0, i);
        v_convert(t, 1, &ins[i]);
        ok(fx, store_upsert(fx->st, t, S1));
    }
    t->cols[1].type = to;
    ok(fx, store_widen_column(fx->st, t, 1, &from));
    ok(fx, store_commit(fx->st));
    return t;
}

static types_input in_f(double f) { return (types_input){.tag = TYPES_IN_FLOAT, .f = f}; }
static types_input in_i(int64_t i) { return (types_input){.tag = TYPES_IN_INT, .i = i}; }
static types_input in_b(bool b) { return (types_input){.tag = TYPES_IN_BOOL, .b = b}; }
static types_input in_s(const char *s) {
    return (types_input){.tag = TYPES_IN_STRING, .s = s, .len = strlen(s)};
}

/* Checks that the widened column c of name holds, row by row, the text
 * SQLite gives each input. */
static void expect_texts(fixture *fx, const char *name, types_type from, const types_input *ins,
                         int n) {
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT coalesce(c::text, 'NULL') FROM \"%s\" ORDER BY id", name);
    PGresult *res = PQexec(fx->admin, sql);
    assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
    assert_int_equal(PQntuples(res), n);
    for (int i = 0; i < n; i++) {
        char buf[128];
        const char *w = sqlite_text(&from, &ins[i], buf, sizeof buf);
        if (strcmp(PQgetvalue(res, i, 0), w) != 0) {
            fail_msg("%s row %d: got %s, SQLite gives %s", name, i, PQgetvalue(res, i, 0), w);
        }
    }
    PQclear(res);
}

static const types_type T_BOOL = {TYPES_BOOLEAN, 0, 0}, T_SHORT = {TYPES_SHORT, 0, 0},
                        T_INT = {TYPES_INT, 0, 0}, T_LONG = {TYPES_LONG, 0, 0},
                        T_FLOAT = {TYPES_FLOAT, 0, 0}, T_DOUBLE = {TYPES_DOUBLE, 0, 0},
                        T_STRING = {TYPES_STRING, 0, 0};

static void test_widen_numbers(void **state) {
    fixture *fx = *state;
    types_input bools[] = {in_b(true), in_b(false)};
    widened(fx, "b2l", T_BOOL, T_LONG, bools, 2);
    assert_string_equal(q(fx, "SELECT c FROM b2l ORDER BY id"), "1\n0");
    widened(fx, "b2d", T_BOOL, T_DOUBLE, bools, 2);
    assert_string_equal(q(fx, "SELECT c FROM b2d ORDER BY id"), "1\n0");
    widened(fx, "b2s", T_BOOL, T_STRING, bools, 2);
    expect_texts(fx, "b2s", T_BOOL, bools, 2); /* "true", "false" */
    types_input shorts[] = {in_i(-32768), in_i(32767)};
    widened(fx, "s2i", T_SHORT, T_INT, shorts, 2);
    assert_string_equal(q(fx, "SELECT c FROM s2i ORDER BY id"), "-32768\n32767");
    widened(fx, "s2f", T_SHORT, T_FLOAT, shorts, 2);
    assert_string_equal(q(fx, "SELECT c FROM s2f ORDER BY id"), "-32768\n32767");
    types_input ints[] = {in_i(INT32_MIN), in_i(INT32_MAX)};
    widened(fx, "i2l", T_INT, T_LONG, ints, 2);
    assert_string_equal(q(fx, "SELECT c FROM i2l ORDER BY id"), "-2147483648\n2147483647");
    types_input longs[] = {in_i(9007199254740992), in_i(-9007199254740992), in_i(5)};
    widened(fx, "l2d", T_LONG, T_DOUBLE, longs, 3);
    assert_string_equal(q(fx, "SELECT c::int8 FROM l2d ORDER BY id"),
                        "9007199254740992\n-9007199254740992\n5");
    types_input big[] = {in_i(INT64_MAX), in_i(INT64_MIN), in_i(-1)};
    widened(fx, "l2s", T_LONG, T_STRING, big, 3);
    expect_texts(fx, "l2s", T_LONG, big, 3);
    /* 0.1 + 0.2 has 17 significant digits: a FLOAT keeps the whole double. */
    types_input floats[] = {in_f(0.5), in_f(0.1), in_f(-3.25e10), in_f(1e-5), in_f(0.1 + 0.2)};
    widened(fx, "f2d", T_FLOAT, T_DOUBLE, floats, 5);
    assert_string_equal(q(fx, "SELECT c FROM f2d ORDER BY id"),
                        "0.5\n0.1\n-32500000000\n1e-05\n0.30000000000000004");
    widened(fx, "f2s", T_FLOAT, T_STRING, floats, 5);
    expect_texts(fx, "f2s", T_FLOAT, floats, 5);
    types_input dec[] = {in_s("123.45"), in_s("-0.01")};
    types_type d52 = {TYPES_DECIMAL, 5, 2}, d104 = {TYPES_DECIMAL, 10, 4};
    widened(fx, "d2d", d52, d104, dec, 2);
    assert_string_equal(q(fx, "SELECT c FROM d2d ORDER BY id"), "123.4500\n-0.0100");
    widened(fx, "d2s", d52, T_STRING, dec, 2);
    assert_string_equal(q(fx, "SELECT c FROM d2s ORDER BY id"), "123.45\n-0.01");
}

/* An integer a double cannot hold exactly refuses LONG -> DOUBLE, as
 * SQLite's clua_widen does; the column keeps its type. */
static void test_widen_inexact_long_refused(void **state) {
    fixture *fx = *state;
    dest_table *t = MK(fx, "inexact", {"id", TYPES_INT, 0, 0, 1}, {"c", TYPES_LONG, 0, 0, 0});
    create(fx, t);
    ok(fx, store_begin(fx->st));
    row_clear(t);
    v_int(t, 0, 1);
    v_int(t, 1, 9007199254740993);
    ok(fx, store_upsert(fx->st, t, S1));
    bool exact = true;
    ok(fx, store_column_exact_double(fx->st, t, 1, &exact));
    assert_false(exact);
    t->cols[1].type = T_DOUBLE;
    assert_int_equal(store_widen_column(fx->st, t, 1, &T_LONG), -1);
    assert_non_null(strstr(store_error(fx->st), "not exact as a double"));
    ok(fx, store_rollback(fx->st));
}

/* Doubles to STRING: the server's text for every double is the shortest
 * text types_number_text gives (the edges of its fixed and exponent forms,
 * and random bit patterns). */
static void test_widen_doubles_to_string_property(void **state) {
    fixture *fx = *state;
    enum { N = 600 };
    static types_input ins[N];
    double edges[] = {0.0, -0.0, 5.0, 0.1, 1e-4, 1e-5, 1.5e-5, 123456789012345.67,
                      1e15, 1000000000000000.1, -1234567890123456.8, 4503599627370497.5,
                      9007199254740991.0, 1e16, 1.5e16, 9.2233720368547758e18, 1e19, -1e300,
                      5e-324, 1.7976931348623157e308, 1.0 / 0.0, -1.0 / 0.0};
    int ne = (int)(sizeof edges / sizeof edges[0]);
    srand(42);
    for (int i = 0; i < N; i++) {
        double d;
        if (i < ne) {
            d = edges[i];
        } else {
            uint64_t bits = 0;
            for (int k = 0; k < 4; k++) bits = bits << 16 | (uint64_t)(rand() & 0xffff);
            memcpy(&d, &bits, sizeof d);
            if (d != d) d = (double)(i * 1000003) / 7.0; /* NaN is NULL in SQLite */
            if (i % 3 == 0) d = (double)((int64_t)bits >> (bits % 60)) / (double)(1 + bits % 1000);
        }
        ins[i] = in_f(d);
    }
    widened(fx, "d2s", T_DOUBLE, T_STRING, ins, N);
    expect_texts(fx, "d2s", T_DOUBLE, ins, N);
}

static void test_widen_texts_to_string(void **state) {
    fixture *fx = *state;
    types_input dates[] = {in_s("0001-01-01"), in_s("9999-12-31"), in_s("2024-02-29")};
    widened(fx, "date2s", (types_type){TYPES_NAIVE_DATE, 0, 0}, T_STRING, dates, 3);
    expect_texts(fx, "date2s", (types_type){TYPES_NAIVE_DATE, 0, 0}, dates, 3);
    types_input dts[] = {in_s("0001-01-01T00:00:00"), in_s("9999-12-31 23:59:59.999"),
                         in_s("2024-05-01T10:00:00.5")};
    widened(fx, "dt2s", (types_type){TYPES_NAIVE_DATETIME, 0, 0}, T_STRING, dts, 3);
    expect_texts(fx, "dt2s", (types_type){TYPES_NAIVE_DATETIME, 0, 0}, dts, 3);
    types_input utcs[] = {in_s("0001-01-01T00:00:00Z"), in_s("9999-12-31T23:59:59.999Z"),
                          in_s("2024-05-01T10:00:00.25+02:00")};
    widened(fx, "utc2s", (types_type){TYPES_UTC_DATETIME, 0, 0}, T_STRING, utcs, 3);
    expect_texts(fx, "utc2s", (types_type){TYPES_UTC_DATETIME, 0, 0}, utcs, 3);
    types_input xml[] = {in_s("<a>ü</a>")};
    widened(fx, "x2s", (types_type){TYPES_XML, 0, 0}, T_STRING, xml, 1);
    expect_texts(fx, "x2s", (types_type){TYPES_XML, 0, 0}, xml, 1);
    /* JSON: json keeps the text as written, so the widened text is
     * SQLite's (jsonb would write {"a": 2, "b": 1}). */
    dest_table *t = MK(fx, "j", {"id", TYPES_INT, 0, 0, 1}, {"c", TYPES_JSON, 0, 0, 0});
    create(fx, t);
    ok(fx, store_begin(fx->st));
    row_clear(t);
    v_int(t, 0, 1);
    v_text(t, 1, "{\"b\":1,\"a\":2}");
    ok(fx, store_upsert(fx->st, t, S1));
    t->cols[1].type = T_STRING;
    ok(fx, store_widen_column(fx->st, t, 1, &(types_type){TYPES_JSON, 0, 0}));
    ok(fx, store_commit(fx->st));
    assert_string_equal(q(fx, "SELECT c FROM j"), "{\"b\":1,\"a\":2}");
}

/* ---- history mode (store_pg_history.c), against SQLite's rules ---- */

/* Table name (id, at, v) in cat, which may be another store's catalog. */
static dest_table *mk_history(fixture *fx, catalog *cat, const char *name, int start) {
    catalog keep = fx->cat;
    if (cat != &fx->cat) fx->cat = *cat; /* MK adds to fx->cat */
    dest_table *t = MK(fx, name, {"id", TYPES_INT, 0, 0, 1}, {"at", TYPES_UTC_DATETIME, 0, 0, 0},
                       {"v", TYPES_STRING, 0, 0, 0});
    if (cat != &fx->cat) {
        *cat = fx->cat;
        fx->cat = keep;
    }
    t->history = true;
    t->history_start = start;
    return t;
}

static void hrow(dest_table *t, int id, const char *at, const char *v) {
    row_clear(t);
    v_int(t, 0, id);
    if (at) v_text(t, 1, at);
    if (v) v_text(t, 2, v);
}

#define HROWS "SELECT id, coalesce(v, '-'), _fivetran_active, _fivetran_deleted, " \
              "to_char(_fivetran_start AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), " \
              "to_char(_fivetran_end AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') " \
              "FROM h ORDER BY id, _fivetran_start"

/* A history version written as an upsert writes it (why: 512 bytes). */
static int hwrite(store *st, dest_table *t, const char *now, char *why) {
    return store_history_write(st, t, now, JOURNAL_UPSERTED, why, 512);
}

/* The rules of README "History mode" with starts from the op's time: a
 * changed row closes the active version 1 ms before the new one starts,
 * an equal one only refreshes _fivetran_synced, two versions in one
 * millisecond step 1 ms apart, delete closes at its time, truncate and
 * sweep close every active version they reach. The table's key is the
 * declared key plus _fivetran_start. */
static void test_history_op_time_rules(void **state) {
    fixture *fx = *state;
    dest_table *t = mk_history(fx, &fx->cat, "h", 0);
    char why[512] = "";
    ok(fx, store_begin(fx->st));
    ok(fx, store_create_table(fx->st, t));
    ok(fx, store_history_record(fx->st, t));
    hrow(t, 1, NULL, "a");
    assert_int_equal(hwrite(fx->st, t, "2024-01-01T00:00:00.000Z", why), 0);
    long long before = changed(fx->st, t);
    hrow(t, 1, NULL, "a"); /* equal: refreshes synced only */
    assert_int_equal(hwrite(fx->st, t, "2024-01-01T00:00:01.000Z", why), 0);
    assert_int_equal(changed(fx->st, t) - before, 1);
    hrow(t, 1, NULL, "b"); /* same millisecond as the next: the next steps 1 ms on */
    assert_int_equal(hwrite(fx->st, t, "2024-01-01T00:00:02.000Z", why), 0);
    hrow(t, 1, NULL, "c");
    assert_int_equal(hwrite(fx->st, t, "2024-01-01T00:00:02.000Z", why), 0);
    hrow(t, 2, NULL, "x");
    assert_int_equal(hwrite(fx->st, t, "2024-01-01T00:00:03.000Z", why), 0);
    hrow(t, 2, NULL, NULL);
    ok(fx, store_history_delete(fx->st, t, "2024-01-01T00:00:04.000Z"));
    hrow(t, 2, NULL, "y"); /* after the delete, in its millisecond: 1 ms after its end */
    assert_int_equal(hwrite(fx->st, t, "2024-01-01T00:00:04.000Z", why), 0);
    ok(fx, store_commit(fx->st));
    assert_string_equal(q(fx, HROWS),
                        "1|a|f|f|2024-01-01T00:00:00.000Z|2024-01-01T00:00:01.999Z\n"
                        "1|b|f|f|2024-01-01T00:00:02.000Z|2024-01-01T00:00:02.000Z\n"
                        "1|c|t|f|2024-01-01T00:00:02.001Z|9999-12-31T23:59:59.999Z\n"
                        "2|x|f|t|2024-01-01T00:00:03.000Z|2024-01-01T00:00:04.000Z\n"
                        "2|y|t|f|2024-01-01T00:00:04.001Z|9999-12-31T23:59:59.999Z");
    assert_string_equal(q(fx, "SELECT to_char(_fivetran_synced AT TIME ZONE 'UTC', 'SS.MS') FROM h"
                              " WHERE id = 1 ORDER BY _fivetran_start LIMIT 1"),
                        "01.000");
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM pg_constraint c"
             " CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY k(att, n)"
             " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.att"
             " WHERE c.contype = 'p' AND c.conrelid = '\"%s\".h'::regclass",
             fx->schema);
    assert_string_equal(q(fx, sql), "id,_fivetran_start");

    /* op.update's row: the active version plus what the op gives */
    ok(fx, store_begin(fx->st));
    bool found = false;
    hrow(t, 1, NULL, NULL);
    ok(fx, store_history_fill(fx->st, t, &found));
    assert_true(found);
    assert_int_equal(t->vals[2].tag, TYPES_SQL_TEXT);
    assert_int_equal(t->vals[2].len, 1);
    assert_memory_equal(types_bytes(&t->vals[2]), "c", 1);
    assert_int_equal(t->vals[1].tag, TYPES_SQL_NULL);
    hrow(t, 9, NULL, NULL);
    ok(fx, store_history_fill(fx->st, t, &found));
    assert_false(found);
    /* truncate closes every active version at its time (or its start) */
    ok(fx, store_history_truncate(fx->st, t, "2024-01-01T00:00:03.500Z"));
    ok(fx, store_commit(fx->st));
    assert_string_equal(q(fx, "SELECT id, _fivetran_active, _fivetran_deleted,"
                              " to_char(_fivetran_end AT TIME ZONE 'UTC', 'SS.MS') FROM h"
                              " WHERE _fivetran_end < '9999-01-01' ORDER BY id, _fivetran_start DESC"
                              " LIMIT 1"),
                        "1|f|t|03.500");
    assert_string_equal(q(fx, "SELECT count(*) FROM h WHERE _fivetran_active"), "0");
    assert_string_equal(q(fx, "SELECT to_char(_fivetran_end AT TIME ZONE 'UTC', 'SS.MS') FROM h"
                              " WHERE id = 2 ORDER BY _fivetran_start DESC LIMIT 1"),
                        "04.001");

    /* sweep closes the active versions synced before, in scope */
    ok(fx, store_begin(fx->st));
    hrow(t, 3, NULL, "p");
    assert_int_equal(hwrite(fx->st, t, "2024-02-01T00:00:00.000Z", why), 0);
    hrow(t, 4, NULL, "q");
    assert_int_equal(hwrite(fx->st, t, "2024-02-01T00:00:00.000Z", why), 0);
    hrow(t, 5, NULL, "p");
    assert_int_equal(hwrite(fx->st, t, "2024-03-01T00:00:00.000Z", why), 0);
    row_clear(t);
    v_text(t, 2, "p"); /* scope: v = "p" */
    long long swept = -1;
    ok(fx, store_sweep(fx->st, t, "2024-04-01T00:00:00.000Z", "2024-02-15T00:00:00.000Z", &swept));
    assert_int_equal(swept, 1);
    ok(fx, store_commit(fx->st));
    assert_string_equal(q(fx, "SELECT id, _fivetran_active, _fivetran_deleted,"
                              " to_char(_fivetran_end AT TIME ZONE 'UTC', 'YYYY-MM-DD'),"
                              " to_char(_fivetran_synced AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
                              " FROM h WHERE id >= 3 ORDER BY id"),
                        "3|f|t|2024-04-01|2024-04-01\n4|t|f|9999-12-31|2024-02-01\n"
                        "5|t|f|9999-12-31|2024-03-01");
}

/* SQLite's store, the reference, in a new directory made from dir (a
 * mkdtemp template); sqlite_gone closes it and removes the directory. */
static store *sqlite_beside(char *dir) {
    char path[64], err[1024];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/w.db", dir);
    store_open_status why;
    store *sq = store_sqlite_open(path, err, sizeof err, &why);
    if (!sq) fail_msg("store_sqlite_open: %s", err);
    return sq;
}

static void sqlite_gone(store *sq, catalog *cat, const char *dir) {
    store_close(sq, cat);
    catalog_free(cat);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* history = { start = "at" }: a start not later than the active version's
 * is refused (1, with the message SQLite's store gives), the same version
 * sent again changes nothing, and a missing start is refused. */
static void test_history_start_column_rules(void **state) {
    fixture *fx = *state;
    char dir[] = "/tmp/clua_pghist_XXXXXX";
    store *sq = sqlite_beside(dir);
    catalog scat = {0};
    dest_table *tp = mk_history(fx, &fx->cat, "h", 2), *ts = mk_history(fx, &scat, "h", 2);
    store *sts[] = {fx->st, sq};
    dest_table *ts_[] = {tp, ts};
    char whys[2][6][512];
    int rcs[2][6];
    long long changes[2][6];
    for (int s = 0; s < 2; s++) {
        store *st = sts[s];
        dest_table *t = ts_[s];
        if (store_begin(st) || store_create_table(st, t) || store_history_record(st, t))
            fail_msg("%s", store_error(st));
        struct { int id; const char *at, *v; } ops[] = {
            {1, "2020-01-01T00:00:00.000Z", "a"},
            {1, "2020-02-01T00:00:00.000Z", "b"},
            {1, "2020-02-01T00:00:00.000Z", "b"}, /* the same version again: synced only */
            {1, "2020-02-01T00:00:00.000Z", "z"}, /* same start, other values: refused */
            {1, "2020-01-15T00:00:00.000Z", "b"}, /* older: refused */
            {2, NULL, "x"},                       /* no start: refused */
        };
        for (int k = 0; k < 6; k++) {
            whys[s][k][0] = '\0';
            hrow(t, ops[k].id, ops[k].at, ops[k].v);
            long long b = changed(st, t);
            rcs[s][k] = store_history_write(st, t, "2024-01-01T00:00:00.000Z", JOURNAL_UPSERTED,
                                            whys[s][k], 512);
            changes[s][k] = changed(st, t) - b;
        }
        if (store_commit(st)) fail_msg("%s", store_error(st));
    }
    for (int k = 0; k < 6; k++) {
        assert_int_equal(rcs[0][k], rcs[1][k]);
        assert_string_equal(whys[0][k], whys[1][k]);
        assert_int_equal(changes[0][k], changes[1][k]);
    }
    assert_int_equal(rcs[0][3], 1);
    assert_non_null(strstr(whys[0][4], "the new version's start 2020-01-15T00:00:00.000Z (column "
                                       "\"at\") is not later than the active version's start "
                                       "2020-02-01T00:00:00.000Z"));
    assert_non_null(strstr(whys[0][5], "column \"at\" gives each version's start"));
    assert_int_equal(changes[0][2], 1); /* _fivetran_synced of the active version */
    assert_string_equal(q(fx, HROWS), "1|a|f|f|2020-01-01T00:00:00.000Z|2020-01-31T23:59:59.999Z\n"
                                      "1|b|t|f|2020-02-01T00:00:00.000Z|9999-12-31T23:59:59.999Z");
    /* a delete closes at its time, or at the version's start when that is later */
    ok(fx, store_begin(fx->st));
    hrow(tp, 1, NULL, NULL);
    ok(fx, store_history_delete(fx->st, tp, "2019-06-01T00:00:00.000Z"));
    ok(fx, store_commit(fx->st));
    assert_string_equal(q(fx, "SELECT to_char(_fivetran_end AT TIME ZONE 'UTC', 'YYYY-MM-DD'),"
                              " _fivetran_deleted FROM h WHERE id = 1 ORDER BY _fivetran_start DESC LIMIT 1"),
                        "2020-02-01|t");
    /* the record of history tables comes back with the catalog */
    reopen(fx);
    ok(fx, store_load_catalog(fx->st, &fx->cat));
    dest_table *back = catalog_find(&fx->cat, "h", 1);
    assert_non_null(back);
    assert_true(back->history);
    assert_int_equal(back->history_start, 2);
    sqlite_gone(sq, &scat, dir);
}

/* Switching history on for a table that holds rows: a live row becomes an
 * active version from its _fivetran_synced, a deleted one a version closed
 * when it was deleted (its delete stamped synced: it starts there too),
 * one never synced starts now; the key gains
 * _fivetran_start, so a new version of a row can be written. */
static void test_history_enable(void **state) {
    fixture *fx = *state;
    dest_table *t = mk_history(fx, &fx->cat, "h", 0);
    t->history = false;
    create(fx, t);
    ok(fx, store_begin(fx->st));
    for (int id = 1; id <= 3; id++) {
        hrow(t, id, NULL, "old");
        ok(fx, store_upsert(fx->st, t, id == 1 ? S1 : S2));
    }
    hrow(t, 2, NULL, NULL);
    ok(fx, store_delete(fx->st, t, "2024-01-03T00:00:00.000Z"));
    ok(fx, store_commit(fx->st));
    PQclear(PQexec(fx->admin, "UPDATE h SET _fivetran_synced = NULL WHERE id = 3"));
    ok(fx, store_begin(fx->st));
    ok(fx, store_history_enable(fx->st, t, "2024-05-05T00:00:00.000Z"));
    assert_true(t->history);
    char why[256];
    hrow(t, 1, NULL, "new");
    assert_int_equal(hwrite(fx->st, t, "2024-06-01T00:00:00.000Z", why), 0);
    ok(fx, store_commit(fx->st));
    assert_string_equal(q(fx, HROWS),
                        "1|old|f|f|2024-01-02T03:04:05.678Z|2024-05-31T23:59:59.999Z\n"
                        "1|new|t|f|2024-06-01T00:00:00.000Z|9999-12-31T23:59:59.999Z\n"
                        "2|old|f|t|2024-01-03T00:00:00.000Z|2024-01-03T00:00:00.000Z\n"
                        "3|old|t|f|2024-05-05T00:00:00.000Z|9999-12-31T23:59:59.999Z");
    assert_string_equal(q(fx, "SELECT table_name, start_column IS NULL FROM _clua_history"), "h|t");
}

/* A random value of column ci's type, as types_convert gives it (JSON:
 * its text), or NULL (not present) one time in eight. Text is kept in
 * buf[], which outlives the writes. */
static void random_value(dest_table *t, int ci, char *buf, size_t n) {
    types_kind k = t->cols[ci].type.kind;
    if (rand() % 8 == 0) {
        t->present[ci] = 0;
        return;
    }
    types_input in = {.tag = TYPES_IN_STRING, .s = buf};
    uint64_t bits = 0;
    for (int j = 0; j < 4; j++) bits = bits << 16 | (uint64_t)(rand() & 0xffff);
    switch (k) {
    case TYPES_BOOLEAN: in.tag = TYPES_IN_BOOL; in.b = rand() % 2; break;
    case TYPES_SHORT: in.tag = TYPES_IN_INT; in.i = (int16_t)bits; break;
    case TYPES_INT: in.tag = TYPES_IN_INT; in.i = (int32_t)bits; break;
    case TYPES_LONG: in.tag = TYPES_IN_INT; in.i = (int64_t)bits; break;
    case TYPES_FLOAT: case TYPES_DOUBLE: {
        double d;
        memcpy(&d, &bits, sizeof d);
        if (d != d) d = rand() % 2 ? 1e308 * 10 : -1e308 * 10; /* NaN is NULL in SQLite */
        in.tag = TYPES_IN_FLOAT;
        in.f = d;
        break;
    }
    case TYPES_DECIMAL: {
        int m = snprintf(buf, n, "%s%d.", rand() % 2 ? "-" : "", rand() % 100000);
        for (int j = 0; j < 10; j++) buf[m++] = (char)('0' + rand() % 10);
        buf[m] = '\0';
        break;
    }
    case TYPES_NAIVE_DATE:
        snprintf(buf, n, "%04d-%02d-%02d", rand() % 9999 + 1, rand() % 12 + 1, rand() % 28 + 1);
        break;
    case TYPES_NAIVE_DATETIME:
    case TYPES_UTC_DATETIME:
        snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03d%s", rand() % 9997 + 2,
                 rand() % 12 + 1, rand() % 28 + 1, rand() % 24, rand() % 60, rand() % 60,
                 rand() % 1000, k == TYPES_NAIVE_DATETIME ? "" : rand() % 2 ? "Z" : "+05:30");
        break;
    case TYPES_BINARY: {
        size_t len = (size_t)(rand() % 12);
        for (size_t j = 0; j < len; j++) buf[j] = (char)(rand() % 3 ? rand() : 0);
        v_bytes(t, ci, TYPES_SQL_BLOB, buf, len);
        return;
    }
    case TYPES_JSON:
        snprintf(buf, n, "{\"k\":%d,\"a\":[true,null,\"\\u00e9\"],\"s\":\"%c\"}", rand() % 1000,
                 'a' + rand() % 26);
        v_text(t, ci, buf);
        return;
    default: { /* STRING, XML: ASCII and two-byte letters */
        size_t m = 0, len = (size_t)(rand() % 10);
        for (size_t j = 0; j < len; j++) {
            if (rand() % 4 == 0) { buf[m++] = '\xc3'; buf[m++] = (char)(0xa0 + rand() % 16); }
            else buf[m++] = (char)(' ' + rand() % 95);
        }
        buf[m] = '\0';
        break;
    }
    }
    in.len = strlen(buf);
    v_convert(t, ci, &in);
}

/* Two values are the same value, to the byte (JSON too: its text is kept). */
static void same_value(const dest_table *t, int ci, const types_value *a,
                       const types_value *b, const char *what, int row) {
    const char *col = t->cols[ci].name;
    if (a->tag != b->tag) fail_msg("row %d column %s (%s): tag %d, expected %d", row, col, what, b->tag, a->tag);
    switch (a->tag) {
    case TYPES_SQL_INT:
        if (a->i != b->i) fail_msg("row %d column %s (%s): %lld, expected %lld", row, col, what, (long long)b->i, (long long)a->i);
        break;
    case TYPES_SQL_REAL:
        if (memcmp(&a->f, &b->f, sizeof a->f) != 0 && !(a->f == 0 && b->f == 0))
            fail_msg("row %d column %s (%s): %.17g, expected %.17g", row, col, what, b->f, a->f);
        break;
    case TYPES_SQL_TEXT:
    case TYPES_SQL_BLOB:
        if (a->len != b->len || memcmp(types_bytes(a), types_bytes(b), a->len) != 0) {
            fail_msg("row %d column %s (%s): \"%.*s\", expected \"%.*s\"", row, col, what,
                     (int)b->len, types_bytes(b), (int)a->len, types_bytes(a));
        }
        break;
    default: break;
    }
}

/* Property: random rows of every type written as versions, then filled
 * back for an op.update that gives only the key, come back as the very
 * values written, and as the values SQLite's store fills (JSON to the
 * byte: json keeps the text). The second version of a row is
 * the one filled. */
static void test_history_fill_property(void **state) {
    fixture *fx = *state;
    char dir[] = "/tmp/clua_pghist_XXXXXX";
    store *sq = sqlite_beside(dir);
    catalog scat = {0};
    dest_table *tp = all_types(fx, "hp");
    catalog keep = fx->cat;
    fx->cat = scat;
    dest_table *ts = all_types(fx, "hp");
    scat = fx->cat;
    fx->cat = keep;
    tp->history = ts->history = true;
    int nc = tp->ncols;
    enum { N = 150 };
    static char texts[N][16][80];
    static types_value written[N][16];
    static unsigned char given[N][16];
    char why[512];
    srand(20240607);
    ok(fx, store_begin(fx->st));
    ok(fx, store_create_table(fx->st, tp));
    if (store_begin(sq) || store_create_table(sq, ts)) fail_msg("%s", store_error(sq));
    for (int r = 0; r < N; r++)
        for (int version = 0; version < 1 + r % 2; version++) {
            row_clear(tp);
            v_int(tp, 0, r);
            for (int ci = 1; ci < nc; ci++) random_value(tp, ci, texts[r][ci], sizeof texts[r][ci]);
            memcpy(written[r], tp->vals, (size_t)nc * sizeof *tp->vals);
            memcpy(given[r], tp->present, (size_t)nc);
            memcpy(ts->vals, tp->vals, (size_t)nc * sizeof *tp->vals);
            memcpy(ts->present, tp->present, (size_t)nc);
            const char *now = version ? "2024-01-01T00:00:01.000Z" : "2024-01-01T00:00:00.000Z";
            if (store_history_write(fx->st, tp, now, JOURNAL_UPSERTED, why, sizeof why) != 0)
                fail_msg("row %d: %s %s", r, why, store_error(fx->st));
            if (store_history_write(sq, ts, now, JOURNAL_UPSERTED, why, sizeof why) != 0)
                fail_msg("row %d in SQLite: %s %s", r, why, store_error(sq));
        }
    for (int r = 0; r < N; r++) {
        bool fp = false, fs = false;
        row_clear(tp);
        v_int(tp, 0, r);
        row_clear(ts);
        v_int(ts, 0, r);
        ok(fx, store_history_fill(fx->st, tp, &fp));
        if (store_history_fill(sq, ts, &fs) != 0) fail_msg("%s", store_error(sq));
        assert_true(fp && fs);
        for (int ci = 1; ci < nc; ci++) {
            assert_true(tp->present[ci]);
            types_value none = {.tag = TYPES_SQL_NULL};
            same_value(tp, ci, given[r][ci] ? &written[r][ci] : &none, &tp->vals[ci], "written", r);
            same_value(tp, ci, &ts->vals[ci], &tp->vals[ci], "SQLite's fill", r);
        }
    }
    ok(fx, store_commit(fx->st));
    if (store_commit(sq)) fail_msg("%s", store_error(sq));
    assert_string_equal(q(fx, "SELECT count(*), count(*) FILTER (WHERE _fivetran_active) FROM hp"),
                        "225|150");
    sqlite_gone(sq, &scat, dir);
}

/* Text that is not UTF-8 (or holds a NUL) is refused by check_row before
 * anything is sent, and by the upsert itself, naming table, column and
 * byte; the server never sees it, so the transaction goes on. */
static void test_text_not_utf8(void **state) {
    fixture *fx = *state;
    dest_table *t = MK(fx, "u", {"id", TYPES_INT, 0, 0, 1}, {"s", TYPES_STRING, 0, 0, 0});
    create(fx, t);
    ok(fx, store_begin(fx->st));
    row_clear(t);
    v_int(t, 0, 1);
    v_text(t, 1, "ok \xc3\xa9");
    char why[300];
    assert_int_equal(store_check_row(fx->st, t, why, sizeof why), 0);
    ok(fx, store_upsert(fx->st, t, S1));
    static const char *const bad[][2] = {
        {"ab\xff", "byte 0xFF at offset 2"},       {"\xc0\x80", "byte 0xC0 at offset 0"},
        {"x\xed\xa0\x80", "byte 0xED at offset 1"}, {"\xe2\x82", "byte 0xE2 at offset 0"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        v_int(t, 0, 2);
        v_text(t, 1, bad[i][0]);
        assert_int_equal(store_check_row(fx->st, t, why, sizeof why), -1);
        assert_non_null(strstr(why, "column \"s\" of \"u\": PostgreSQL text cannot hold bytes "
                                    "that are not UTF-8"));
        assert_non_null(strstr(why, bad[i][1]));
        assert_int_equal(store_upsert(fx->st, t, S1), -1);
        assert_non_null(strstr(store_error(fx->st), bad[i][1]));
    }
    ok(fx, store_commit(fx->st));
    assert_string_equal(q(fx, "SELECT id, s FROM u"), "1|ok \xc3\xa9");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_open_makes_own_tables, setup, teardown),
        cmocka_unit_test_setup_teardown(test_second_open_is_busy_and_names_holder, setup, teardown),
        cmocka_unit_test(test_connect_failure_hides_password),
        cmocka_unit_test_setup_teardown(test_native_types, setup, teardown),
        cmocka_unit_test_setup_teardown(test_values_read_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_values_unchanged_property, setup, teardown),
        cmocka_unit_test_setup_teardown(test_text_with_nul_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_names_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rollback_leaves_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_transaction_does_not_commit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reopen_loads_catalog_state_owner, setup, teardown),
        cmocka_unit_test_setup_teardown(test_server_gone, setup, teardown),
        cmocka_unit_test_setup_teardown(test_update_delete_truncate_and_changes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pipeline_counts_past_the_flush, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pipeline_failure_past_the_flush, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pipeline_failure_before_a_new_update_shape, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_pipeline_server_gone, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sweep, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pending_key_column_takes_its_type, setup, teardown),
        cmocka_unit_test_setup_teardown(test_journal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_widen_numbers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_widen_inexact_long_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_widen_doubles_to_string_property, setup, teardown),
        cmocka_unit_test_setup_teardown(test_widen_texts_to_string, setup, teardown),
        cmocka_unit_test_setup_teardown(test_history_op_time_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_history_start_column_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_history_enable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_history_fill_property, setup, teardown),
        cmocka_unit_test_setup_teardown(test_text_not_utf8, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
