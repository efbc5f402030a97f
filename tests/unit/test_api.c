/* Unit tests for the public API's contract (include/connector_lua.h), as an
 * embedder meets it: every option's validation and its message, setters
 * that copy strings, the summary's accessors, clua_errstr for every status,
 * the version in the header against the library's and CMake's, one error
 * convention for reset and inspect, and clua_inspect writing what
 * `connector-lua inspect` prints (CLUA_BINARY, given by tests/CMakeLists.txt). */
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "connector_lua.h"

/* ---- fixtures: a directory with a script, removed afterwards ---- */

typedef struct fixture {
    char dir[64], script[96], out[96];
    clua_runtime *rt;
} fixture;

static const char script_text[] =
    "function schema(c)\n"
    "  return { { table = 'item', primary_key = { 'id' }, columns = { id = 'INT' } } }\n"
    "end\n"
    "function update(c, s)\n"
    "  log.info('hello')\n"
    "  for i = 1, 3 do op.upsert('item', { id = i, name = 'n' .. i }) end\n"
    "  op.update('item', { id = 2, name = 'two' })\n"
    "  op.update('item', { id = 9, name = 'none' })\n"
    "  op.delete('item', { id = 3 })\n"
    "  op.checkpoint({ cursor = 3 })\n"
    "  op.upsert('other', { k = 'x' })\n"
    "  op.truncate('other')\n"
    "end\n";

static int setup(void **state) {
    fixture *fx = calloc(1, sizeof *fx);
    if (!fx) return -1;
    snprintf(fx->dir, sizeof fx->dir, "/tmp/clua-test-api.XXXXXX");
    if (!mkdtemp(fx->dir)) return -1;
    snprintf(fx->script, sizeof fx->script, "%s/items.lua", fx->dir);
    snprintf(fx->out, sizeof fx->out, "%s/out", fx->dir);
    FILE *f = fopen(fx->script, "w");
    if (!f) return -1;
    fputs(script_text, f);
    fclose(f);
    fx->rt = clua_open();
    *state = fx;
    return fx->rt ? 0 : -1;
}

static int teardown(void **state) {
    fixture *fx = *state;
    char cmd[128];
    clua_close(fx->rt);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx->dir);
    int rc = system(cmd);
    free(fx);
    return rc == 0 ? 0 : -1;
}

static void quiet(void *user, const char *level, const char *msg) {
    (void)level, (void)msg;
    if (user) ++*(int *)user;
}

/* Runs the fixture's script into its output directory. */
static clua_status sync_fixture(fixture *fx) {
    assert_int_equal(clua_set_string(fx->rt, CLUA_OPT_SCRIPT, fx->script), CLUA_OK);
    assert_int_equal(clua_set_string(fx->rt, CLUA_OPT_OUTPUT_DIR, fx->out), CLUA_OK);
    assert_int_equal(clua_set_log(fx->rt, quiet, NULL), CLUA_OK);
    return clua_sync(fx->rt);
}

/* The message must contain each of the texts. */
static void assert_msg(const clua_runtime *rt, const char *a, const char *b) {
    const char *m = clua_errmsg(rt);
    if (!strstr(m, a) || (b && !strstr(m, b)))
        fail_msg("message \"%s\" lacks \"%s\"%s%s", m, a, b ? " or " : "", b ? b : "");
}

/* ---- options ---- */

