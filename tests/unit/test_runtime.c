/* Unit tests for runtime.c's end of a sync: a signal that lands while the
 * database is being closed must not reach it (clua_interrupt on a
 * connection being closed, or already freed, was possible: the runtime
 * closed the store before clearing rt->st).
 *
 * sqlite3_close and sqlite3_interrupt are interposed: this executable
 * defines them, so the library's calls come here (it is linked statically),
 * and they call SQLite's own through dlsym(RTLD_NEXT). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "connector_lua.h"

static clua_runtime *signalled; /* the runtime a "signal" interrupts mid-close */
static int closing, closes, interrupts_while_closing;

/* dlsym gives a void *; POSIX allows copying it into a function pointer. */
static void *real(const char *name) {
    void *p = dlsym(RTLD_NEXT, name);
    if (!p) fail_msg("dlsym(%s): %s", name, dlerror());
    return p;
}

int sqlite3_close(sqlite3 *db) {
    int (*close_fn)(sqlite3 *);
    void *p = real("sqlite3_close");
    memcpy(&close_fn, &p, sizeof p);
    closing = 1;
    if (signalled) clua_interrupt(signalled, SIGINT); /* Ctrl-C, just now */
    int rc = close_fn(db);
    closing = 0;
    closes++;
    return rc;
}

void sqlite3_interrupt(sqlite3 *db) {
    void (*interrupt_fn)(sqlite3 *);
    void *p = real("sqlite3_interrupt");
    memcpy(&interrupt_fn, &p, sizeof p);
    if (closing) interrupts_while_closing++;
    interrupt_fn(db);
}

static void quiet(void *user, const char *level, const char *msg) {
    (void)user, (void)level, (void)msg;
}

/* Runs script text in a fresh directory with a "signal" at the close. */
static clua_status sync_with_signal_at_close(const char *text) {
    char dir[] = "/tmp/clua-test-runtime.XXXXXX", script[64], out[64], cmd[128];
    assert_non_null(mkdtemp(dir));
    snprintf(script, sizeof script, "%s/s.lua", dir);
    snprintf(out, sizeof out, "%s/o", dir);
    FILE *f = fopen(script, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    clua_runtime *rt = clua_open();
    assert_non_null(rt);
    assert_int_equal(clua_set_string(rt, CLUA_OPT_SCRIPT, script), CLUA_OK);
    assert_int_equal(clua_set_string(rt, CLUA_OPT_OUTPUT_DIR, out), CLUA_OK);
    assert_int_equal(clua_set_log(rt, quiet, NULL), CLUA_OK);
    signalled = rt;
    closes = interrupts_while_closing = 0;
    clua_status status = clua_sync(rt);
    signalled = NULL;
    clua_close(rt);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    return status;
}

static void test_signal_while_closing_after_success(void **state) {
    (void)state;
    assert_int_equal(sync_with_signal_at_close("function update(c, s)\n"
                                               "  op.upsert('t', { id = 1 })\n"
                                               "end\n"),
                     CLUA_OK);
    assert_int_equal(closes, 1);
    assert_int_equal(interrupts_while_closing, 0);
}

static void test_signal_while_closing_after_failure(void **state) {
    (void)state;
    assert_int_equal(sync_with_signal_at_close("function update(c, s)\n"
                                               "  op.upsert('t', { id = 1 })\n"
                                               "  error('boom')\n"
                                               "end\n"),
                     CLUA_ERROR_SCRIPT);
    assert_int_equal(closes, 1);
    assert_int_equal(interrupts_while_closing, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_signal_while_closing_after_success),
        cmocka_unit_test(test_signal_while_closing_after_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
