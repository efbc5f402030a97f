/* connector-lua: run a Lua connector script into a SQLite database.
 *
 *   clua_runtime *rt = clua_open();
 *   if (!rt) { fprintf(stderr, "%s\n", clua_errstr(CLUA_ERROR_NOMEM)); ... }
 *   clua_status rc = clua_set_string(rt, CLUA_OPT_SCRIPT, "scripts/three.lua");
 *   if (rc == CLUA_OK) rc = clua_sync(rt);   // CLUA_OK or an error status
 *   if (rc != CLUA_OK) fprintf(stderr, "%s\n", clua_errmsg(rt));
 *   printf("%lld upserts\n", clua_count(rt, CLUA_COUNT_UPSERTS));
 *   clua_close(rt);
 *
 * The runtime owns everything: its options (set one at a time with typed
 * setters that check the value and copy strings), the summary of the last
 * sync (read through accessors) and the message of the last failure. No
 * struct of this header has its layout fixed in your program, so a library
 * with new options or counters still works with a program built against an
 * older header. One runtime runs one sync at a time; it may run several in
 * turn, and keeps its options between them. A runtime is used by one
 * thread at a time (clua_interrupt excepted); different runtimes may run
 * in different threads. Log lines go to stderr (or to the log callback),
 * and with CLUA_OPT_PROGRESS a progress line; nothing else is printed.
 *
 * Errors, everywhere: a function that can fail returns a clua_status, and
 * clua_errmsg(rt) says why; clua_errstr(status) names a status without a
 * runtime (when clua_open returned NULL). */
#ifndef CONNECTOR_LUA_H
#define CONNECTOR_LUA_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The version of this header: "MAJOR.MINOR.PATCH", and as a number
 * MAJOR*1000000 + MINOR*1000 + PATCH. clua_libversion() and
 * clua_libversion_number() give the library's: a program checks that they
 * agree when it may meet a library other than the one it was built with.
 * From 1.0 on, the same MAJOR and at least the MINOR it was built with (a
 * newer MINOR only adds); while MAJOR is 0, a new MINOR may break the API,
 * so the same MAJOR and MINOR (and the soname is libconnector-lua.so.0.MINOR):
 *   int unit = CLUA_VERSION_NUMBER < 1000000 ? 1000 : 1000000;
 *   lib / unit == CLUA_VERSION_NUMBER / unit && lib >= CLUA_VERSION_NUMBER */
#define CLUA_VERSION "0.2.0"
#define CLUA_VERSION_NUMBER 2000

/* The library's version: static text, never freed. */
const char *clua_libversion(void);
int clua_libversion_number(void);

/* What every function that can fail returns. Values never change; new ones
 * are added at the end. */
typedef enum clua_status {
    CLUA_OK = 0,
    CLUA_ERROR_INPUT,  /* script, configuration or state file missing or invalid */
    CLUA_ERROR_SCRIPT, /* schema() or update() failed: a Lua error or a bad op call */
    CLUA_ERROR_STORE,  /* the database or the output directory failed */
    CLUA_ERROR_BUSY,   /* another run holds the output directory, or this
                          runtime's own sync is running (a call from its log callback) */
    CLUA_ERROR_NOMEM,
    CLUA_ERROR_LIMIT,       /* the script went past the memory limit or the timeout */
    CLUA_ERROR_INTERRUPTED, /* clua_interrupt stopped the sync (SIGINT, SIGTERM) */
    CLUA_ERROR_NOT_FOUND, /* clua_inspect: the database has no such table, sync or key */
    CLUA_ERROR_OWNER,     /* the output directory belongs to another connector (take_over) */
    CLUA_ERROR_OPTION     /* an unknown option, a value of the wrong type or out of range,
                             or options that do not go together */
} clua_status;

/* A short description of status ("the script or its schema() or update()
 * failed", ...), for when there is no runtime to ask. Static text; an
 * unknown status gives "unknown status". */
const char *clua_errstr(clua_status status);

/* Log levels, most verbose first. DEBUG and FINE print only at CLUA_LOG_FINE.
 * Set as integers (CLUA_OPT_LOG_LEVEL): the values never change. */
typedef enum clua_log_level {
    CLUA_LOG_FINE = 0,
    CLUA_LOG_INFO = 1,
    CLUA_LOG_WARNING = 2,
    CLUA_LOG_SEVERE = 3
} clua_log_level;