typedef enum kind { K_STRING, K_INT, K_DOUBLE, K_LIST } kind;
static const struct {
    clua_option option;
    const char *name;
    kind kind;
} options[] = {
    {CLUA_OPT_SCRIPT, "CLUA_OPT_SCRIPT", K_STRING},
    {CLUA_OPT_CONFIGURATION_FILE, "CLUA_OPT_CONFIGURATION_FILE", K_STRING},
    {CLUA_OPT_STATE_FILE, "CLUA_OPT_STATE_FILE", K_STRING},
    {CLUA_OPT_OUTPUT_DIR, "CLUA_OPT_OUTPUT_DIR", K_STRING},
    {CLUA_OPT_RECORD_FILE, "CLUA_OPT_RECORD_FILE", K_STRING},
    {CLUA_OPT_REPLAY_FILE, "CLUA_OPT_REPLAY_FILE", K_STRING},
    {CLUA_OPT_LOG_LEVEL, "CLUA_OPT_LOG_LEVEL", K_INT},
    {CLUA_OPT_LOG_JSON, "CLUA_OPT_LOG_JSON", K_INT},
    {CLUA_OPT_NAMING_SOURCE, "CLUA_OPT_NAMING_SOURCE", K_INT},
    {CLUA_OPT_PROGRESS, "CLUA_OPT_PROGRESS", K_INT},
    {CLUA_OPT_DURABLE, "CLUA_OPT_DURABLE", K_INT},
    {CLUA_OPT_SANDBOX, "CLUA_OPT_SANDBOX", K_INT},
    {CLUA_OPT_STRICT, "CLUA_OPT_STRICT", K_INT},
    {CLUA_OPT_TAKE_OVER, "CLUA_OPT_TAKE_OVER", K_INT},
    {CLUA_OPT_MEMORY_LIMIT_MB, "CLUA_OPT_MEMORY_LIMIT_MB", K_DOUBLE},
    {CLUA_OPT_TIMEOUT_SECONDS, "CLUA_OPT_TIMEOUT_SECONDS", K_DOUBLE},
    {CLUA_OPT_INSPECT_VIEW, "CLUA_OPT_INSPECT_VIEW", K_INT},
    {CLUA_OPT_INSPECT_TABLE, "CLUA_OPT_INSPECT_TABLE", K_STRING},
    {CLUA_OPT_INSPECT_LIMIT, "CLUA_OPT_INSPECT_LIMIT", K_INT},
    {CLUA_OPT_INSPECT_JSON, "CLUA_OPT_INSPECT_JSON", K_INT},
    {CLUA_OPT_INSPECT_ALL, "CLUA_OPT_INSPECT_ALL", K_INT},
    {CLUA_OPT_INSPECT_SYNC, "CLUA_OPT_INSPECT_SYNC", K_INT},
    {CLUA_OPT_INSPECT_KEYS, "CLUA_OPT_INSPECT_KEYS", K_LIST},
};
#define NOPTIONS (sizeof options / sizeof options[0])
static const char *const setter_names[] = {"clua_set_string", "clua_set_int", "clua_set_double",
                                           "clua_set_list"};

static clua_status set_as(clua_runtime *rt, clua_option option, kind k) {
    static const char *const one[] = {"id=1"};
    switch (k) {
    case K_STRING: return clua_set_string(rt, option, "x");
    case K_INT: return clua_set_int(rt, option, 0);
    case K_DOUBLE: return clua_set_double(rt, option, 0);
    default: return clua_set_list(rt, option, one, 1);
    }
}

/* Every option through every setter: its own type is taken, each other is
 * refused with a message that names the option and the setter to use. */
static void test_option_types(void **state) {
    fixture *fx = *state;
    for (size_t i = 0; i < NOPTIONS; i++)
        for (int k = K_STRING; k <= K_LIST; k++) {
            clua_status st = set_as(fx->rt, options[i].option, (kind)k);
            if ((kind)k == options[i].kind) {
                assert_int_equal(st, CLUA_OK);
                assert_string_equal(clua_errmsg(fx->rt), "");
                continue;
            }
            assert_int_equal(st, CLUA_ERROR_OPTION);
            assert_msg(fx->rt, options[i].name, setter_names[options[i].kind]);
            assert_msg(fx->rt, "not", setter_names[k]);
        }
}

/* An option this library does not know, through every setter. */
static void test_unknown_option(void **state) {
    fixture *fx = *state;
    const int unknown[] = {0, -1, (int)NOPTIONS + 1, 1000};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++)
        for (int k = K_STRING; k <= K_LIST; k++) {
            assert_int_equal(set_as(fx->rt, (clua_option)unknown[i], (kind)k), CLUA_ERROR_OPTION);
            assert_msg(fx->rt, "unknown option", "CLUA_OPT_INSPECT_KEYS");
        }
}

static void refused_int(clua_runtime *rt, clua_option o, long long v, const char *allowed,
                        const char *got) {
    assert_int_equal(clua_set_int(rt, o, v), CLUA_ERROR_OPTION);
    assert_msg(rt, allowed, got);
}

static void test_int_ranges(void **state) {
    clua_runtime *rt = ((fixture *)*state)->rt;
    for (size_t i = 0; i < NOPTIONS; i++) {
        const char *n = options[i].name;
        if (options[i].kind != K_INT || strstr(n, "LEVEL") || strstr(n, "VIEW") ||
            strstr(n, "LIMIT") || strstr(n, "SYNC"))
            continue;
        /* a flag: 0 or 1 */
        assert_int_equal(clua_set_int(rt, options[i].option, 1), CLUA_OK);
        assert_int_equal(clua_set_int(rt, options[i].option, 0), CLUA_OK);
        refused_int(rt, options[i].option, 2, n, "must be 0 or 1, got 2");
        refused_int(rt, options[i].option, -1, n, "must be 0 or 1, got -1");
    }
    assert_int_equal(clua_set_int(rt, CLUA_OPT_LOG_LEVEL, CLUA_LOG_SEVERE), CLUA_OK);
    refused_int(rt, CLUA_OPT_LOG_LEVEL, 4, "CLUA_LOG_FINE (0), CLUA_LOG_INFO (1)", "got 4");
    refused_int(rt, CLUA_OPT_LOG_LEVEL, -1, "CLUA_LOG_SEVERE (3)", "got -1");
    assert_int_equal(clua_set_int(rt, CLUA_OPT_INSPECT_VIEW, CLUA_INSPECT_CHANGES), CLUA_OK);
    refused_int(rt, CLUA_OPT_INSPECT_VIEW, 3, "CLUA_INSPECT_CHANGES (2)", "got 3");
    assert_int_equal(clua_set_int(rt, CLUA_OPT_INSPECT_LIMIT, -1), CLUA_OK);
    refused_int(rt, CLUA_OPT_INSPECT_LIMIT, -2, "0 or more, or -1 for all", "got -2");
    assert_int_equal(clua_set_int(rt, CLUA_OPT_INSPECT_LIMIT, LONG_MAX), CLUA_OK); /* --limit's */
    refused_int(rt, CLUA_OPT_INSPECT_SYNC, -1, "1 or more, or 0 for the newest", "got -1");
}

