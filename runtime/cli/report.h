/* report: what the command itself writes, as text or as JSON
 * (--log-format json): the summary and the verdict on stdout at the end of
 * a sync, and its own messages on stderr. All of it is built in a fixed
 * buffer with our own digits and text.h's escapes and written with
 * write(2): no malloc, no stdio, no locale, so that the signal handler
 * that ends a stuck sync (main.c's forced_exit) may write it too. */
#ifndef CLUA_REPORT_H
#define CLUA_REPORT_H

#include <stdbool.h>

#include "connector_lua.h"

/* How a sync ended. */
typedef struct report_end {
    const clua_runtime *rt;      /* its counters and database (read through accessors) */
    bool started;                /* false: bad input or a busy directory, no counters */
    double elapsed;              /* seconds */
    const char *dir;             /* the output directory */
    bool ok;                     /* SYNC SUCCEEDED */
    const char *error;           /* JSON only: why it failed, masked; NULL on success */
    int exit_code;               /* JSON only */
} report_end;

/* Text: the SDK's table of counters, elapsed time, where the data and the
 * state are (when the sync started), then SYNC SUCCEEDED or SYNC FAILED.
 * JSON: one object on one line, {"status":"succeeded"|"failed",
 * "upserts":N, "updates", "deletes", "truncates", "schema_changes",
 * "checkpoints" (each null when the sync never started: these count
 * calls), "committed":{"upserts","updates","deletes","truncates"} (rows
 * changed in the transactions that committed; null when never started),
 * "elapsed_seconds":0.012, "database":PATH, "state":PATH,
 * "error":null|TEXT, "exit_code":N}. */
void report_summary(bool json, const report_end *e);

/* The command's own message on stderr: "connector-lua: TEXT", or a JSON
 * line {"time","level","message"} as the library's log lines are. text is
 * the command's own words (paths and names in it are JSON-escaped). */
void report_message(bool json, const char *level, const char *text);

#endif
