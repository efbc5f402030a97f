/* embed.c: running a connector from your own C program.
 *
 *   embed_example SCRIPT OUTPUT_DIR
 *
 * Runs SCRIPT into OUTPUT_DIR with log lines sent to a callback, then
 * prints the summary counters. Build: it is built with the project
 * (target embed_example); link your own program with the static library
 * (build/libconnector_lua.a) and `pkg-config --libs lua5.4 sqlite3
 * libxxhash` plus -ldl (libcurl is loaded at run time, when a script first
 * makes an HTTP request). */
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
    clua_runtime *rt = clua_open();
    if (!rt) return 1;
    int lines = 0;
    clua_options opt = clua_options_default();
    opt.script = argv[1];
    opt.output_dir = argv[2];
    opt.log_fn = on_log;
    opt.log_user = &lines;

    clua_status status = clua_sync(rt, &opt);
    const clua_summary *s = clua_summary_of(rt);
    printf("status=%d upserts=%lld updates=%lld deletes=%lld checkpoints=%lld log_lines=%d\n",
           (int)status, s->upserts, s->updates, s->deletes, s->checkpoints, lines);
    if (status != CLUA_OK) fprintf(stderr, "sync failed: %s\n", clua_errmsg(rt));
    clua_close(rt);
    return status == CLUA_OK ? 0 : 1;
}
