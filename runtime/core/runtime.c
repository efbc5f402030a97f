/* runtime: the public API of connector_lua.h. A sync opens the output
 * directory, its lock and its database, hands the Lua side to script.c,
 * and then commits or rolls back to the last checkpoint. */
#include <errno.h>
#include <lauxlib.h>
#include <stdarg.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cassette_values.h"
#include "files.h"
#include "http_cassette.h"
#include "journal.h"
#include "json_core.h"
#include "names.h"
#include "rt.h"
#include "script.h"
#include "store_pg.h"
#include "store_sqlite.h"
#include "watchdog.h"
#include "util.h"

const char *clua_libversion(void) { return CLUA_VERSION; }

int clua_libversion_number(void) { return CLUA_VERSION_NUMBER; }

const char *clua_errstr(clua_status status) {
    switch (status) {
    case CLUA_OK: return "no error";
    case CLUA_ERROR_INPUT: return "the script, configuration or state file is missing or invalid";
    case CLUA_ERROR_SCRIPT: return "the script failed: a Lua error or a bad op call";
    case CLUA_ERROR_STORE: return "the database or the output directory failed";
    case CLUA_ERROR_BUSY: return "another run is using the output directory";
    case CLUA_ERROR_NOMEM: return "out of memory";
    case CLUA_ERROR_LIMIT: return "the script went past its memory limit or timeout";
    case CLUA_ERROR_INTERRUPTED: return "the sync was interrupted";
    case CLUA_ERROR_NOT_FOUND: return "no such table, sync or key in the database";
    case CLUA_ERROR_OWNER: return "the output directory belongs to another connector";
    case CLUA_ERROR_OPTION: return "an option is unknown, of another type or out of range";
    }
    return "unknown status";
}

clua_runtime *clua_open(void) {
    clua_runtime *rt = calloc(1, sizeof *rt);
    if (!rt) return NULL;
    rt->lock_fd = -1;
    rt_options_init(rt);
    return rt;
}

void clua_close(clua_runtime *rt) {
    if (!rt) return;
    strbuf_free(&rt->start_state);
    strbuf_free(&rt->state_copy);
    strbuf_free(&rt->json);
    strbuf_free(&rt->keys);
    strbuf_free(&rt->name);
    strbuf_free(&rt->row_bytes);
    strbuf_free(&rt->log_scratch);
    redact_free(&rt->secrets);
    rt_options_free(rt);
    free(rt);
}

void clua_interrupt(clua_runtime *rt, int signo) { watchdog_interrupt(rt, signo); }

long long clua_count(const clua_runtime *rt, clua_counter counter) {
    const rt_summary *s = &rt->summary;
    switch (counter) {
    case CLUA_COUNT_UPSERTS: return s->upserts;
    case CLUA_COUNT_UPDATES: return s->updates;
    case CLUA_COUNT_DELETES: return s->deletes;
    case CLUA_COUNT_TRUNCATES: return s->truncates;
    case CLUA_COUNT_SCHEMA_CHANGES: return s->schema_changes;
    case CLUA_COUNT_CHECKPOINTS: return s->checkpoints;
    case CLUA_COUNT_COMMITTED_UPSERTS: return s->committed_upserts;
    case CLUA_COUNT_COMMITTED_UPDATES: return s->committed_updates;
    case CLUA_COUNT_COMMITTED_DELETES: return s->committed_deletes;
    case CLUA_COUNT_COMMITTED_TRUNCATES: return s->committed_truncates;
    }
    return -1;
}

double clua_elapsed(const clua_runtime *rt) { return rt->summary.elapsed_seconds; }

const char *clua_database_path(const clua_runtime *rt) { return rt->summary.database_path; }

const char *clua_state_path(const clua_runtime *rt) { return rt->state_path; }

const char *clua_message(const clua_runtime *rt) { return rt->message; }

const char *clua_errmsg(const clua_runtime *rt) { return rt->errmsg; }

/* The script's file name, which names its connector ("orders.lua"). */
static const char *script_name(const char *script) {
    const char *base = strrchr(script, '/');
    return base ? base + 1 : script;
}

const char *rt_now(struct clua_runtime *rt) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    if (ms != rt->synced_ms) {
        struct tm tm;
        gmtime_r(&ts.tv_sec, &tm);
        snprintf(rt->synced, sizeof rt->synced, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                 (int)(ms % 1000));
        rt->synced_ms = ms;
    }
    return rt->synced;
}

void rt_store_failed(struct clua_runtime *rt) {
    if (rt->store_failed) return;
    rt->store_failed = true;
    if (store_out_of_memory(rt->st)) rt->out_of_memory = true;
    snprintf(rt->store_msg, sizeof rt->store_msg, "%s", store_error(rt->st));
}

