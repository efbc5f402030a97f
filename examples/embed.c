/* embed.c: running a connector from your own C program.
 *
 *   embed_example SCRIPT OUTPUT_DIR
 *
 * Checks that the library is the version the program was built for, runs
 * SCRIPT into OUTPUT_DIR with log lines sent to a callback, then prints the
 * summary counters. It is built with the project (target embed_example);
 * against an installed library (`cmake --install`, README "Install"):
 *
 *   cc embed.c $(pkg-config --cflags --libs connector-lua)
 *
 * (libcurl is loaded at run time, when a script first makes an HTTP
 * request). */
#include <stdio.h>

#include "connector_lua.h"

static void on_log(void *user, const char *level, const char *message) {
    int *lines = user;
    ++*lines;
    printf("[%s] %s\n", level, message);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s SCRIPT OUTPUT_DIR\n", argv[0]);
        return 2;
    }
    /* A shared library may be newer than the header: the same major
     * version (and, while it is 0, the same minor one: 0.x may break), and
     * at least the version this program was built against. */
    int lib = clua_libversion_number(), unit = CLUA_VERSION_NUMBER < 1000000 ? 1000 : 1000000;
    if (lib / unit != CLUA_VERSION_NUMBER / unit || lib < CLUA_VERSION_NUMBER) {
        fprintf(stderr, "built for connector-lua %s, found %s\n", CLUA_VERSION,
                clua_libversion());
        return 1;
    }
    clua_runtime *rt = clua_open();
    if (!rt) {
        fprintf(stderr, "%s\n", clua_errstr(CLUA_ERROR_NOMEM));
        return 1;
    }
    int lines = 0;
    /* Every setter returns a status; the first refusal stops the chain and
     * clua_errmsg says what the option allows. Strings are copied. */
    clua_status status = clua_set_string(rt, CLUA_OPT_SCRIPT, argv[1]);
    if (status == CLUA_OK) status = clua_set_string(rt, CLUA_OPT_OUTPUT_DIR, argv[2]);
    if (status == CLUA_OK) status = clua_set_log(rt, on_log, &lines);
    if (status == CLUA_OK) status = clua_set_double(rt, CLUA_OPT_TIMEOUT_SECONDS, 600);
    if (status == CLUA_OK) status = clua_sync(rt);
    printf("status=%d upserts=%lld updates=%lld deletes=%lld checkpoints=%lld log_lines=%d\n",
           (int)status, clua_count(rt, CLUA_COUNT_UPSERTS), clua_count(rt, CLUA_COUNT_UPDATES),
           clua_count(rt, CLUA_COUNT_DELETES), clua_count(rt, CLUA_COUNT_CHECKPOINTS), lines);
    printf("committed upserts=%lld in %s\n", clua_count(rt, CLUA_COUNT_COMMITTED_UPSERTS),
           clua_database_path(rt));
    if (status != CLUA_OK)
        fprintf(stderr, "sync failed: %s (%s)\n", clua_errmsg(rt), clua_errstr(status));
    clua_close(rt);
    return status == CLUA_OK ? 0 : 1;
}