/* Receives each log line that passes the level: the level's name ("INFO",
 * "WARNING", ...) and the message, without the timestamp or newline, with
 * secrets masked and escaped for a terminal exactly as on stderr (control
 * bytes, DEL, C1 controls and bytes that are not UTF-8 as \r or \xNN;
 * newline and tab kept in a script's own text). */
typedef void (*clua_log_fn)(void *user, const char *level, const char *message);

typedef struct clua_runtime clua_runtime;

/* A new runtime with the default options (below), or NULL when memory runs
 * out. Free it with clua_close. */
clua_runtime *clua_open(void);

/* Frees rt and everything it owns (NULL: nothing). */
void clua_close(clua_runtime *rt);

/* ---- options ----
 * Each option has one type and one setter: clua_set_string copies the
 * string (the caller's may be freed at once; NULL sets the default; a path
 * may not be ""),
 * clua_set_int, clua_set_double, clua_set_list (copies n strings). A wrong
 * setter for the option, an unknown option or a value out of range leaves
 * the option as it was and returns CLUA_ERROR_OPTION, with clua_errmsg
 * saying what is allowed. Called while this runtime's sync runs (from its
 * log callback), every function that can fail returns CLUA_ERROR_BUSY and
 * changes nothing, clua_errmsg included; the log callback must not call
 * clua_close on its runtime (the sync still uses it). The values never
 * change; new options are added at the end. */
typedef enum clua_option {
    /* strings: paths */
    CLUA_OPT_SCRIPT = 1,            /* the Lua connector; clua_sync needs it */
    CLUA_OPT_CONFIGURATION_FILE,    /* JSON object file; default none: {} */
    CLUA_OPT_STATE_FILE,            /* JSON object file to start from; default the saved state */
    CLUA_OPT_OUTPUT_DIR,            /* default files/<script name without .lua>; at
                                       most CLUA_OUTPUT_DIR_MAX bytes, as is the default;
                                       or a postgresql:// URL: load into its schema */
    CLUA_OPT_RECORD_FILE,           /* save every HTTP exchange to this cassette (JSON);
                                       not with CLUA_OPT_REPLAY_FILE (clua_sync refuses
                                       the pair with CLUA_ERROR_OPTION) */
    CLUA_OPT_REPLAY_FILE,           /* serve HTTP from this cassette, no network; not
                                       with CLUA_OPT_RECORD_FILE */
    /* integers */
    CLUA_OPT_LOG_LEVEL,             /* a clua_log_level; default CLUA_LOG_INFO */
    /* flags, integers 0 (the default) or 1 */
    CLUA_OPT_LOG_JSON,      /* each stderr log line is one JSON object {"time","level",
                             * "message"}: time in UTC ("2026-11-29T22:43:58.123Z"),
                             * message masked and JSON-escaped (bytes that are not UTF-8
                             * as U+FFFD); no progress line. Not with a log callback,
                             * which gets the text form either way. */
    CLUA_OPT_NAMING_SOURCE, /* keep table and column names as given (--naming source) */
    CLUA_OPT_PROGRESS,      /* redraw a progress line on stderr while syncing; ignored
                               with a log callback or CLUA_OPT_LOG_JSON */
    CLUA_OPT_DURABLE,       /* checkpoints survive power loss (synchronous=FULL) */
    CLUA_OPT_SANDBOX,       /* no io, os.execute, package, debug, dofile ... */
    CLUA_OPT_STRICT,        /* a table or column schema() did not declare is an error,
                               and so is op.update/delete/truncate of one */
    CLUA_OPT_TAKE_OVER,     /* run even if the database belongs to another script, and
                               make this one its owner */
    /* doubles, from 0 (no limit; the default) to 1e9, so that the bytes and
     * the deadline they become are exact */
    CLUA_OPT_MEMORY_LIMIT_MB, /* most memory the script's Lua state may hold: 0 or
                                 from 1 (a smaller limit would be no limit) */
    CLUA_OPT_TIMEOUT_SECONDS, /* stop the script after this long */
    /* what clua_inspect shows (it reads the directory as a sync would:
     * CLUA_OPT_OUTPUT_DIR, or the default from CLUA_OPT_SCRIPT) */
    CLUA_OPT_INSPECT_VIEW,  /* integer, a clua_inspect_view; default CLUA_INSPECT_DATA */
    CLUA_OPT_INSPECT_TABLE, /* string: a table (ASCII case-insensitive); default none */
    CLUA_OPT_INSPECT_LIMIT, /* integer: at most this many rows or runs, newest first;
                               -1 (the default): all. Needs a table or CLUA_INSPECT_SYNCS */
    CLUA_OPT_INSPECT_JSON,  /* flag: JSON instead of aligned text */
    CLUA_OPT_INSPECT_ALL,   /* flag: every version of a history table, not the active ones;
                               needs a table */
    CLUA_OPT_INSPECT_SYNC,  /* integer: CLUA_INSPECT_CHANGES of this sync; 0 (default) the
                               newest */
    CLUA_OPT_INSPECT_KEYS   /* list: "column=value" texts, every key column once:
                               CLUA_INSPECT_CHANGES of the row with that key */
} clua_option;