_Noreturn void rt_raise_nomem(lua_State *L, struct clua_runtime *rt, const char *fmt, ...) {
    rt->out_of_memory = true;
    va_list ap;
    va_start(ap, fmt);
    luaL_where(L, 1);
    lua_pushvfstring(L, fmt, ap);
    va_end(ap);
    lua_concat(L, 2);
    lua_error(L);
    abort(); /* lua_error does not return */
}

void rt_note_json_error(struct clua_runtime *rt, int rc) {
    if (rc == JSON_NOMEM) rt->out_of_memory = true;
}

static void keep_failure(struct clua_runtime *rt, const char *msg) {
    if (rt->store_failed) return;
    rt->store_failed = true;
    snprintf(rt->store_msg, sizeof rt->store_msg, "%s", msg);
}

/* Records the commit about to be made in the journal (state NULL: the
 * saved one), inside its transaction; final when update() has returned. */
static int journal_row(struct clua_runtime *rt, const char *json, size_t len, bool final) {
    if (!rt->journal_id) return 0;
    return journal_checkpoint(rt->st, rt->journal_id, ++rt->journal_seq, rt_now(rt), json, len,
                              final, &rt->cat);
}

/* After a commit: the rows its ops changed are now committed. */
static void journal_done(struct clua_runtime *rt) {
    long long c[JOURNAL_KINDS] = {0};
    journal_committed(&rt->cat, c);
    rt->summary.committed_upserts += c[JOURNAL_UPSERTED];
    rt->summary.committed_updates += c[JOURNAL_UPDATED];
    rt->summary.committed_deletes += c[JOURNAL_DELETED];
    rt->summary.committed_truncates += c[JOURNAL_TRUNCATED];
}

/* Records that state.json holds json (len bytes); a failure to keep the
 * copy only means the next commit writes the file again. */
static void state_copy_is(clua_runtime *rt, const char *json, size_t len) {
    strbuf_clear(&rt->state_copy);
    rt->state_copy_known = strbuf_append(&rt->state_copy, json, len) == 0;
}

/* Makes state.json hold json, unless it is known to already. */
static int copy_state(clua_runtime *rt, const char *json, size_t len, char *err, size_t errlen) {
    if (rt->state_copy_known && rt->state_copy.len == len &&
        memcmp(strbuf_cstr(&rt->state_copy), json, len) == 0)
        return 0;
    rt->state_copy_known = false;
    if (files_replace(rt->state_path, json, len, err, errlen) != 0) return -1;
    state_copy_is(rt, json, len);
    return 0;
}

int rt_commit_state(struct clua_runtime *rt, const char *json, size_t len, bool reopen) {
    if (journal_row(rt, json, len, !reopen) != 0 || store_save_state(rt->st, json, len) != 0 ||
        store_commit(rt->st) != 0) {
        rt_store_failed(rt);
        return -1;
    }
    journal_done(rt);
    rt->checkpointed = true;
    /* The database holds the truth; state.json is a readable copy, written
     * after the commit so it never shows a state the data does not have. */
    char err[512];
    if (rt->state_path[0] && copy_state(rt, json, len, err, sizeof err) != 0) {
        keep_failure(rt, err);
        return -1;
    }
    if (reopen && store_begin(rt->st) != 0) {
        rt_store_failed(rt);
        return -1;
    }
    return 0;
}

static clua_status fail(clua_runtime *rt, clua_status status, const char *msg) {
    snprintf(rt->errmsg, sizeof rt->errmsg, "%s", msg);
    return status;
}

clua_status rt_fail(clua_runtime *rt, clua_status status, const char *msg) {
    return fail(rt, status, msg);
}

/* A failure of the store, with its message: CLUA_ERROR_NOMEM when it was
 * for want of memory, CLUA_ERROR_STORE otherwise. */
static clua_status store_failure(clua_runtime *rt, const char *msg) {
    if (store_out_of_memory(rt->st)) rt->out_of_memory = true;
    return fail(rt, rt->out_of_memory ? CLUA_ERROR_NOMEM : CLUA_ERROR_STORE, msg);
}

/* clua_errmsg shows no secret either: an embedder prints it, and the
 * command's JSON summary carries it. The masked text is cut to errmsg's
 * size as any message is. */
static void mask_errmsg(clua_runtime *rt) {
    if (rt->secrets.n == 0) return;
    strbuf masked = STRBUF_INIT;
    if (redact_text(&rt->secrets, rt->errmsg, strlen(rt->errmsg), &masked) == 0)
        snprintf(rt->errmsg, sizeof rt->errmsg, "%s", strbuf_cstr(&masked));
    else
        snprintf(rt->errmsg, sizeof rt->errmsg,
                 "out of memory masking the error message (not shown: it may hold a secret)");
    strbuf_free(&masked);
}