static void test_double_ranges(void **state) {
    clua_runtime *rt = ((fixture *)*state)->rt;
    const clua_option limits[] = {CLUA_OPT_MEMORY_LIMIT_MB, CLUA_OPT_TIMEOUT_SECONDS};
    const struct {
        double v;
        const char *got;
    } bad[] = {{-1, "got -1"},        {-1e-9, "got -1e-09"}, {NAN, "got nan"},
               {INFINITY, "got inf"}, {-INFINITY, "got -inf"}, {1e300, "got 1e+300"},
               {1e9 + 1, "got 1e+09"}};
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(clua_set_double(rt, limits[i], 0), CLUA_OK);
        assert_int_equal(clua_set_double(rt, limits[i], 1.5), CLUA_OK);
        assert_int_equal(clua_set_double(rt, limits[i], 1e9), CLUA_OK);
        for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
            assert_int_equal(clua_set_double(rt, limits[i], bad[k].v), CLUA_ERROR_OPTION);
            assert_msg(rt,
                       i ? "CLUA_OPT_TIMEOUT_SECONDS must be a number of seconds from 0"
                         : "CLUA_OPT_MEMORY_LIMIT_MB must be a number of megabytes, 0 (no limit) "
                           "or from 1",
                       bad[k].got);
            assert_msg(rt, "to 1000000000", NULL);
        }
    }
    /* Under 1 MB the limit would be 0 bytes (no limit) to the allocator but
     * a limit to http's body check: refused, as the command's --memory-limit
     * refuses it. The timeout takes any fraction. */
    assert_int_equal(clua_set_double(rt, CLUA_OPT_MEMORY_LIMIT_MB, 1e-9), CLUA_ERROR_OPTION);
    assert_msg(rt, "0 (no limit) or from 1 to 1000000000", "got 1e-09");
    assert_int_equal(clua_set_double(rt, CLUA_OPT_MEMORY_LIMIT_MB, 0.999), CLUA_ERROR_OPTION);
    assert_int_equal(clua_set_double(rt, CLUA_OPT_MEMORY_LIMIT_MB, 1), CLUA_OK);
    assert_int_equal(clua_set_double(rt, CLUA_OPT_TIMEOUT_SECONDS, 1e-9), CLUA_OK);
}

/* An output directory longer than the runtime's paths is refused, not cut,
 * and so is a cassette's path past PATH_MAX; other input files take any
 * length. A refused value leaves the option as it was. */