/* The longest output directory, in bytes (its files' paths are built in
 * it); input files take any length the system opens (a cassette, of
 * CLUA_OPT_RECORD_FILE or _REPLAY_FILE, less than PATH_MAX). */
#define CLUA_OUTPUT_DIR_MAX 4000

clua_status clua_set_string(clua_runtime *rt, clua_option option, const char *value);
clua_status clua_set_int(clua_runtime *rt, clua_option option, long long value);
clua_status clua_set_double(clua_runtime *rt, clua_option option, double value);
clua_status clua_set_list(clua_runtime *rt, clua_option option, const char *const *values,
                          int n);

/* Where log lines go: fn(user, level, message) for each, or stderr as
 * "HH:MM:SS.mmm LEVEL    message" lines with fn NULL (the default). user
 * is the caller's and must stay valid while the runtime may log (until
 * clua_set_log is called again or rt is closed); level and message are
 * valid only during the call. */
clua_status clua_set_log(clua_runtime *rt, clua_log_fn fn, void *user);

/* The output directory the options name: CLUA_OPT_OUTPUT_DIR, or
 * "files/<script name without .lua>" from CLUA_OPT_SCRIPT; "" with
 * neither; a PostgreSQL URL with its password masked. Owned by rt; it
 * changes when those options do. */
const char *clua_directory(const clua_runtime *rt);

/* ---- a sync ---- */

/* Runs one sync of CLUA_OPT_SCRIPT: schema(), then update(), committing at
 * each op.checkpoint() and when update() returns. On failure everything
 * after the last checkpoint is rolled back and clua_errmsg says why. The
 * database records the file name of the script that made it (its owner);
 * a sync of a script of another name is refused with CLUA_ERROR_OWNER
 * before anything runs or is written, unless CLUA_OPT_TAKE_OVER is set. */
clua_status clua_sync(clua_runtime *rt);

/* The message of the last failure of any call on rt ("" after a success),
 * with the configuration's secret values masked as in the log. Owned by rt,
 * valid until the next call on rt. */
const char *clua_errmsg(const clua_runtime *rt);

/* ---- the summary of the last sync ----
 * Zeroes before the first sync, and while one runs its counts so far. The
 * accessors read plain fields: no allocation, no lock, so a signal handler
 * may call them while a sync runs.
 *
 * CLUA_COUNT_UPSERTS .. CLUA_COUNT_CHECKPOINTS count calls, as the SDK does,
 * whether or not what they did was kept. The committed ones count rows that
 * ops changed in the transactions that committed: an op after the last
 * checkpoint of a failed run is a call but no committed row; op.update or
 * op.delete of a row that does not exist changes none; op.truncate counts
 * the rows it marked deleted. The journal records the same per table and
 * checkpoint. Values never change; new counters are added at the end. */
typedef enum clua_counter {
    CLUA_COUNT_UPSERTS = 0,
    CLUA_COUNT_UPDATES,
    CLUA_COUNT_DELETES,
    CLUA_COUNT_TRUNCATES,
    CLUA_COUNT_SCHEMA_CHANGES,
    CLUA_COUNT_CHECKPOINTS,
    CLUA_COUNT_COMMITTED_UPSERTS,
    CLUA_COUNT_COMMITTED_UPDATES,
    CLUA_COUNT_COMMITTED_DELETES,
    CLUA_COUNT_COMMITTED_TRUNCATES
} clua_counter;

/* The counter's value; -1 for a counter this library does not know (a
 * count is never negative). */
long long clua_count(const clua_runtime *rt, clua_counter counter);

/* Seconds the last sync took (0 while one runs). */
double clua_elapsed(const clua_runtime *rt);

