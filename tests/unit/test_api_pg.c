/* The public API against a real PostgreSQL (CLUA_PG_URL, from the ctest
 * fixture `pg`; the test fails, never skips, without it), as an embedder
 * meets it: CLUA_OPT_TIMEOUT_SECONDS stops a sync whose statement waits on
 * a lock another session holds. The library does it itself: an embedder
 * has no alarm of the command's to fall back on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include "connector_lua.h"

#define SCHEMA "api_timeout"

static PGconn *connect_or_fail(const char *url) {
    PGconn *c = PQconnectdb(url);
    if (PQstatus(c) != CONNECTION_OK) fail_msg("cannot connect to %s: %s", url, PQerrorMessage(c));
    return c;
}

static void exec_ok(PGconn *c, const char *sql) {
    PGresult *res = PQexec(c, sql);
    if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
        fail_msg("%s: %s", sql, PQerrorMessage(c));
    PQclear(res);
}

/* The one value sql returns, into out. */
static const char *value(PGconn *c, const char *sql, char *out, size_t n) {
    PGresult *res = PQexec(c, sql);
    if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1)
        fail_msg("%s: %s", sql, PQerrorMessage(c));
    snprintf(out, n, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    return out;
}

/* The runtime's sessions the server still lists after up to 3 s: one
 * the runtime closed may linger a moment while its backend exits (the
 * count once read 1 right after the sync), while one waiting behind the
 * lock would stay as long as the lock is held, past these 3 s. */
static const char *sessions_left(PGconn *admin, char *out, size_t n) {
    for (int tries = 0; tries < 30; tries++) {
        value(admin,
              "SELECT count(*) FROM pg_stat_activity"
              " WHERE application_name LIKE 'connector-lua api_timeout.lua,%'",
              out, n);
        if (strcmp(out, "0") == 0) break;
        nanosleep(&(struct timespec){0, 100 * 1000 * 1000}, NULL);
    }
    return out;
}

static clua_status sync_once(const char *script, const char *output, double timeout) {
    clua_runtime *rt = clua_open();
    assert_non_null(rt);
    assert_int_equal(clua_set_string(rt, CLUA_OPT_SCRIPT, script), CLUA_OK);
    assert_int_equal(clua_set_string(rt, CLUA_OPT_OUTPUT_DIR, output), CLUA_OK);
    assert_int_equal(clua_set_int(rt, CLUA_OPT_LOG_LEVEL, CLUA_LOG_SEVERE), CLUA_OK);
    assert_int_equal(clua_set_double(rt, CLUA_OPT_TIMEOUT_SECONDS, timeout), CLUA_OK);
    clua_status st = clua_sync(rt);
    if (timeout > 0) {
        char want[256];
        snprintf(want, sizeof want, "%s: stopped: the sync ran longer than --timeout %g s", script,
                 timeout);
        assert_int_equal(st, CLUA_ERROR_LIMIT);
        assert_string_equal(clua_errmsg(rt), want);
    }
    clua_close(rt);
    return st;
}

static void test_timeout_stops_a_lock_wait(void **state) {
    (void)state;
    const char *url = getenv("CLUA_PG_URL");
    if (!url || !*url) fail_msg("CLUA_PG_URL is not set: run through ctest (the fixture pg)");
    char dir[] = "/tmp/clua-api-pg.XXXXXX", script[64], output[1024], v[64];
    assert_non_null(mkdtemp(dir));
    snprintf(script, sizeof script, "%s/api_timeout.lua", dir);
    snprintf(output, sizeof output, "%s&schema=" SCHEMA, url);
    FILE *f = fopen(script, "w");
    assert_non_null(f);
    fputs("function update(c, s) op.upsert('t', { id = 1 }) end\n", f);
    fclose(f);

    PGconn *admin = connect_or_fail(url);
    exec_ok(admin, "DROP SCHEMA IF EXISTS " SCHEMA " CASCADE");
    assert_int_equal(sync_once(script, output, 0), CLUA_OK);

    /* An analyst's open transaction holds the table. Should the sync not
     * stop, the server ends that session after 8 idle seconds and the
     * sync then succeeds: the test fails, it does not hang. */
    PGconn *holder = connect_or_fail(url);
    exec_ok(holder, "SET idle_in_transaction_session_timeout = '8s'; BEGIN;"
                    " LOCK TABLE " SCHEMA ".t IN ACCESS EXCLUSIVE MODE");
    sync_once(script, output, 1);
    /* It stopped while the lock was still held: the holder's transaction
     * is still open, and no session of the runtime's waits behind it. */
    assert_int_equal(PQtransactionStatus(holder), PQTRANS_INTRANS);
    exec_ok(holder, "SELECT 1");
    assert_string_equal(sessions_left(admin, v, sizeof v), "0");
    assert_string_equal(value(admin,
                              "SELECT status FROM " SCHEMA "._clua_syncs ORDER BY id DESC LIMIT 1",
                              v, sizeof v),
                        "limit");
    PQfinish(holder);
    exec_ok(admin, "DROP SCHEMA " SCHEMA " CASCADE");
    PQfinish(admin);
    unlink(script);
    rmdir(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_timeout_stops_a_lock_wait),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
