/* options: connector_lua.h's CLUA_OPT_* and their typed setters. Each
 * option has one type; a setter checks the option, its type and its range
 * before anything changes, copies strings, and on a refusal leaves the
 * option as it was with clua_errmsg saying what is allowed. The runtime
 * reads the values from rt->options (rt.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt.h"

/* The longest path an option takes: the output directory's files
 * ("DIR/warehouse.db-wal") must still fit the runtime's 4096-byte paths. */
#define MAX_PATH 4000

typedef enum opt_type { T_STRING, T_INT, T_DOUBLE, T_LIST } opt_type;

/* Each option's name, type and what it allows, in clua_option's order
 * (checked by option_info). */
typedef struct opt_info {
    clua_option id;
    const char *name;
    opt_type type;
    const char *allowed; /* "must be ..." */
} opt_info;

static const char flag[] = "0 or 1";
static const opt_info infos[] = {
    {CLUA_OPT_SCRIPT, "CLUA_OPT_SCRIPT", T_STRING, "a path"},
    {CLUA_OPT_CONFIGURATION_FILE, "CLUA_OPT_CONFIGURATION_FILE", T_STRING, "a path"},
    {CLUA_OPT_STATE_FILE, "CLUA_OPT_STATE_FILE", T_STRING, "a path"},
    {CLUA_OPT_OUTPUT_DIR, "CLUA_OPT_OUTPUT_DIR", T_STRING, "a path"},
    {CLUA_OPT_RECORD_FILE, "CLUA_OPT_RECORD_FILE", T_STRING, "a path"},
    {CLUA_OPT_REPLAY_FILE, "CLUA_OPT_REPLAY_FILE", T_STRING, "a path"},
    {CLUA_OPT_LOG_LEVEL, "CLUA_OPT_LOG_LEVEL", T_INT,
     "CLUA_LOG_FINE (0), CLUA_LOG_INFO (1), CLUA_LOG_WARNING (2) or CLUA_LOG_SEVERE (3)"},
    {CLUA_OPT_LOG_JSON, "CLUA_OPT_LOG_JSON", T_INT, flag},
    {CLUA_OPT_NAMING_SOURCE, "CLUA_OPT_NAMING_SOURCE", T_INT, flag},
    {CLUA_OPT_PROGRESS, "CLUA_OPT_PROGRESS", T_INT, flag},
    {CLUA_OPT_DURABLE, "CLUA_OPT_DURABLE", T_INT, flag},
    {CLUA_OPT_SANDBOX, "CLUA_OPT_SANDBOX", T_INT, flag},
    {CLUA_OPT_STRICT, "CLUA_OPT_STRICT", T_INT, flag},
    {CLUA_OPT_TAKE_OVER, "CLUA_OPT_TAKE_OVER", T_INT, flag},
    {CLUA_OPT_MEMORY_LIMIT_MB, "CLUA_OPT_MEMORY_LIMIT_MB", T_DOUBLE,
     "a number of megabytes from 0 (no limit) to 1000000000"},
    {CLUA_OPT_TIMEOUT_SECONDS, "CLUA_OPT_TIMEOUT_SECONDS", T_DOUBLE,
     "a number of seconds from 0 (no limit) to 1000000000"},
    {CLUA_OPT_INSPECT_VIEW, "CLUA_OPT_INSPECT_VIEW", T_INT,
     "CLUA_INSPECT_DATA (0), CLUA_INSPECT_SYNCS (1) or CLUA_INSPECT_CHANGES (2)"},
    {CLUA_OPT_INSPECT_TABLE, "CLUA_OPT_INSPECT_TABLE", T_STRING, "a table's name"},
    {CLUA_OPT_INSPECT_LIMIT, "CLUA_OPT_INSPECT_LIMIT", T_INT,
     "a number of rows or runs, 0 or more, or -1 for all"},
    {CLUA_OPT_INSPECT_JSON, "CLUA_OPT_INSPECT_JSON", T_INT, flag},
    {CLUA_OPT_INSPECT_ALL, "CLUA_OPT_INSPECT_ALL", T_INT, flag},
    {CLUA_OPT_INSPECT_SYNC, "CLUA_OPT_INSPECT_SYNC", T_INT,
     "a sync's number, 1 or more, or 0 for the newest"},
    {CLUA_OPT_INSPECT_KEYS, "CLUA_OPT_INSPECT_KEYS", T_LIST,
     "from 0 to 1000 \"column=value\" texts, none NULL"},
};
#define NOPTIONS (sizeof infos / sizeof infos[0])

static const char *const setters[] = {"clua_set_string", "clua_set_int", "clua_set_double",
                                      "clua_set_list"};