static bool stop_asked(void *rt) { return ((clua_runtime *)rt)->interrupted_by != 0; }

/* An input file (what names it, and its path) read whole. A read that
 * SIGINT or SIGTERM ends (a FIFO no one writes to) is CLUA_ERROR_INTERRUPTED,
 * so the command ends with the signal's exit status. */
static clua_status read_input(clua_runtime *rt, const char *what, const char *path, char **out,
                              size_t *len) {
    char err[1024];
    int rc = files_read_or_stop(path, out, len, stop_asked, rt, err, sizeof err);
    if (rc == 0) return CLUA_OK;
    if (rc == FILES_NOMEM) {
        rt->out_of_memory = true;
        return fail(rt, CLUA_ERROR_NOMEM, err);
    }
    if (rc == -1 && strcmp(what, "cassette") == 0) { /* as http_cassette_open says it */
        char msg[1100];
        snprintf(msg, sizeof msg, "cassette: %s", err);
        return fail(rt, CLUA_ERROR_INPUT, msg);
    }
    if (rc == -2) {
        int signo = rt->interrupted_by;
        snprintf(err, sizeof err, "interrupted by %s while reading the %s file %s",
                 signo == SIGINT ? "SIGINT" : signo == SIGTERM ? "SIGTERM" : "a signal", what,
                 path);
        return fail(rt, CLUA_ERROR_INTERRUPTED, err);
    }
    return fail(rt, CLUA_ERROR_INPUT, err);
}

/* Reads the script's inputs before anything is opened: a bad file costs nothing. */
static clua_status read_inputs(clua_runtime *rt, const rt_options *opt, char **config,
                               size_t *config_len, char **state, size_t *state_len,
                               char **cassette, size_t *cassette_len) {
    char err[1024];
    struct stat sb;
    if (stat(opt->script, &sb) != 0) {
        snprintf(err, sizeof err, "cannot read script %s: %s", opt->script, strerror(errno));
        return fail(rt, CLUA_ERROR_INPUT, err);
    }
    if (S_ISDIR(sb.st_mode)) {
        snprintf(err, sizeof err, "cannot read script %s: it is a directory", opt->script);
        return fail(rt, CLUA_ERROR_INPUT, err);
    }
    if (access(opt->script, R_OK) != 0) {
        snprintf(err, sizeof err, "cannot read script %s: %s", opt->script, strerror(errno));
        return fail(rt, CLUA_ERROR_INPUT, err);
    }
    clua_status status = CLUA_OK;
    if (opt->configuration_file)
        status = read_input(rt, "configuration", opt->configuration_file, config, config_len);
    if (status == CLUA_OK && opt->state_file)
        status = read_input(rt, "state", opt->state_file, state, state_len);
    /* The --replay cassette, read as the other inputs are: a FIFO no one
     * writes to waits only until a signal. */
    if (status == CLUA_OK && opt->replay_file && !opt->record_file)
        status = read_input(rt, "cassette", opt->replay_file, cassette, cassette_len);
    return status;
}

/* A database belongs to the script (by file name) that made it: another
 * script is refused before it runs, unless it takes the database over. A
 * database without an owner (made before owners were recorded, or whose
 * first run failed before any commit) is adopted: *adopt is set, and the
 * caller writes the owner in this run's first transaction, so it is kept
 * with the first checkpoint. Nothing is written here. */
static clua_status claim_destination(clua_runtime *rt, bool *adopt) {
    char owner[1024], msg[4096 + 2400];
    const char *name = script_name(rt->opt->script);
    if (store_owner(rt->st, owner, sizeof owner) != 0)
        return store_failure(rt, store_error(rt->st));
    *adopt = false;
    if (strcmp(owner, name) == 0) return CLUA_OK;
    if (owner[0] && !rt->opt->take_over && rt->pg.conninfo) {
        /* The URL quoted: its & would end a shell command. */
        snprintf(msg, sizeof msg,
                 "PostgreSQL schema \"%s\" of %s belongs to the connector \"%s\", not \"%s\": "
                 "name another schema (?schema=NAME), empty it with 'connector-lua reset --output "
                 "\"URL\" --yes' (its URL with ?schema=%s), or pass --take-over to give it to "
                 "\"%s\"",
                 rt->pg.schema, rt->pg.display, owner, name, rt->pg.schema, name);
        return fail(rt, CLUA_ERROR_OWNER, msg);
    }
    if (owner[0] && !rt->opt->take_over) {
        snprintf(msg, sizeof msg,
                 "%s belongs to the connector \"%s\", not \"%s\": use another --output, empty "
                 "it with 'connector-lua reset --output %s', or pass --take-over to give it to "
                 "\"%s\"",
                 rt->dir, owner, name, rt->dir, name);
        return fail(rt, CLUA_ERROR_OWNER, msg);
    }
    /* A URL without ?schema= does not name the schema: the runtime chose it. */
    if (owner[0] && rt->pg.conninfo)
        log_printf(&rt->log, CLUA_LOG_WARNING, "WARNING",
                   "--take-over: PostgreSQL schema \"%s\" of %s belonged to the connector "
                   "\"%s\"; it is now \"%s\"'s",
                   rt->pg.schema, rt->pg.display, owner, name);
    else if (owner[0])
        log_printf(&rt->log, CLUA_LOG_WARNING, "WARNING",
                   "--take-over: %s belonged to the connector \"%s\"; it is now \"%s\"'s",
                   rt->dir, owner, name);
    *adopt = true;
    return CLUA_OK;
}