static void test_strings_and_lists(void **state) {
    clua_runtime *rt = ((fixture *)*state)->rt;
    char *long_path = malloc(5001);
    assert_non_null(long_path);
    memset(long_path, 'a', 5000);
    long_path[5000] = '\0';
    assert_int_equal(clua_set_string(rt, CLUA_OPT_CONFIGURATION_FILE, long_path), CLUA_OK);
    assert_int_equal(clua_set_string(rt, CLUA_OPT_STATE_FILE, long_path), CLUA_OK);
    long_path[4096] = '\0';
    assert_int_equal(clua_set_string(rt, CLUA_OPT_RECORD_FILE, long_path), CLUA_ERROR_OPTION);
    assert_msg(rt, "CLUA_OPT_RECORD_FILE must be a path of at most 4095 bytes",
               "got one of 4096 bytes");
    assert_int_equal(clua_set_string(rt, CLUA_OPT_REPLAY_FILE, long_path), CLUA_ERROR_OPTION);
    long_path[4095] = '\0';
    assert_int_equal(clua_set_string(rt, CLUA_OPT_REPLAY_FILE, long_path), CLUA_OK);
    assert_int_equal(clua_set_string(rt, CLUA_OPT_REPLAY_FILE, NULL), CLUA_OK);
    /* A script whose default directory files/NAME would not fit. */
    memcpy(long_path, "files/", 6);
    long_path[3999] = '\0'; /* "files/" and 3993 bytes: files/<3993> fits */
    assert_int_equal(clua_set_string(rt, CLUA_OPT_SCRIPT, long_path), CLUA_OK);
    long_path[3999] = 'a', long_path[4001] = '\0';
    assert_int_equal(clua_set_string(rt, CLUA_OPT_SCRIPT, long_path), CLUA_ERROR_OPTION);
    assert_msg(rt, "files/NAME would be 4001 bytes (at most 4000)", NULL);
    memset(long_path, 'a', 4001);
    assert_int_equal(clua_set_string(rt, CLUA_OPT_OUTPUT_DIR, "kept"), CLUA_OK);
    assert_int_equal(clua_set_string(rt, CLUA_OPT_OUTPUT_DIR, long_path), CLUA_ERROR_OPTION);
    assert_msg(rt, "CLUA_OPT_OUTPUT_DIR must be a path of at most 4000 bytes",
               "got one of 4001 bytes");
    assert_string_equal(clua_directory(rt), "kept");
    assert_int_equal(clua_set_string(rt, CLUA_OPT_INSPECT_TABLE, long_path), CLUA_OK);
    /* An empty path names nothing: refused for every path option. */
    for (clua_option o = CLUA_OPT_SCRIPT; o <= CLUA_OPT_REPLAY_FILE; o++) {
        assert_int_equal(clua_set_string(rt, o, ""), CLUA_ERROR_OPTION);
        assert_msg(rt, options[o - 1].name, "must be a path");
        assert_msg(rt, "got an empty one", NULL);
    }
    assert_string_equal(clua_directory(rt), "kept");
    long_path[4000] = '\0';
    assert_int_equal(clua_set_string(rt, CLUA_OPT_OUTPUT_DIR, long_path), CLUA_OK);
    free(long_path);

    const char *keys[] = {"id=1", NULL};
    assert_int_equal(clua_set_list(rt, CLUA_OPT_INSPECT_KEYS, keys, -1), CLUA_ERROR_OPTION);
    assert_msg(rt, "CLUA_OPT_INSPECT_KEYS must be from 0 to 1000", "got -1 of them");
    assert_int_equal(clua_set_list(rt, CLUA_OPT_INSPECT_KEYS, NULL, 2), CLUA_ERROR_OPTION);
    assert_msg(rt, "none NULL", "got NULL for 2 of them");
    assert_int_equal(clua_set_list(rt, CLUA_OPT_INSPECT_KEYS, keys, 2), CLUA_ERROR_OPTION);
    assert_msg(rt, "none NULL", "got NULL at 1");
    assert_int_equal(clua_set_list(rt, CLUA_OPT_INSPECT_KEYS, keys, 1), CLUA_OK);
    assert_int_equal(clua_set_list(rt, CLUA_OPT_INSPECT_KEYS, NULL, 0), CLUA_OK);
}

/* clua_directory follows the options: the output directory, else the
 * default named after the script. */
static void test_directory(void **state) {
    clua_runtime *rt = ((fixture *)*state)->rt;
    assert_string_equal(clua_directory(rt), "");
    assert_int_equal(clua_set_string(rt, CLUA_OPT_SCRIPT, "a/b/orders.lua"), CLUA_OK);
    assert_string_equal(clua_directory(rt), "files/orders");
    assert_int_equal(clua_set_string(rt, CLUA_OPT_OUTPUT_DIR, "elsewhere"), CLUA_OK);
    assert_string_equal(clua_directory(rt), "elsewhere");
    assert_int_equal(clua_set_string(rt, CLUA_OPT_OUTPUT_DIR, NULL), CLUA_OK);
    assert_string_equal(clua_directory(rt), "files/orders");
}

/* ---- setters copy; the summary ---- */

/* The caller's strings are freed (and scribbled on) before the sync: a
 * runtime that kept the pointers would read freed memory (ASan) or the
 * wrong path. */
static void test_setters_copy(void **state) {
    fixture *fx = *state;
    char *script = strdup(fx->script), *out = strdup(fx->out);
    assert_non_null(script);
    assert_non_null(out);
    assert_int_equal(clua_set_string(fx->rt, CLUA_OPT_SCRIPT, script), CLUA_OK);
    assert_int_equal(clua_set_string(fx->rt, CLUA_OPT_OUTPUT_DIR, out), CLUA_OK);
    memset(script, 'x', strlen(script));
    memset(out, 'x', strlen(out));
    free(script);
    free(out);
    assert_int_equal(clua_set_log(fx->rt, quiet, NULL), CLUA_OK);
    assert_int_equal(clua_sync(fx->rt), CLUA_OK);
    char db[128];
    snprintf(db, sizeof db, "%s/warehouse.db", fx->out);
    assert_int_equal(access(db, F_OK), 0);
}

