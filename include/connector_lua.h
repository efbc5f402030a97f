/* connector-lua: run a Lua connector script into a SQLite database.
 *
 *   clua_runtime *rt = clua_open();
 *   clua_options opt = clua_options_default();
 *   opt.script = "scripts/three.lua";
 *   int rc = clua_sync(rt, &opt);          // CLUA_OK or an error status
 *   const clua_summary *s = clua_summary_of(rt);
 *   if (rc != CLUA_OK) fprintf(stderr, "%s\n", clua_errmsg(rt));
 *   clua_close(rt);
 *
 * One runtime runs one sync at a time; it may run several in turn. Log lines
 * go to stderr (or to the log callback); nothing else is printed. */
#ifndef CONNECTOR_LUA_H
#define CONNECTOR_LUA_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Results of clua_sync, clua_reset and clua_inspect. */
typedef enum clua_status {
    CLUA_OK = 0,
    CLUA_ERROR_INPUT,  /* script, configuration or state file missing or invalid */
    CLUA_ERROR_SCRIPT, /* schema() or update() failed: a Lua error or a bad op call */
    CLUA_ERROR_STORE,  /* the database or the output directory failed */
    CLUA_ERROR_BUSY,   /* another run holds the output directory */
    CLUA_ERROR_NOMEM,
    CLUA_ERROR_LIMIT,       /* the script went past memory_limit_mb or timeout_seconds */
    CLUA_ERROR_INTERRUPTED, /* clua_interrupt stopped the sync (SIGINT, SIGTERM) */
    CLUA_ERROR_NOT_FOUND, /* clua_inspect: the database has no such table */
    CLUA_ERROR_OWNER      /* the output directory belongs to another connector (take_over) */
} clua_status;

/* Log levels, most verbose first. DEBUG and FINE print only at CLUA_LOG_FINE. */
typedef enum clua_log_level {
    CLUA_LOG_FINE = 0,
    CLUA_LOG_INFO,
    CLUA_LOG_WARNING,
    CLUA_LOG_SEVERE
} clua_log_level;

/* Receives each log line that passes the level: the level's name ("INFO",
 * "WARNING", ...) and the message, without the timestamp or newline, with
 * secrets masked and escaped for a terminal exactly as on stderr (control
 * bytes, DEL, C1 controls and bytes that are not UTF-8 as \r or \xNN;
 * newline and tab kept in a script's own text). */
typedef void (*clua_log_fn)(void *user, const char *level, const char *message);

typedef struct clua_options {
    const char *script;             /* path of the Lua connector; required */
    const char *configuration_file; /* JSON object file; NULL gives {} */
    const char *state_file;         /* JSON object file to start from; NULL: the saved state */
    const char *output_dir;         /* NULL: files/<script name without .lua> */
    clua_log_level log_level;       /* CLUA_LOG_INFO by default */
    clua_log_fn log_fn;             /* NULL: lines "HH:MM:SS.mmm LEVEL    message" on stderr */
    void *log_user;
    int naming_source;              /* 1: keep table and column names as given (--naming source) */
    int progress;                   /* 1: redraw a progress line on stderr while syncing */
    int durable;                    /* 1: checkpoints survive power loss (synchronous=FULL) */
    int sandbox;                    /* 1: no io, os.execute, package, debug, dofile ... */
    double memory_limit_mb;         /* > 0: most memory the script's Lua state may hold */
    double timeout_seconds;         /* > 0: stop the script after this long */
    const char *record_file;        /* save every HTTP exchange to this cassette (JSON) */
    const char *replay_file;        /* serve HTTP from this cassette, no network */
    int strict;                     /* 1: a table or column schema() did not declare is an
                                       error, and so is op.update/delete/truncate of one */
    int take_over;                  /* 1: run even if the database belongs to another
                                       script, and make this one its owner */
    int log_json;                   /* 1: each stderr log line is one JSON object
                                     * {"time","level","message"}: time in UTC
                                     * ("2026-11-29T22:43:58.123Z"), message masked
                                     * and JSON-escaped (bytes that are not UTF-8 as
                                     * U+FFFD); no progress line. Not with log_fn,
                                     * which gets the text form either way. */
} clua_options;

/* What a sync did: the SDK's counters, the time it took and where the data is.
 * upserts .. checkpoints count calls, as the SDK does, whether or not what
 * they did was kept. committed_* count rows that ops changed in the
 * transactions that committed: an op after the last checkpoint of a failed
 * run is a call but no committed row; op.update or op.delete of a row that
 * does not exist changes none; op.truncate counts the rows it marked
 * deleted. The journal records the same per table and checkpoint. */
typedef struct clua_summary {
    long long upserts, updates, deletes, truncates, schema_changes, checkpoints;
    double elapsed_seconds;
    char database_path[4096]; /* "" until the output directory is known */
    long long committed_upserts, committed_updates, committed_deletes, committed_truncates;
} clua_summary;