/* Where this sync writes: a directory's warehouse.db, with state.json
 * beside it, or a schema of a PostgreSQL database (--output
 * postgresql://...), whose URL is checked here, before any input is read,
 * and shown from here on only with its password masked. The schema is
 * the URL's `schema` parameter, or the connector's name: the script's
 * file name normalised as a table name is ("Orders-EU.lua": orders_eu). */
static clua_status name_destination(clua_runtime *rt) {
    const char *target = rt->opt->output_dir;
    char msg[2100];
    /* Nothing of an earlier sync's destination carries over (a runtime
     * may sync more than once). */
    rt->state_path[0] = '\0';
    rt->state_copy_known = false;
    if (pg_url_almost(target)) {
        snprintf(msg, sizeof msg,
                 "--output %.1000s: a PostgreSQL URL begins postgresql:// (or postgres://), "
                 "e.g. postgresql:///warehouse; for a directory of that name, write ./%.1000s",
                 rt->directory, rt->directory);
        return fail(rt, CLUA_ERROR_OPTION, msg);
    }
    if (!target || !pg_url_is(target)) {
        snprintf(rt->dir, sizeof rt->dir, "%s", rt->directory);
        snprintf(rt->summary.database_path, sizeof rt->summary.database_path,
                 "%s/warehouse.db", rt->dir);
        snprintf(rt->state_path, sizeof rt->state_path, "%s/state.json", rt->dir);
        return CLUA_OK;
    }
    clua_status status = rt_server_url(rt, &rt->pg);
    if (status == CLUA_ERROR_NOMEM) rt->out_of_memory = true;
    if (status == CLUA_ERROR_STORE) {
        /* libpq cannot be loaded: the summary names the server as a failed
         * connection's does, by the URL masked without libpq's help. */
        snprintf(rt->summary.database_path, sizeof rt->summary.database_path, "%s",
                 rt->directory);
    }
    if (status != CLUA_OK) return status;
    snprintf(rt->dir, sizeof rt->dir, "%s", rt->pg.display);
    snprintf(rt->summary.database_path, sizeof rt->summary.database_path, "%s, schema \"%s\"",
             rt->pg.display, rt->pg.schema);
    rt->state_path[0] = '\0'; /* the state is in the database only */
    return CLUA_OK;
}

/* An interrupt or the deadline, for a wait outside Lua (the store's open
 * waiting for a killed run's lock) before the deadline's timer has a
 * store to stop. */
static bool stop_pending(void *rt) { return watchdog_stop_pending(rt); }

/* The store's open stopped by an interrupt or the deadline while it
 * waited (what says what it waited for): the stop's status and message,
 * as the script's hook would give them. */
static clua_status open_stopped(clua_runtime *rt, const char *what) {
    if (!rt->interrupted_by) rt->timed_out = true;
    char stop[160], msg[1400];
    watchdog_stop_message(rt, stop, sizeof stop);
    snprintf(msg, sizeof msg, "%s while %s", stop, what);
    return fail(rt, rt->interrupted_by ? CLUA_ERROR_INTERRUPTED : CLUA_ERROR_LIMIT, msg);
}

/* Opens the store the options name: a directory (made if need be), its
 * lock and its warehouse.db; or a PostgreSQL schema, whose lock the store
 * takes on the server. */
static clua_status open_store(clua_runtime *rt, const char *db_path) {
    char err[1024];
    store_open_status why;
    if (rt->pg.conninfo) {
        char holder[256];
        snprintf(holder, sizeof holder, "connector-lua %s, pid %ld", script_name(rt->opt->script),
                 (long)getpid());
        rt->st = store_pg_open_stoppable(rt->pg.conninfo, rt->pg.schema, holder, stop_pending,
                                         rt, err, sizeof err, &why);
        if (why == STORE_OPEN_STOPPED) return open_stopped(rt, err);
    } else {
        if (files_mkdirs(rt->dir, err, sizeof err) != 0) return fail(rt, CLUA_ERROR_STORE, err);
        rt->lock_fd = files_lock(rt->dir, err, sizeof err);
        if (rt->lock_fd == -2) return fail(rt, CLUA_ERROR_BUSY, err);
        if (rt->lock_fd < 0) return fail(rt, CLUA_ERROR_STORE, err);
        rt->st = store_sqlite_open(db_path, err, sizeof err, &why);
    }
    if (rt->st) {
        watchdog_timer_attach(rt, rt->st); /* the deadline stops its statements too */
        return CLUA_OK;
    }
    if (why == STORE_OPEN_NOMEM) rt->out_of_memory = true;
    return fail(rt,
                why == STORE_OPEN_NOMEM  ? CLUA_ERROR_NOMEM
                : why == STORE_OPEN_BUSY ? CLUA_ERROR_BUSY
                                         : CLUA_ERROR_STORE,
                err);
}