static void test_summary_accessors(void **state) {
    fixture *fx = *state;
    assert_int_equal(clua_count(fx->rt, CLUA_COUNT_UPSERTS), 0); /* before the first sync */
    assert_string_equal(clua_database_path(fx->rt), "");
    assert_true(clua_elapsed(fx->rt) == 0);
    int lines = 0;
    assert_int_equal(clua_set_string(fx->rt, CLUA_OPT_SCRIPT, fx->script), CLUA_OK);
    assert_int_equal(clua_set_string(fx->rt, CLUA_OPT_OUTPUT_DIR, fx->out), CLUA_OK);
    assert_int_equal(clua_set_log(fx->rt, quiet, &lines), CLUA_OK);
    assert_int_equal(clua_sync(fx->rt), CLUA_OK);
    assert_int_equal(lines, 4); /* log.info('hello'), a column, a table and its column added */
    /* the update of id 9 is a call that changed no row; the truncate marks one */
    const long long want[] = {4, 2, 1, 1, 4, 1, 4, 1, 1, 1};
    for (int c = CLUA_COUNT_UPSERTS; c <= CLUA_COUNT_COMMITTED_TRUNCATES; c++)
        if (clua_count(fx->rt, (clua_counter)c) != want[c])
            fail_msg("counter %d: %lld, want %lld", c, clua_count(fx->rt, (clua_counter)c),
                     want[c]);
    assert_int_equal(clua_count(fx->rt, (clua_counter)99), -1);
    assert_int_equal(clua_count(fx->rt, (clua_counter)-1), -1);
    assert_true(clua_elapsed(fx->rt) > 0 && clua_elapsed(fx->rt) < 60);
    char db[128];
    snprintf(db, sizeof db, "%s/warehouse.db", fx->out);
    assert_string_equal(clua_database_path(fx->rt), db);
    assert_string_equal(clua_errmsg(fx->rt), "");
    /* The options stay: a second sync runs the same again. */
    assert_int_equal(clua_sync(fx->rt), CLUA_OK);
    assert_int_equal(clua_count(fx->rt, CLUA_COUNT_UPSERTS), 4);
}

/* From inside its own sync (the log callback), every call that can fail
 * refuses with CLUA_ERROR_BUSY and leaves the sync's options and message. */
static clua_status busy[6];
static void reenter(void *user, const char *level, const char *msg) {
    (void)level, (void)msg;
    clua_runtime *rt = user;
    busy[0] = clua_set_string(rt, CLUA_OPT_SCRIPT, "other.lua");
    busy[1] = clua_set_int(rt, CLUA_OPT_STRICT, 1);
    busy[2] = clua_set_double(rt, CLUA_OPT_TIMEOUT_SECONDS, 1);
    busy[3] = clua_set_log(rt, NULL, NULL);
    busy[4] = clua_sync(rt);
    busy[5] = clua_reset(rt);
}

static void test_busy_while_syncing(void **state) {
    fixture *fx = *state;
    assert_int_equal(clua_set_string(fx->rt, CLUA_OPT_SCRIPT, fx->script), CLUA_OK);
    assert_int_equal(clua_set_string(fx->rt, CLUA_OPT_OUTPUT_DIR, fx->out), CLUA_OK);
    assert_int_equal(clua_set_log(fx->rt, reenter, fx->rt), CLUA_OK);
    assert_int_equal(clua_sync(fx->rt), CLUA_OK);
    for (size_t i = 0; i < 6; i++) assert_int_equal(busy[i], CLUA_ERROR_BUSY);
    assert_string_equal(clua_errmsg(fx->rt), "");
    assert_int_equal(clua_count(fx->rt, CLUA_COUNT_UPSERTS), 4);
    /* After it, the runtime takes options again. */
    assert_int_equal(clua_set_log(fx->rt, quiet, NULL), CLUA_OK);
}

/* ---- errors and versions ---- */

static void test_errstr(void **state) {
    (void)state;
    const char *seen[CLUA_ERROR_OPTION + 1];
    for (int s = CLUA_OK; s <= CLUA_ERROR_OPTION; s++) {
        seen[s] = clua_errstr((clua_status)s);
        assert_non_null(seen[s]);
        assert_true(strlen(seen[s]) > 5);
        assert_string_not_equal(seen[s], "unknown status");
        for (int k = 0; k < s; k++) assert_string_not_equal(seen[s], seen[k]);
    }
    assert_string_equal(clua_errstr(CLUA_ERROR_NOMEM), "out of memory");
    assert_string_equal(clua_errstr((clua_status)(CLUA_ERROR_OPTION + 1)), "unknown status");
    assert_string_equal(clua_errstr((clua_status)-1), "unknown status");
}

static void test_version(void **state) {
    (void)state;
    assert_int_equal(clua_libversion_number(), CLUA_VERSION_NUMBER);
    assert_string_equal(clua_libversion(), CLUA_VERSION);
    assert_string_equal(clua_libversion(), CLUA_PROJECT_VERSION); /* CMakeLists.txt's */
    int major, minor, patch, n = 0;
    assert_int_equal(sscanf(CLUA_VERSION, "%d.%d.%d%n", &major, &minor, &patch, &n), 3);
    assert_int_equal((size_t)n, strlen(CLUA_VERSION));
    assert_int_equal(major * 1000000 + minor * 1000 + patch, CLUA_VERSION_NUMBER);
}