typedef struct clua_runtime clua_runtime;

/* Defaults: no script, log level INFO, everything else NULL. */
clua_options clua_options_default(void);

/* A new runtime, or NULL when memory runs out. Free it with clua_close. */
clua_runtime *clua_open(void);

/* Runs one sync: schema(), then update(), committing at each op.checkpoint()
 * and when update() returns. On failure everything after the last checkpoint
 * is rolled back and clua_errmsg says why. The database records the file
 * name of the script that made it (its owner); a sync of a script of
 * another name is refused with CLUA_ERROR_OWNER before anything runs or is
 * written, unless take_over is set. */
clua_status clua_sync(clua_runtime *rt, const clua_options *options);

/* The summary of the last sync (zeroes before the first). Owned by rt. */
const clua_summary *clua_summary_of(const clua_runtime *rt);

/* The message of the last failure ("" after a success), with the
 * configuration's secret values masked as in the log. Owned by rt. */
const char *clua_errmsg(const clua_runtime *rt);

/* The directory a sync of script writes to when no output_dir is given:
 * "files/<script name without .lua>". Written into buf; returns buf. */
char *clua_default_output_dir(const char *script, char *buf, size_t size);

/* Deletes warehouse.db (with its -wal and -shm files) and state.json in dir.
 * Refuses with CLUA_ERROR_BUSY while a sync holds the directory. A message
 * (what was removed, or why not) is written into msg. */
clua_status clua_reset(const char *dir, char *msg, size_t msg_size);

/* Writes to out what dir/warehouse.db holds. Without table: every table
 * with its live and deleted row counts, its columns with their logical
 * types and its primary key, and the saved state. With table: its rows,
 * newest first, at most limit of them (limit < 0: all). json != 0 writes
 * JSON instead of text. The database is opened read-only and no lock is
 * taken, so this works while a sync runs. Nothing is written on failure:
 * CLUA_ERROR_INPUT when there is no database (or not one of ours),
 * CLUA_ERROR_NOT_FOUND for an unknown table (err lists the tables),
 * CLUA_ERROR_STORE when reading fails; err says why. */
clua_status clua_inspect(const char *dir, const char *table, long limit, int json, FILE *out,
                         char *err, size_t errlen);
/* clua_inspect of a table in history mode shows its active versions;
 * this shows every version when all != 0 (a plain table: its rows). */
clua_status clua_inspect_versions(const char *dir, const char *table, long limit, int json,
                                  int all, FILE *out, char *err, size_t errlen);

/* Writes to out the journal of syncs of dir/warehouse.db, newest first, at
 * most limit runs (limit < 0: all): each run's id, status ("running" only
 * while its process lives; a run killed outright shows "unfinished"),
 * script, start and end, error, number of commits, and the rows it
 * committed per table. json != 0 writes {"database", "syncs": [{"id",
 * "status", "script", "started_at", "ended_at", "error", "checkpoints",
 * "tables": [{"name", "upserted", "updated", "deleted", "truncated"}]}]}.
 * Read-only, no lock, and failures as clua_inspect. */
clua_status clua_inspect_syncs(const char *dir, long limit, int json, FILE *out, char *err,
                               size_t errlen);

/* Writes to out, from dir/warehouse.db, the rows of table that sync wrote
 * (nkeys == 0; sync 0: the newest run), or the row whose key columns equal
 * keys (nkeys "column=value" texts, converted to each column's logical
 * type; every key column once; all != 0: every version of a history
 * table), newest first, at most limit rows (limit < 0: all). Each row comes
 * with the sync and checkpoint that last wrote it, found from its
 * _fivetran_synced and the journal's commit times; a row synced in the
 * millisecond of commit N shows "N or N+1". json != 0 writes {"table",
 * "sync", "started_at", "last_commit_at" (or "key": {column: text}),
 * "columns", "rows", "written": [{"sync", "checkpoints"}], "shown"}.
 * Read-only, no lock, failures as clua_inspect, and: CLUA_ERROR_NOT_FOUND
 * for a sync not in the journal or a bad key (an unknown, repeated or
 * missing key column, a value not of its type); CLUA_ERROR_INPUT for a
 * database without a journal. */
clua_status clua_inspect_changes(const char *dir, const char *table, long long sync, int nkeys,
                                 const char *const *keys, long limit, int json, int all, FILE *out,
                                 char *err, size_t errlen);

/* Asks the running sync to stop: it raises an error at the script's next
 * instruction (or SQLite's next step) and rolls back to the last checkpoint;
 * clua_sync then returns CLUA_ERROR_INTERRUPTED. Safe to call from a signal
 * handler or another thread; signo names the reason in the message. */
void clua_interrupt(clua_runtime *rt, int signo);

void clua_close(clua_runtime *rt);

/* "0.1.0" */
const char *clua_version(void);

#ifdef __cplusplus
}
#endif
#endif