/* Opens the output directory, its lock and its database, checks that the
 * database belongs to this script, records the run in the journal
 * (committed at once, so a run killed outright is seen), and begins the
 * first transaction. */
static clua_status open_destination(clua_runtime *rt, const char *db_path) {
    clua_status status = open_store(rt, db_path);
    if (status != CLUA_OK) return status;
    if (rt->opt->durable && store_set_durable(rt->st) != 0)
        return store_failure(rt, store_error(rt->st));
    bool adopt = false;
    status = claim_destination(rt, &adopt);
    if (status == CLUA_ERROR_OWNER) {
        /* Nothing was done, so there is nothing to roll back or report. */
        watchdog_timer_attach(rt, NULL);
        store_close(rt->st, &rt->cat);
        rt->st = NULL;
    }
    if (status != CLUA_OK) return status;
    /* The catalog is read (and an older database upgraded) first: a
     * database found damaged there is rolled back and never written to.
     * The journal's row is then committed with it, before the script runs. */
    long long id;
    snprintf(rt->journal_started, sizeof rt->journal_started, "%s", rt_now(rt));
    if (store_begin(rt->st) != 0 || store_load_catalog(rt->st, &rt->cat) != 0 ||
        journal_begin(rt->st, script_name(rt->opt->script), rt->journal_started, &id) != 0 ||
        store_commit(rt->st) != 0)
        return store_failure(rt, store_error(rt->st));
    rt->journal_id = id;
    if (store_begin(rt->st) != 0) return store_failure(rt, store_error(rt->st));
    if (adopt && store_set_owner(rt->st, script_name(rt->opt->script)) != 0)
        return store_failure(rt, store_error(rt->st));
    return CLUA_OK;
}

static clua_status status_of_script_failure(const clua_runtime *rt) {
    if (rt->interrupted_by) return CLUA_ERROR_INTERRUPTED;
    if (rt->timed_out || rt->memory_limited) return CLUA_ERROR_LIMIT;
    if (rt->out_of_memory) return CLUA_ERROR_NOMEM;
    if (rt->store_failed) return CLUA_ERROR_STORE;
    if (rt->phase == RT_PHASE_INPUT) return CLUA_ERROR_INPUT;
    return CLUA_ERROR_SCRIPT;
}

/* How a failed run is recorded in the journal. */
static const char *journal_status(clua_status status) {
    switch (status) {
    case CLUA_ERROR_INTERRUPTED: return "interrupted";
    case CLUA_ERROR_LIMIT: return "limit";
    default: return "failed";
    }
}