/* sync, reset and inspect say why through clua_errmsg, and reset what it
 * did through clua_message. */
static void test_reset_and_inspect_errors(void **state) {
    fixture *fx = *state;
    assert_int_equal(clua_sync(fx->rt), CLUA_ERROR_OPTION);
    assert_msg(fx->rt, "clua_sync needs CLUA_OPT_SCRIPT", NULL);
    assert_int_equal(clua_reset(fx->rt), CLUA_ERROR_OPTION);
    assert_msg(fx->rt, "reset needs CLUA_OPT_OUTPUT_DIR or CLUA_OPT_SCRIPT", NULL);
    assert_int_equal(clua_inspect(fx->rt, stdout), CLUA_ERROR_OPTION);
    assert_msg(fx->rt, "inspect needs CLUA_OPT_OUTPUT_DIR or CLUA_OPT_SCRIPT", NULL);
    assert_int_equal(clua_set_string(fx->rt, CLUA_OPT_OUTPUT_DIR, fx->out), CLUA_OK);
    /* Recording and replaying at once is refused before anything is read
     * or made. */
    assert_int_equal(clua_set_string(fx->rt, CLUA_OPT_SCRIPT, fx->script), CLUA_OK);
    assert_int_equal(clua_set_string(fx->rt, CLUA_OPT_RECORD_FILE, "rec.json"), CLUA_OK);
    assert_int_equal(clua_set_string(fx->rt, CLUA_OPT_REPLAY_FILE, "play.json"), CLUA_OK);
    assert_int_equal(clua_sync(fx->rt), CLUA_ERROR_OPTION);
    assert_msg(fx->rt, "CLUA_OPT_RECORD_FILE and CLUA_OPT_REPLAY_FILE do not go together", NULL);
    assert_int_equal(access(fx->out, F_OK), -1);
    assert_int_equal(clua_set_string(fx->rt, CLUA_OPT_RECORD_FILE, NULL), CLUA_OK);
    assert_int_equal(clua_set_string(fx->rt, CLUA_OPT_REPLAY_FILE, NULL), CLUA_OK);
    assert_int_equal(clua_reset(fx->rt), CLUA_OK);
    assert_string_equal(clua_errmsg(fx->rt), "");
    char want[200];
    snprintf(want, sizeof want, "nothing to reset: %s does not exist", fx->out);
    assert_string_equal(clua_message(fx->rt), want);
    assert_int_equal(clua_inspect(fx->rt, stdout), CLUA_ERROR_INPUT);
    assert_msg(fx->rt, fx->out, "warehouse.db");
    assert_string_equal(clua_message(fx->rt), "");

    assert_int_equal(sync_fixture(fx), CLUA_OK);
    assert_int_equal(clua_reset(fx->rt), CLUA_OK);
    snprintf(want, sizeof want, "removed warehouse.db and state.json from %s", fx->out);
    assert_string_equal(clua_message(fx->rt), want);
    assert_int_equal(clua_reset(fx->rt), CLUA_OK);
    snprintf(want, sizeof want, "nothing to reset in %s", fx->out);
    assert_string_equal(clua_message(fx->rt), want);
    /* clua_message is "" after any other call: a setter, clua_set_log. */
    assert_int_equal(clua_set_int(fx->rt, CLUA_OPT_STRICT, 0), CLUA_OK);
    assert_string_equal(clua_message(fx->rt), "");
    assert_int_equal(clua_reset(fx->rt), CLUA_OK);
    assert_int_equal(clua_set_int(fx->rt, CLUA_OPT_STRICT, 2), CLUA_ERROR_OPTION);
    assert_string_equal(clua_message(fx->rt), "");
    assert_int_equal(clua_reset(fx->rt), CLUA_OK);
    assert_int_equal(clua_set_log(fx->rt, quiet, NULL), CLUA_OK);
    assert_string_equal(clua_message(fx->rt), "");

    /* Inspect options that do not go together. */
    assert_int_equal(sync_fixture(fx), CLUA_OK);
    clua_runtime *rt = fx->rt;
    assert_int_equal(clua_set_int(rt, CLUA_OPT_INSPECT_VIEW, CLUA_INSPECT_SYNCS), CLUA_OK);
    assert_int_equal(clua_set_string(rt, CLUA_OPT_INSPECT_TABLE, "item"), CLUA_OK);
    assert_int_equal(clua_inspect(rt, stdout), CLUA_ERROR_OPTION);
    assert_msg(rt, "CLUA_INSPECT_SYNCS takes no CLUA_OPT_INSPECT_TABLE", NULL);
    assert_int_equal(clua_set_int(rt, CLUA_OPT_INSPECT_VIEW, CLUA_INSPECT_CHANGES), CLUA_OK);
    assert_int_equal(clua_set_string(rt, CLUA_OPT_INSPECT_TABLE, NULL), CLUA_OK);
    assert_int_equal(clua_inspect(rt, stdout), CLUA_ERROR_OPTION);
    assert_msg(rt, "CLUA_INSPECT_CHANGES needs a CLUA_OPT_INSPECT_TABLE", NULL);
    const char *key[] = {"id=1"};
    assert_int_equal(clua_set_string(rt, CLUA_OPT_INSPECT_TABLE, "item"), CLUA_OK);
    assert_int_equal(clua_set_int(rt, CLUA_OPT_INSPECT_SYNC, 1), CLUA_OK);
    assert_int_equal(clua_set_list(rt, CLUA_OPT_INSPECT_KEYS, key, 1), CLUA_OK);
    assert_int_equal(clua_inspect(rt, stdout), CLUA_ERROR_OPTION);
    assert_msg(rt, "CLUA_OPT_INSPECT_SYNC and CLUA_OPT_INSPECT_KEYS do not go together", NULL);
    assert_int_equal(clua_set_int(rt, CLUA_OPT_INSPECT_VIEW, CLUA_INSPECT_DATA), CLUA_OK);
    assert_int_equal(clua_inspect(rt, stdout), CLUA_ERROR_OPTION);
    assert_msg(rt, "go only with CLUA_INSPECT_CHANGES", NULL);
    assert_int_equal(clua_set_int(rt, CLUA_OPT_INSPECT_SYNC, 0), CLUA_OK);
    assert_int_equal(clua_set_list(rt, CLUA_OPT_INSPECT_KEYS, NULL, 0), CLUA_OK);
    /* _ALL and _LIMIT choose among a table's rows: without one they are
     * refused, as the command refuses --all and --limit without TABLE
     * (_LIMIT also counts CLUA_INSPECT_SYNCS's runs). */
    FILE *sink = tmpfile();
    assert_non_null(sink);
    assert_int_equal(clua_set_string(rt, CLUA_OPT_INSPECT_TABLE, NULL), CLUA_OK);
    assert_int_equal(clua_set_int(rt, CLUA_OPT_INSPECT_ALL, 1), CLUA_OK);
    assert_int_equal(clua_inspect(rt, sink), CLUA_ERROR_OPTION);
    assert_msg(rt, "CLUA_OPT_INSPECT_ALL needs a CLUA_OPT_INSPECT_TABLE", NULL);
    assert_int_equal(clua_set_int(rt, CLUA_OPT_INSPECT_ALL, 0), CLUA_OK);
    assert_int_equal(clua_set_int(rt, CLUA_OPT_INSPECT_LIMIT, 2), CLUA_OK);
    assert_int_equal(clua_inspect(rt, sink), CLUA_ERROR_OPTION);
    assert_msg(rt, "CLUA_OPT_INSPECT_LIMIT needs a CLUA_OPT_INSPECT_TABLE or CLUA_INSPECT_SYNCS",
               NULL);
    assert_int_equal(ftell(sink), 0);
    assert_int_equal(clua_set_int(rt, CLUA_OPT_INSPECT_VIEW, CLUA_INSPECT_SYNCS), CLUA_OK);
    assert_int_equal(clua_inspect(rt, sink), CLUA_OK);
    assert_int_equal(clua_set_int(rt, CLUA_OPT_INSPECT_VIEW, CLUA_INSPECT_DATA), CLUA_OK);
    assert_int_equal(clua_set_int(rt, CLUA_OPT_INSPECT_LIMIT, -1), CLUA_OK);
    fclose(sink);
    assert_int_equal(clua_set_string(rt, CLUA_OPT_INSPECT_TABLE, "nope"), CLUA_OK);
    assert_int_equal(clua_inspect(rt, stdout), CLUA_ERROR_NOT_FOUND);
    assert_msg(rt, "nope", "item");
}