static const char *const kinds[] = {"a string", "an integer", "a number", "a list of strings"};

void rt_options_init(struct clua_runtime *rt) {
    rt->options.log_level = CLUA_LOG_INFO;
    rt->options.inspect_limit = -1;
}

static void free_keys(rt_options *o) {
    for (int i = 0; i < o->inspect_nkeys; i++) free(o->inspect_keys[i]);
    free(o->inspect_keys);
    o->inspect_keys = NULL;
    o->inspect_nkeys = 0;
}

void rt_options_free(struct clua_runtime *rt) {
    rt_options *o = &rt->options;
    char **strings[] = {&o->script,      &o->configuration_file, &o->state_file, &o->output_dir,
                        &o->record_file, &o->replay_file,        &o->inspect_table};
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++) {
        free(*strings[i]);
        *strings[i] = NULL;
    }
    free_keys(o);
}

/* The option's entry, or NULL with the refusal written. Refused too: any
 * change while this runtime's sync runs (its strings are in use). */
static const opt_info *option_info(clua_runtime *rt, clua_option id, opt_type type,
                                   clua_status *status) {
    char msg[512];
    if (rt->running) { /* clua_errmsg is the running sync's: left alone */
        *status = CLUA_ERROR_BUSY;
        return NULL;
    }
    size_t i = (size_t)id - 1;
    if ((int)id < 1 || i >= NOPTIONS || infos[i].id != id) {
        snprintf(msg, sizeof msg, "unknown option %d (this library knows %s (%d) to %s (%d))",
                 (int)id, infos[0].name, (int)infos[0].id, infos[NOPTIONS - 1].name,
                 (int)infos[NOPTIONS - 1].id);
        *status = rt_fail(rt, CLUA_ERROR_OPTION, msg);
        return NULL;
    }
    if (infos[i].type != type) {
        snprintf(msg, sizeof msg, "%s is %s: set it with %s, not %s", infos[i].name,
                 kinds[infos[i].type], setters[infos[i].type], setters[type]);
        *status = rt_fail(rt, CLUA_ERROR_OPTION, msg);
        return NULL;
    }
    rt->errmsg[0] = '\0';
    *status = CLUA_OK;
    return &infos[i];
}

static clua_status out_of_range(clua_runtime *rt, const opt_info *info, const char *got) {
    char msg[512];
    snprintf(msg, sizeof msg, "%s must be %s, got %s", info->name, info->allowed, got);
    return rt_fail(rt, CLUA_ERROR_OPTION, msg);
}

/* clua_directory's text, from the options that name the directory. */
static void name_directory(clua_runtime *rt) {
    const rt_options *o = &rt->options;
    if (o->output_dir) {
        snprintf(rt->directory, sizeof rt->directory, "%s", o->output_dir);
    } else if (o->script) {
        const char *slash = strrchr(o->script, '/'), *base = slash ? slash + 1 : o->script;
        size_t n = strlen(base);
        if (n > 4 && strcmp(base + n - 4, ".lua") == 0) n -= 4;
        snprintf(rt->directory, sizeof rt->directory, "files/%.*s", (int)n, base);
    } else {
        rt->directory[0] = '\0';
    }
}

const char *clua_directory(const clua_runtime *rt) { return rt->directory; }

static char **string_field(rt_options *o, clua_option id) {
    switch (id) {
    case CLUA_OPT_SCRIPT: return &o->script;
    case CLUA_OPT_CONFIGURATION_FILE: return &o->configuration_file;
    case CLUA_OPT_STATE_FILE: return &o->state_file;
    case CLUA_OPT_OUTPUT_DIR: return &o->output_dir;
    case CLUA_OPT_RECORD_FILE: return &o->record_file;
    case CLUA_OPT_REPLAY_FILE: return &o->replay_file;
    default: return &o->inspect_table;
    }
}

clua_status clua_set_string(clua_runtime *rt, clua_option option, const char *value) {
    clua_status status;
    const opt_info *info = option_info(rt, option, T_STRING, &status);
    if (!info) return status;
    char *copy = NULL;
    if (value) {
        size_t n = strlen(value);
        if (option != CLUA_OPT_INSPECT_TABLE && n > MAX_PATH) {
            char got[64];
            snprintf(got, sizeof got, "one of %zu bytes (at most %d)", n, MAX_PATH);
            return out_of_range(rt, info, got);
        }
        copy = malloc(n + 1);
        if (!copy) return rt_fail(rt, CLUA_ERROR_NOMEM, "out of memory");
        memcpy(copy, value, n + 1);
    }
    char **field = string_field(&rt->options, option);
    free(*field);
    *field = copy;
    if (option == CLUA_OPT_SCRIPT || option == CLUA_OPT_OUTPUT_DIR) name_directory(rt);
    return CLUA_OK;
}