clua_status clua_sync(clua_runtime *rt) {
    if (rt->running) return CLUA_ERROR_BUSY; /* called from its own log callback */
    const rt_options *opt = &rt->options; /* the setters checked every value */
    double t0 = util_mono_seconds();
    memset(&rt->summary, 0, sizeof rt->summary);
    rt->errmsg[0] = '\0';
    rt->message[0] = '\0';
    rt->running = 1;
    rt->opt = opt;
    rt->script_path = opt->script;
    rt->phase = RT_PHASE_SETUP;
    rt->store_failed = false;
    rt->out_of_memory = false;
    rt->checkpointed = false;
    rt->journal_id = 0;
    rt->journal_seq = 0;
    rt->synced_ms = -1;
    rt->naming_source = opt->naming_source != 0;
    rt->interrupted_by = 0;
    rt->timed_out = false;
    rt->memory_limited = false;
    redact_clear(&rt->secrets); /* this sync's are collected with its configuration */
    rt->deadline = t0 + opt->timeout_seconds;
    /* The progress line goes to stderr, so only when log lines do too, and
     * not between JSON lines. */
    progress_start(&rt->progress, opt->progress && !opt->log_fn && !opt->log_json);
    rt->log = (logger){opt->log_level, opt->log_fn,  opt->log_user,
                       &rt->progress,  &rt->secrets, &rt->log_scratch,
                       opt->log_json && !opt->log_fn};
    int timer_err = watchdog_timer_start(rt);
    if (timer_err != 0)
        log_printf(&rt->log, CLUA_LOG_WARNING, "WARNING",
                   "--timeout: no timer thread (%s): a statement that waits on the database "
                   "is not stopped at the deadline",
                   strerror(timer_err));

    char *config = NULL, *state = NULL, *cassette = NULL;
    size_t config_len = 0, state_len = 0, cassette_len = 0;
    strbuf saved_state = STRBUF_INIT;
    clua_status status;
    bool ran = false; /* script_run was reached: a recording is finished */
    if (!opt->script) {
        status = fail(rt, CLUA_ERROR_OPTION, "clua_sync needs CLUA_OPT_SCRIPT");
        goto done;
    }
    if (opt->record_file && opt->replay_file) { /* before any input is read */
        status = fail(rt, CLUA_ERROR_OPTION,
                      "CLUA_OPT_RECORD_FILE and CLUA_OPT_REPLAY_FILE do not go together");
        goto done;
    }
    status = name_destination(rt);
    if (status != CLUA_OK) goto done;

    status = read_inputs(rt, opt, &config, &config_len, &state, &state_len, &cassette,
                         &cassette_len);
    if (status != CLUA_OK) goto done;
    char config_source[4300], state_source[4300];
    snprintf(config_source, sizeof config_source, "file %s",
             opt->configuration_file ? opt->configuration_file : "");
    snprintf(state_source, sizeof state_source, "file %s", opt->state_file ? opt->state_file : "");
    script_inputs in = {
        .configuration = config ? config : "{}",
        .configuration_source = config_source,
        .configuration_len = config ? config_len : 2,
        .state = state,
        .state_source = state_source,
        .state_len = state_len,
    };
    /* Every input is checked (JSON decoded, script compiled) before the
     * output directory, its lock or its database is made: bad input
     * creates nothing. */
    if (script_open(rt, &in) != 0) {
        status = status_of_script_failure(rt);
        goto done;
    }
    /* After the inputs: recording starts a new cassette file (replacing
     * one), which bad input must not cost. No request is made before. */
    if (opt->record_file || opt->replay_file) {
        char err[1024];
        rt->cassette =
            cassette ? http_cassette_replay_text(opt->replay_file, cassette, cassette_len, err,
                                                 sizeof err)
                     : http_cassette_open(opt->record_file, opt->replay_file, err, sizeof err);
        bool nomem = !rt->cassette && errno == ENOMEM;
        free(cassette); /* loaded: the text is not needed any more */
        cassette = NULL;
        if (!rt->cassette) {
            rt->out_of_memory = nomem;
            status = fail(rt, nomem ? CLUA_ERROR_NOMEM : CLUA_ERROR_INPUT, err);
            goto done;
        }
    }
    status = open_destination(rt, rt->summary.database_path);
    if (status != CLUA_OK) goto done;

    if (!state) {
        bool found;
        snprintf(state_source, sizeof state_source, "saved in %s", rt->summary.database_path);
        if (store_load_state(rt->st, &saved_state, &found) != 0) {
            status = store_failure(rt, store_error(rt->st));
            goto done;
        }
        if (!found && strbuf_puts(&saved_state, "{}") != 0) {
            status = fail(rt, CLUA_ERROR_NOMEM, "out of memory");
            goto done;
        }
        /* A run killed between its commit and the rename left state.json
         * behind the database: bring the copy up to date first. Read
         * before written: mostly it holds the saved state already. */
        char err[512];
        if (found && rt->state_path[0] &&
            files_holds(rt->state_path, saved_state.p, saved_state.len))
            state_copy_is(rt, saved_state.p, saved_state.len);
        else if (found && rt->state_path[0] &&
                 copy_state(rt, saved_state.p, saved_state.len, err, sizeof err) != 0)
            log_line(&rt->log, CLUA_LOG_WARNING, "WARNING", err);
        in.state = strbuf_cstr(&saved_state);
        in.state_len = saved_state.len;
    }
    ran = true;
    if (script_run(rt, &in) != 0) {
        status = status_of_script_failure(rt);
    } else if (rt->interrupted_by) {
        /* The signal came after update() returned: stop all the same. */
        status = fail(rt, CLUA_ERROR_INTERRUPTED, "interrupted before the final commit");
    } else if (rt->store_failed) {
        /* The script caught an op's database error and went on: still a failure. */
        status = fail(rt, rt->out_of_memory ? CLUA_ERROR_NOMEM : CLUA_ERROR_STORE, rt->store_msg);
    } else {
        /* The final commit. Without a checkpoint the run keeps the state it
         * started from, saved so that --state FILE carries over. */
        bool saved = rt->checkpointed;
        char msg[1400];
        if (!saved && rt_commit_state(rt, strbuf_cstr(&rt->start_state), rt->start_state.len,
                                      false) != 0) {
            snprintf(msg, sizeof msg, "%s: final commit: %s", opt->script, rt->store_msg);
            status = fail(rt, rt->out_of_memory ? CLUA_ERROR_NOMEM : CLUA_ERROR_STORE, msg);
        } else if (saved && (journal_row(rt, NULL, 0, true) != 0 || store_commit(rt->st) != 0)) {
            snprintf(msg, sizeof msg, "%s: final commit: %s", opt->script, store_error(rt->st));
            status = store_failure(rt, msg);
        } else if (saved) {
            journal_done(rt);
        }
    }

done:
    /* A statement the deadline stopped (one waiting on the server) failed
     * with the store's words ("canceling statement due to user request"):
     * the sync ran out of time, and says so as the hook would have. A
     * failure of its own after the deadline (a connection that timed out)
     * keeps its words. */
    if (watchdog_timer_stop(rt) && status != CLUA_OK && status != CLUA_ERROR_LIMIT &&
        status != CLUA_ERROR_OPTION && !rt->interrupted_by && rt->st && store_cancelled(rt->st)) {
        char stop[160];
        rt->timed_out = true;
        watchdog_stop_message(rt, stop, sizeof stop);
        snprintf(rt->errmsg, sizeof rt->errmsg, "%s: %s", opt->script, stop);
        status = CLUA_ERROR_LIMIT;
    }
    if (rt->cassette && !ran) {
        http_cassette_abandon(rt->cassette); /* the cassette there stays as it was */
        rt->cassette = NULL;
    }
    if (rt->cassette) {
        char err[1024];
        int rc = http_cassette_close(rt->cassette, &rt->log, err, sizeof err);
        if (rc != 0 && status == CLUA_OK)
            status = fail(rt, rc == CASSETTE_NOMEM ? CLUA_ERROR_NOMEM : CLUA_ERROR_STORE, err);
        rt->cassette = NULL;
    }
    if (status != CLUA_OK) {
        mask_errmsg(rt);
        log_line(&rt->log, CLUA_LOG_SEVERE, "SEVERE", rt->errmsg);
    }
    if (status != CLUA_OK && rt->st) {
        store_rollback(rt->st);
        log_printf(&rt->log, CLUA_LOG_INFO, "INFO",
                   "rolled back: the database is as the last checkpoint left it");
        /* After the rollback, in a transaction of its own; if even that
         * fails (a full disk), the sync's own error is the one reported. */
        if (rt->journal_id &&
            journal_end(rt->st, rt->journal_id, rt_now(rt), journal_status(status), rt->errmsg) != 0)
            log_printf(&rt->log, CLUA_LOG_WARNING, "WARNING",
                       "the journal could not record how this run ended: %s",
                       store_error(rt->st));
    }
    script_close(rt); /* still open when the sync failed before script_run */
    /* Detach, then close: from here a signal's clua_interrupt finds no
     * store, and never reaches a connection being closed. */
    store *st = rt->st;
    rt->st = NULL;
    atomic_signal_fence(memory_order_seq_cst);
    store_close(st, &rt->cat);
    catalog_free(&rt->cat);
    files_unlock(rt->lock_fd);
    rt->lock_fd = -1;
    pg_url_free(&rt->pg);
    free(config);
    free(state);
    free(cassette);
    strbuf_free(&saved_state);
    rt->opt = NULL;
    progress_hide(&rt->progress);
    rt->progress.on = false;
    rt->summary.elapsed_seconds = util_mono_seconds() - t0;
    rt->running = 0;
    return status;
}