/* ---- clua_inspect writes what the command prints ---- */

/* The whole of f (rewound), malloc'd. */
static char *slurp(FILE *f) {
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    rewind(f);
    size_t n;
    while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (len + 1 == cap) {
            buf = realloc(buf, cap *= 2);
            assert_non_null(buf);
        }
    }
    buf[len] = '\0';
    return buf;
}

/* Runs `connector-lua inspect --output OUT args` and clua_inspect with the
 * options already set; both outputs (and exit/status) must agree. */
static void same_as_command(fixture *fx, const char *args, clua_status want) {
    char cmd[512];
    snprintf(cmd, sizeof cmd, "'%s' inspect --output '%s' %s 2>&1", CLUA_BINARY, fx->out, args);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    FILE *tmp = tmpfile();
    assert_non_null(tmp);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, p)) > 0) fwrite(chunk, 1, n, tmp);
    int rc = pclose(p);
    char *cli = slurp(tmp);
    fclose(tmp);
    FILE *out = tmpfile();
    assert_non_null(out);
    clua_status st = clua_inspect(fx->rt, out);
    char *api = slurp(out);
    fclose(out);
    if (st != CLUA_OK) { /* the command prints the message */
        char *m = malloc(strlen(clua_errmsg(fx->rt)) + 32);
        assert_non_null(m);
        sprintf(m, "connector-lua: %s\n", clua_errmsg(fx->rt));
        free(api);
        api = m;
    }
    if (st != want || strcmp(cli, api) != 0 || (rc == 0) != (st == CLUA_OK))
        fail_msg("inspect %s: status %d (want %d), exit %d\ncommand:\n%s\nlibrary:\n%s", args,
                 (int)st, (int)want, rc, cli, api);
    assert_true(strlen(api) > 20);
    free(cli);
    free(api);
}