static int *flag_field(rt_options *o, clua_option id) {
    switch (id) {
    case CLUA_OPT_LOG_JSON: return &o->log_json;
    case CLUA_OPT_NAMING_SOURCE: return &o->naming_source;
    case CLUA_OPT_PROGRESS: return &o->progress;
    case CLUA_OPT_DURABLE: return &o->durable;
    case CLUA_OPT_SANDBOX: return &o->sandbox;
    case CLUA_OPT_STRICT: return &o->strict;
    case CLUA_OPT_TAKE_OVER: return &o->take_over;
    case CLUA_OPT_INSPECT_JSON: return &o->inspect_json;
    case CLUA_OPT_INSPECT_ALL: return &o->inspect_all;
    default: return NULL;
    }
}

clua_status clua_set_int(clua_runtime *rt, clua_option option, long long value) {
    clua_status status;
    const opt_info *info = option_info(rt, option, T_INT, &status);
    if (!info) return status;
    rt_options *o = &rt->options;
    int *f = flag_field(o, option);
    bool ok = f ? value == 0 || value == 1
              : option == CLUA_OPT_LOG_LEVEL ? value >= CLUA_LOG_FINE && value <= CLUA_LOG_SEVERE
              : option == CLUA_OPT_INSPECT_VIEW
                  ? value >= CLUA_INSPECT_DATA && value <= CLUA_INSPECT_CHANGES
              : option == CLUA_OPT_INSPECT_LIMIT ? value >= -1 && value <= 1000000000000LL
                                                 : value >= 0; /* CLUA_OPT_INSPECT_SYNC */
    if (!ok) {
        char got[32];
        snprintf(got, sizeof got, "%lld", value);
        return out_of_range(rt, info, got);
    }
    if (f) *f = (int)value;
    else if (option == CLUA_OPT_LOG_LEVEL) o->log_level = (clua_log_level)value;
    else if (option == CLUA_OPT_INSPECT_VIEW) o->inspect_view = (int)value;
    else if (option == CLUA_OPT_INSPECT_LIMIT) o->inspect_limit = (long)value;
    else o->inspect_sync = value;
    return CLUA_OK;
}

clua_status clua_set_double(clua_runtime *rt, clua_option option, double value) {
    clua_status status;
    const opt_info *info = option_info(rt, option, T_DOUBLE, &status);
    if (!info) return status;
    /* NaN and the infinities fail the test too. */
    if (!(value >= 0 && value <= 1e9)) {
        char got[32];
        snprintf(got, sizeof got, "%g", value);
        return out_of_range(rt, info, got);
    }
    if (option == CLUA_OPT_MEMORY_LIMIT_MB) rt->options.memory_limit_mb = value;
    else rt->options.timeout_seconds = value;
    return CLUA_OK;
}

clua_status clua_set_list(clua_runtime *rt, clua_option option, const char *const *values,
                          int n) {
    clua_status status;
    const opt_info *info = option_info(rt, option, T_LIST, &status);
    if (!info) return status;
    char got[64];
    if (n < 0 || n > 1000 || (n > 0 && !values)) {
        snprintf(got, sizeof got, n < 0 || n > 1000 ? "%d of them" : "NULL for %d of them", n);
        return out_of_range(rt, info, got);
    }
    for (int i = 0; i < n; i++)
        if (!values[i]) {
            snprintf(got, sizeof got, "NULL at %d", i);
            return out_of_range(rt, info, got);
        }
    char **copy = n ? calloc((size_t)n, sizeof *copy) : NULL;
    if (n && !copy) return rt_fail(rt, CLUA_ERROR_NOMEM, "out of memory");
    for (int i = 0; i < n; i++) {
        size_t len = strlen(values[i]);
        copy[i] = malloc(len + 1);
        if (!copy[i]) {
            for (int k = 0; k < i; k++) free(copy[k]);
            free(copy);
            return rt_fail(rt, CLUA_ERROR_NOMEM, "out of memory");
        }
        memcpy(copy[i], values[i], len + 1);
    }
    free_keys(&rt->options);
    rt->options.inspect_keys = copy;
    rt->options.inspect_nkeys = n;
    return CLUA_OK;
}

clua_status clua_set_log(clua_runtime *rt, clua_log_fn fn, void *user) {
    if (rt->running) return CLUA_ERROR_BUSY;
    rt->errmsg[0] = '\0';
    rt->options.log_fn = fn;
    rt->options.log_user = user;
    return CLUA_OK;
}