clua_status rt_server_url(clua_runtime *rt, pg_url *u) {
    rt_options *o = &rt->options;
    const char *script = o->script ? o->script : "";
    const char *base = script_name(script);
    size_t n = strlen(base);
    if (n > 4 && strcmp(base + n - 4, ".lua") == 0) n -= 4;
    strbuf schema = STRBUF_INIT;
    char err[2048], msg[2100];
    pg_url_status rc = names_normalize(base, n, true, &schema) != 0
                           ? PG_URL_NOMEM
                           : pg_url_parse(o->output_dir, strbuf_cstr(&schema), u, err, sizeof err);
    strbuf_free(&schema);
    if (rc == PG_URL_NOMEM) return fail(rt, CLUA_ERROR_NOMEM, "out of memory");
    if (rc == PG_URL_NOLIB) return fail(rt, CLUA_ERROR_STORE, err);
    if (rc != PG_URL_OK) {
        snprintf(msg, sizeof msg, "--output %s", err);
        return fail(rt, CLUA_ERROR_OPTION, msg);
    }
    return CLUA_OK;
}

/* A reset's stop: an interrupt only (a reset has no deadline). */
static bool reset_stop_pending(void *rt) { return ((clua_runtime *)rt)->interrupted_by != 0; }

/* clua_reset of a PostgreSQL schema: the connector's tables and the
 * runtime's own are dropped under the schema's lock (store_pg_reset). An
 * interrupt ends the wait for a killed run's lock, as it ends a sync's,
 * and cancels the drop (the store is attached for it): one transaction,
 * so nothing is dropped. */