static void test_inspect_as_command(void **state) {
    fixture *fx = *state;
    assert_int_equal(sync_fixture(fx), CLUA_OK);
    assert_int_equal(sync_fixture(fx), CLUA_OK);
    clua_runtime *rt = fx->rt;
    same_as_command(fx, "", CLUA_OK);
    assert_int_equal(clua_set_int(rt, CLUA_OPT_INSPECT_JSON, 1), CLUA_OK);
    same_as_command(fx, "--json", CLUA_OK);
    assert_int_equal(clua_set_int(rt, CLUA_OPT_INSPECT_JSON, 0), CLUA_OK);
    assert_int_equal(clua_set_string(rt, CLUA_OPT_INSPECT_TABLE, "ITEM"), CLUA_OK);
    assert_int_equal(clua_set_int(rt, CLUA_OPT_INSPECT_LIMIT, 2), CLUA_OK);
    same_as_command(fx, "ITEM --limit 2", CLUA_OK);
    assert_int_equal(clua_set_int(rt, CLUA_OPT_INSPECT_VIEW, CLUA_INSPECT_CHANGES), CLUA_OK);
    assert_int_equal(clua_set_int(rt, CLUA_OPT_INSPECT_SYNC, 1), CLUA_OK);
    same_as_command(fx, "ITEM --limit 2 --changed 1", CLUA_OK);
    assert_int_equal(clua_set_int(rt, CLUA_OPT_INSPECT_SYNC, 0), CLUA_OK);
    const char *key[] = {"id=2"};
    assert_int_equal(clua_set_list(rt, CLUA_OPT_INSPECT_KEYS, key, 1), CLUA_OK);
    assert_int_equal(clua_set_int(rt, CLUA_OPT_INSPECT_JSON, 1), CLUA_OK);
    same_as_command(fx, "ITEM --limit 2 --key id=2 --json", CLUA_OK);
    const char *bad_key[] = {"id=two"};
    assert_int_equal(clua_set_list(rt, CLUA_OPT_INSPECT_KEYS, bad_key, 1), CLUA_OK);
    same_as_command(fx, "ITEM --limit 2 --key id=two --json", CLUA_ERROR_NOT_FOUND);
    assert_int_equal(clua_set_list(rt, CLUA_OPT_INSPECT_KEYS, NULL, 0), CLUA_OK);
    assert_int_equal(clua_set_string(rt, CLUA_OPT_INSPECT_TABLE, NULL), CLUA_OK);
    assert_int_equal(clua_set_int(rt, CLUA_OPT_INSPECT_VIEW, CLUA_INSPECT_SYNCS), CLUA_OK);
    same_as_command(fx, "--syncs --limit 2 --json", CLUA_OK);
    assert_int_equal(clua_set_int(rt, CLUA_OPT_INSPECT_VIEW, CLUA_INSPECT_DATA), CLUA_OK);
    assert_int_equal(clua_set_string(rt, CLUA_OPT_INSPECT_TABLE, "nope"), CLUA_OK);
    assert_int_equal(clua_set_int(rt, CLUA_OPT_INSPECT_JSON, 0), CLUA_OK);
    same_as_command(fx, "nope --limit 2", CLUA_ERROR_NOT_FOUND);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_option_types, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_option, setup, teardown),
        cmocka_unit_test_setup_teardown(test_int_ranges, setup, teardown),
        cmocka_unit_test_setup_teardown(test_double_ranges, setup, teardown),
        cmocka_unit_test_setup_teardown(test_strings_and_lists, setup, teardown),
        cmocka_unit_test_setup_teardown(test_directory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_setters_copy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_summary_accessors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_busy_while_syncing, setup, teardown),
        cmocka_unit_test(test_errstr),
        cmocka_unit_test(test_version),
        cmocka_unit_test_setup_teardown(test_reset_and_inspect_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inspect_as_command, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
