/* rt: the runtime's state, shared by the modules that make up a sync.
 * Everything long-lived that an op needs lives here, owned by the runtime,
 * so a Lua error raised in a binding never strands C memory. */
#ifndef CLUA_RT_H
#define CLUA_RT_H

#include <lua.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "catalog.h"
#include "connector_lua.h"
#include "log.h"
#include "pg_url.h"
#include "redact.h"
#include "row.h"
#include "store.h"
#include "strbuf.h"
#include "watchdog.h"

/* Where a sync is; bindings refuse to run in the wrong phase, and a
 * failure's phase decides its status. */
typedef enum rt_phase {
    RT_PHASE_SETUP,  /* reading files, opening the database */
    RT_PHASE_INPUT,  /* decoding configuration and state */
    RT_PHASE_LOAD,   /* compiling and running the script's chunk */
    RT_PHASE_SCHEMA, /* schema() and applying its declarations */
    RT_PHASE_UPDATE, /* update(): ops are allowed */
    RT_PHASE_DONE
} rt_phase;

/* The options (connector_lua.h's CLUA_OPT_*), owned by the runtime: the
 * setters (options.c) check each value and copy each string. An integer
 * option's field is an int or a long long (options.c stores by size). */
typedef struct rt_options {
    char *script, *configuration_file, *state_file, *output_dir, *record_file, *replay_file;
    int log_level; /* a clua_log_level */
    clua_log_fn log_fn;
    void *log_user;
    int naming_source, progress, durable, sandbox, strict, take_over, log_json; /* 0 or 1 */
    double memory_limit_mb, timeout_seconds; /* 0 (no limit) .. 1e9 */
    /* clua_inspect's request */
    int inspect_view; /* a clua_inspect_view */
    char *inspect_table;
    long long inspect_limit; /* -1: all */
    int inspect_json, inspect_all;
    long long inspect_sync; /* 0: the newest */
    char **inspect_keys;
    int inspect_nkeys;
} rt_options;

/* What a sync did (connector_lua.h's clua_count and the accessors after
 * it): plain fields, so a signal handler may read them while it runs. */
typedef struct rt_summary {
    long long upserts, updates, deletes, truncates, schema_changes, checkpoints;
    long long committed_upserts, committed_updates, committed_deletes, committed_truncates;
    double elapsed_seconds;
    char database_path[4096]; /* "" until the output directory is known */
} rt_summary;

struct clua_runtime {
    logger log;
    rt_summary summary;
    char errmsg[4096];
    rt_options options;
    char directory[4096]; /* clua_directory: what the options name */
    char message[4400];   /* clua_message: what the last reset did */
    volatile sig_atomic_t running; /* clua_sync is running: setters refuse */

    /* One sync's resources; all NULL/-1 between syncs. */
    const rt_options *opt; /* &options while a sync runs, else NULL */
    const char *script_path;
    lua_State *L;
    store *st;
    catalog cat;
    int lock_fd;
    char dir[4096];         /* the directory, or the URL with its password masked */
    char state_path[4200];  /* state.json's copy; "" for PostgreSQL, which has none */
    /* What state.json is known to hold (when state_copy_known): a commit
     * of the same state leaves the file alone, sparing a write and a
     * rename per run of a connector whose state does not change. */
    strbuf state_copy;
    bool state_copy_known;
    pg_url pg;              /* a PostgreSQL destination (conninfo NULL: SQLite) */
    rt_phase phase;

    /* The first store failure, kept: once the database has failed no op
     * may continue, even if the script catches the error. */
    bool store_failed;
    char store_msg[1024];
    /* Memory ran out (Lua's, SQLite's or ours) on the way to a failure:
     * the sync then fails with CLUA_ERROR_NOMEM. */
    bool out_of_memory;

    bool checkpointed;
    /* This run in the journal (journal.h): its id (0: not recorded), the
     * commits made so far, and when it started. */
    long long journal_id;
    int journal_seq;
    char journal_started[32];
    strbuf start_state; /* the state this run started from, as JSON */
    strbuf json;        /* scratch: JSON text being encoded */
    strbuf keys;        /* scratch: the JSON encoder's key sort */
    char msg[2048];     /* scratch: an error being composed */

    /* _fivetran_synced for this millisecond, re-formatted when it moves on */
    int64_t synced_ms;
    char synced[32];

    /* HTTP (lib_http.c): the --record/--replay cassette (NULL without one)
     * and the configuration's secret values, masked as *** (redact.h). */
    struct http_cassette *cassette;
    redact_list secrets;

    /* The op path's caches and scratch (see row.c). */
    bool naming_source; /* keep names as the script wrote them */
    int table_cache;    /* Lua registry ref: name as the script wrote it -> table */
    ptrmap table_names; /* the same by the name's address: the op path's first look */
    int merged;         /* Lua registry ref: the name merges already reported */
    strbuf name;        /* scratch: a normalised name */
    strbuf row_bytes;   /* scratch: the bytes a row's _fivetran_id hashes */
    row_scratch row;    /* what the current op's row asks of the schema */
    /* The op running now (lib_op.c): an op called from inside another (a
     * __gc finalizer, a metamethod) is refused. op_thread is the Lua
     * thread it runs on, kept alive by the registry ref op_anchor. */
    bool op_busy;
    int op_given; /* how many arguments the script gave it */
    lua_State *op_thread;
    int op_anchor;
    progress progress;

    /* What stops a script from outside (watchdog.c). */
    volatile sig_atomic_t interrupted_by; /* the signal, or 0 */
    bool timed_out;
    double deadline; /* CLOCK_MONOTONIC seconds, with a timeout */
    bool memory_limited; /* the script went past --memory-limit */
    bool closing;          /* the Lua state is being closed: finalizers run */
    double close_deadline; /* CLOCK_MONOTONIC seconds they may run until */
    watchdog_timer timer;  /* stops a statement the deadline finds waiting */
    strbuf log_scratch; /* a log line with its secrets masked */
};

/* Keeps the store's error as the sync's failure (the first one wins). */
void rt_store_failed(struct clua_runtime *rt);

/* Raises fmt (an "out of memory" message) as luaL_error does, and marks
 * the sync's failure as one for want of memory (CLUA_ERROR_NOMEM), even
 * if the script catches the error and fails later. */
_Noreturn void rt_raise_nomem(lua_State *L, struct clua_runtime *rt, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* After the JSON codec failed with rc: a failure for want of memory
 * (JSON_NOMEM, json_core.h) marks the sync's too. */
void rt_note_json_error(struct clua_runtime *rt, int rc);

/* The current UTC time as "YYYY-MM-DDTHH:MM:SS.fffZ" (24 bytes). */
const char *rt_now(struct clua_runtime *rt);

/* Commits the current transaction with state (JSON text) saved in it, then
 * replaces state.json and opens the next transaction. Returns 0, or -1
 * with the failure kept (rt_store_failed). */
int rt_commit_state(struct clua_runtime *rt, const char *json, size_t len, bool reopen);

/* Sets the options' defaults (options.c); rt->options is zeroed. */
void rt_options_init(struct clua_runtime *rt);
/* Frees what the options hold. */
void rt_options_free(struct clua_runtime *rt);
/* Writes msg as clua_errmsg and returns status. */
clua_status rt_fail(struct clua_runtime *rt, clua_status status, const char *msg);
/* --output URL parsed into *u (pg_url_free it), its schema the URL's or,
 * by default, the script's name normalised (reset and inspect); a bad URL
 * is CLUA_ERROR_OPTION with the message kept. */
clua_status rt_server_url(struct clua_runtime *rt, pg_url *u);

#endif