static clua_status reset_server(clua_runtime *rt) {
    pg_url u = {0};
    char err[2048];
    clua_status status = rt_server_url(rt, &u);
    if (status != CLUA_OK) return status;
    char holder[256];
    snprintf(holder, sizeof holder, "connector-lua reset, pid %ld", (long)getpid());
    store_open_status why;
    bool missing;
    rt->interrupted_by = 0;
    store *st = store_pg_open_existing(u.conninfo, u.schema, holder, reset_stop_pending, rt, err,
                                       sizeof err, &why, &missing);
    int dropped = 0;
    if (st) {
        rt->st = st;
        atomic_signal_fence(memory_order_seq_cst);
    }
    if (missing)
        snprintf(rt->message, sizeof rt->message,
                 "nothing to reset: schema \"%s\" does not exist in %s", u.schema, u.display);
    else if (!st && why == STORE_OPEN_STOPPED)
        status = open_stopped(rt, err);
    else if (!st)
        status = fail(rt,
                      why == STORE_OPEN_NOMEM  ? CLUA_ERROR_NOMEM
                      : why == STORE_OPEN_BUSY ? CLUA_ERROR_BUSY
                                               : CLUA_ERROR_STORE,
                      err);
    else if (!rt->interrupted_by && store_pg_reset(st, &dropped) == 0)
        /* Done, even if an interrupt came once it was committed. */
        snprintf(rt->message, sizeof rt->message,
                 "dropped %d table%s of the connector and the runtime's own tables from schema "
                 "\"%s\" of %s",
                 dropped, dropped == 1 ? "" : "s", u.schema, u.display);
    else if (rt->interrupted_by) {
        /* Before the drop, or its statement cancelled: rolled back. */
        char stop[160], msg[1400];
        watchdog_stop_message(rt, stop, sizeof stop);
        snprintf(msg, sizeof msg, "%s: nothing was dropped from schema \"%s\" of %s", stop,
                 u.schema, u.display);
        status = fail(rt, CLUA_ERROR_INTERRUPTED, msg);
    } else
        status = fail(rt, store_out_of_memory(st) ? CLUA_ERROR_NOMEM : CLUA_ERROR_STORE,
                      store_error(st));
    /* Detached before it is closed, as clua_sync does. */
    rt->st = NULL;
    atomic_signal_fence(memory_order_seq_cst);
    store_close(st, NULL);
    pg_url_free(&u);
    return status;
}

clua_status clua_reset(clua_runtime *rt) {
    if (rt->running) return CLUA_ERROR_BUSY;
    const char *dir = rt->directory;
    char *msg = rt->message;
    size_t msg_size = sizeof rt->message;
    rt->errmsg[0] = '\0';
    msg[0] = '\0';
    if (!dir[0])
        return fail(rt, CLUA_ERROR_OPTION, "reset needs CLUA_OPT_OUTPUT_DIR or CLUA_OPT_SCRIPT");
    if (rt->options.output_dir && pg_url_is(rt->options.output_dir)) return reset_server(rt);
    struct stat sb;
    if (lstat(dir, &sb) != 0 && errno == ENOENT) {
        snprintf(msg, msg_size, "nothing to reset: %s does not exist", dir);
        return CLUA_OK;
    }
    char err[4400];
    /* A link at dir is not followed: reset would remove another
     * directory's files. */
    if (files_check_dir(dir, err, sizeof err) != 0) return fail(rt, CLUA_ERROR_STORE, err);
    int fd = files_lock(dir, err, sizeof err);
    if (fd == -2) return fail(rt, CLUA_ERROR_BUSY, err);
    if (fd < 0) return fail(rt, CLUA_ERROR_STORE, err);
    static const char *const names[] = {"warehouse.db", "warehouse.db-wal", "warehouse.db-shm",
                                        "state.json", "state.json.tmp"};
    clua_status status = CLUA_OK;
    int removed = 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (unlink(path) == 0) removed++;
        else if (errno != ENOENT) {
            snprintf(err, sizeof err, "cannot remove %s: %s", path, strerror(errno));
            status = fail(rt, CLUA_ERROR_STORE, err);
            break;
        }
    }
    if (status == CLUA_OK) {
        if (removed) snprintf(msg, msg_size, "removed warehouse.db and state.json from %s", dir);
        else snprintf(msg, msg_size, "nothing to reset in %s", dir);
    }
    files_unlock(fd);
    return status;
}