/* "DIR/warehouse.db" of the last sync, or for a PostgreSQL destination
 * its URL with the password masked and the schema ("postgresql://u:***@h/db,
 * schema \"orders\""); "" until the destination is known. Owned by rt;
 * rewritten by the next clua_sync. */
const char *clua_database_path(const clua_runtime *rt);

/* "DIR/state.json", the readable copy of the saved state that the last
 * sync keeps beside its database; "" when it keeps none (PostgreSQL: the
 * state is in the database only) or before the destination is known. */
const char *clua_state_path(const clua_runtime *rt);

/* Asks the running sync to stop: it raises an error at the script's next
 * instruction (or SQLite's next step) and rolls back to the last checkpoint;
 * clua_sync then returns CLUA_ERROR_INTERRUPTED. Safe to call from a signal
 * handler or another thread; signo names the reason in the message. It
 * stops a clua_reset of a PostgreSQL schema too (its wait for a killed
 * run's lock, or its drop, rolled back): CLUA_ERROR_INTERRUPTED. */
void clua_interrupt(clua_runtime *rt, int signo);

/* ---- the output directory ---- */

/* Deletes warehouse.db (with its -wal and -shm files) and state.json in
 * clua_directory(rt). Refuses with CLUA_ERROR_BUSY while a sync holds the
 * directory. On success clua_message says what was removed. */
clua_status clua_reset(clua_runtime *rt);

/* What the last successful clua_reset did, in words: "removed warehouse.db
 * and state.json from DIR", "nothing to reset in DIR" or "nothing to
 * reset: DIR does not exist"; "" after any other call. Owned by rt. */
const char *clua_message(const clua_runtime *rt);

/* What clua_inspect shows (CLUA_OPT_INSPECT_VIEW), set as an integer: the
 * values never change; new views are added at the end. */
typedef enum clua_inspect_view {
    /* Without a table: every table with its live and deleted row counts,
     * its columns with their logical types and its primary key, and the
     * saved state. With CLUA_OPT_INSPECT_TABLE: its rows, newest first (a
     * history table's active versions; every version with
     * CLUA_OPT_INSPECT_ALL). */
    CLUA_INSPECT_DATA = 0,
    /* The journal of syncs, newest first (no table): each run's id, status
     * ("running" only while its process lives; a run killed outright shows
     * "unfinished"), script, start and end, error, number of commits, and
     * the rows it committed per table. JSON: {"database", "syncs": [{"id",
     * "status", "script", "started_at", "ended_at", "error", "checkpoints",
     * "tables": [{"name", "upserted", "updated", "deleted", "truncated"}]}]}. */
    CLUA_INSPECT_SYNCS = 1,
    /* The rows of the table that CLUA_OPT_INSPECT_SYNC wrote, or (with
     * CLUA_OPT_INSPECT_KEYS, converted to each column's logical type) the
     * row with that key, newest first; each with the sync and checkpoint
     * that last wrote it, found from its _fivetran_synced and the journal's
     * commit times (a row synced in the millisecond of commit N shows "N or
     * N+1"). JSON: {"table", "sync", "started_at", "last_commit_at" (or
     * "key": {column: text}), "columns", "rows", "written": [{"sync",
     * "checkpoints"}], "shown"}. */
    CLUA_INSPECT_CHANGES = 2
} clua_inspect_view;

/* Writes to out what clua_directory(rt)/warehouse.db holds, as the
 * CLUA_OPT_INSPECT_* options ask. out must not be NULL; it stays the
 * caller's (written and flushed, never closed). The database is opened
 * read-only and no lock is taken, so this works while a sync runs (of
 * another runtime).
 * Nothing is written on failure: CLUA_ERROR_INPUT when there is no database
 * (or not one of ours, or CLUA_INSPECT_CHANGES of one without a journal),
 * CLUA_ERROR_NOT_FOUND for an unknown table (the message lists the
 * tables), a sync not in the journal or a bad key (an unknown, repeated or
 * missing key column, a value not of its type), CLUA_ERROR_STORE when
 * reading or writing fails, CLUA_ERROR_OPTION for options that do not go
 * together (a table with CLUA_INSPECT_SYNCS, none with
 * CLUA_INSPECT_CHANGES, CLUA_OPT_INSPECT_SYNC or _KEYS with another view,
 * both of them, _ALL without a table, _LIMIT without a table or
 * CLUA_INSPECT_SYNCS). */
clua_status clua_inspect(clua_runtime *rt, FILE *out);

#ifdef __cplusplus
}
#endif
#endif
