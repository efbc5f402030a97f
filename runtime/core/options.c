/* options: connector_lua.h's CLUA_OPT_* and their typed setters. Each
 * option has one type; a setter checks the option, its type and its range
 * before anything changes, copies strings, and on a refusal leaves the
 * option as it was with clua_errmsg saying what is allowed. The runtime
 * reads the values from rt->options (rt.h). */
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt.h"

/* Only a path that must fit a buffer has a cap. The output directory's
 * files ("DIR/warehouse.db-wal") must still fit the runtime's 4096-byte
 * paths: CLUA_OUTPUT_DIR_MAX, for CLUA_OPT_OUTPUT_DIR and the directory
 * named after CLUA_OPT_SCRIPT. A cassette keeps its path in PATH_MAX bytes
 * (one longer no system call takes). Other input files take any length:
 * the system says whether it opens them. */
#define MAX_CASSETTE (PATH_MAX - 1)

typedef enum opt_type { T_STRING, T_INT, T_DOUBLE, T_LIST } opt_type;

/* Each option's name, type, field of rt_options and what it allows, in
 * clua_option's order (checked by option_info). */
typedef struct opt_info {
    clua_option id;
    const char *name;
    opt_type type;
    size_t field;          /* offsetof(rt_options, ...) */
    size_t size;           /* T_INT: the field's size (int or long long) */
    long long min, max;    /* T_INT; T_DOUBLE: min is the least value above 0 */
    const char *allowed;   /* "must be ..." */
} opt_info;

/* T_STRING: min is 1 for a path, which may not be empty; max its most
 * bytes (0: any) */
#define STR(id, f, allowed) {id, #id, T_STRING, offsetof(rt_options, f), 0, 0, 0, allowed}
#define PATH(id, f, max, allowed) {id, #id, T_STRING, offsetof(rt_options, f), 0, 1, max, allowed}
#define INT(id, f, lo, hi, allowed) \
    {id, #id, T_INT, offsetof(rt_options, f), sizeof(((rt_options *)0)->f), lo, hi, allowed}
#define FLAG(id, f) INT(id, f, 0, 1, "0 or 1")
/* T_DOUBLE: 0 or from lo to 1e9 */
#define DBL(id, f, lo, allowed) {id, #id, T_DOUBLE, offsetof(rt_options, f), 0, lo, 0, allowed}

static const opt_info infos[] = {
    PATH(CLUA_OPT_SCRIPT, script, 0, "a path"),
    PATH(CLUA_OPT_CONFIGURATION_FILE, configuration_file, 0, "a path"),
    PATH(CLUA_OPT_STATE_FILE, state_file, 0, "a path"),
    PATH(CLUA_OPT_OUTPUT_DIR, output_dir, CLUA_OUTPUT_DIR_MAX, "a path of at most 4000 bytes"),
    PATH(CLUA_OPT_RECORD_FILE, record_file, MAX_CASSETTE, "a path of at most 4095 bytes"),
    PATH(CLUA_OPT_REPLAY_FILE, replay_file, MAX_CASSETTE, "a path of at most 4095 bytes"),
    INT(CLUA_OPT_LOG_LEVEL, log_level, CLUA_LOG_FINE, CLUA_LOG_SEVERE,
        "CLUA_LOG_FINE (0), CLUA_LOG_INFO (1), CLUA_LOG_WARNING (2) or CLUA_LOG_SEVERE (3)"),
    FLAG(CLUA_OPT_LOG_JSON, log_json),
    FLAG(CLUA_OPT_NAMING_SOURCE, naming_source),
    FLAG(CLUA_OPT_PROGRESS, progress),
    FLAG(CLUA_OPT_DURABLE, durable),
    FLAG(CLUA_OPT_SANDBOX, sandbox),
    FLAG(CLUA_OPT_STRICT, strict),
    FLAG(CLUA_OPT_TAKE_OVER, take_over),
    /* Under 1 MB the allocator's limit would be 0 bytes (none) while
     * http's body check sees a limit: as --memory-limit, 1 MB or more. */
    DBL(CLUA_OPT_MEMORY_LIMIT_MB, memory_limit_mb, 1,
        "a number of megabytes, 0 (no limit) or from 1 to 1000000000"),
    DBL(CLUA_OPT_TIMEOUT_SECONDS, timeout_seconds, 0,
        "a number of seconds from 0 (no limit) to 1000000000"),
    INT(CLUA_OPT_INSPECT_VIEW, inspect_view, CLUA_INSPECT_DATA, CLUA_INSPECT_CHANGES,
        "CLUA_INSPECT_DATA (0), CLUA_INSPECT_SYNCS (1) or CLUA_INSPECT_CHANGES (2)"),
    STR(CLUA_OPT_INSPECT_TABLE, inspect_table, "a table's name"),
    INT(CLUA_OPT_INSPECT_LIMIT, inspect_limit, -1, LONG_MAX,
        "a number of rows or runs, 0 or more, or -1 for all"),
    FLAG(CLUA_OPT_INSPECT_JSON, inspect_json),
    FLAG(CLUA_OPT_INSPECT_ALL, inspect_all),
    INT(CLUA_OPT_INSPECT_SYNC, inspect_sync, 0, LLONG_MAX,
        "a sync's number, 1 or more, or 0 for the newest"),
    {CLUA_OPT_INSPECT_KEYS, "CLUA_OPT_INSPECT_KEYS", T_LIST, offsetof(rt_options, inspect_keys), 0,
     0, 0, "from 0 to 1000 \"column=value\" texts, none NULL"},
};
#define NOPTIONS (sizeof infos / sizeof infos[0])

static const char *const setters[] = {"clua_set_string", "clua_set_int", "clua_set_double",
                                      "clua_set_list"};
static const char *const kinds[] = {"a string", "an integer", "a number", "a list of strings"};

/* The option's field in rt->options. */
static void *field_of(clua_runtime *rt, const opt_info *info) {
    return (char *)&rt->options + info->field;
}

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
    for (size_t i = 0; i < NOPTIONS; i++)
        if (infos[i].type == T_STRING) {
            char **field = field_of(rt, &infos[i]);
            free(*field);
            *field = NULL;
        }
    free_keys(&rt->options);
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
    rt->message[0] = '\0'; /* clua_message is "" after any call but a reset */
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

/* The script's file name without ".lua": the default directory is
 * "files/" and its first *n bytes. */
static const char *script_base(const char *script, size_t *n) {
    const char *slash = strrchr(script, '/'), *base = slash ? slash + 1 : script;
    *n = strlen(base);
    if (*n > 4 && strcmp(base + *n - 4, ".lua") == 0) *n -= 4;
    return base;
}

/* clua_directory's text, from the options that name the directory. */
static void name_directory(clua_runtime *rt) {
    const rt_options *o = &rt->options;
    strbuf masked = STRBUF_INIT;
    if (o->output_dir && pg_url_is(o->output_dir)) {
        /* A server's URL is shown, never its password. */
        bool ok = pg_url_mask(o->output_dir, strlen(o->output_dir), &masked) == 0;
        snprintf(rt->directory, sizeof rt->directory, "%s",
                 ok ? strbuf_cstr(&masked) : "postgresql://***");
        strbuf_free(&masked);
    } else if (o->output_dir) {
        snprintf(rt->directory, sizeof rt->directory, "%s", o->output_dir);
    } else if (o->script) {
        size_t n;
        const char *base = script_base(o->script, &n);
        snprintf(rt->directory, sizeof rt->directory, "files/%.*s", (int)n, base);
    } else {
        rt->directory[0] = '\0';
    }
}

const char *clua_directory(const clua_runtime *rt) { return rt->directory; }

clua_status clua_set_string(clua_runtime *rt, clua_option option, const char *value) {
    clua_status status;
    const opt_info *info = option_info(rt, option, T_STRING, &status);
    if (!info) return status;
    char *copy = NULL;
    if (value) {
        size_t n = strlen(value);
        /* "" names no file: sync, reset and inspect would each read it
         * differently ("/warehouse.db", no directory). */
        if (n == 0 && info->min == 1) return out_of_range(rt, info, "an empty one");
        char got[128];
        if (info->max && n > (size_t)info->max) {
            snprintf(got, sizeof got, "one of %zu bytes", n);
            return out_of_range(rt, info, got);
        }
        size_t base_len;
        script_base(value, &base_len);
        if (option == CLUA_OPT_SCRIPT && strlen("files/") + base_len > CLUA_OUTPUT_DIR_MAX) {
            snprintf(got, sizeof got,
                     "one whose directory files/NAME would be %zu bytes (at most %d)",
                     strlen("files/") + base_len, CLUA_OUTPUT_DIR_MAX);
            return out_of_range(rt, info, got);
        }
        copy = malloc(n + 1);
        if (!copy) return rt_fail(rt, CLUA_ERROR_NOMEM, "out of memory");
        memcpy(copy, value, n + 1);
    }
    char **field = field_of(rt, info);
    free(*field);
    *field = copy;
    if (option == CLUA_OPT_SCRIPT || option == CLUA_OPT_OUTPUT_DIR) name_directory(rt);
    return CLUA_OK;
}

clua_status clua_set_int(clua_runtime *rt, clua_option option, long long value) {
    clua_status status;
    const opt_info *info = option_info(rt, option, T_INT, &status);
    if (!info) return status;
    if (value < info->min || value > info->max) {
        char got[32];
        snprintf(got, sizeof got, "%lld", value);
        return out_of_range(rt, info, got);
    }
    if (info->size == sizeof(int)) *(int *)field_of(rt, info) = (int)value;
    else *(long long *)field_of(rt, info) = value;
    return CLUA_OK;
}

clua_status clua_set_double(clua_runtime *rt, clua_option option, double value) {
    clua_status status;
    const opt_info *info = option_info(rt, option, T_DOUBLE, &status);
    if (!info) return status;
    /* NaN and the infinities fail the test too. */
    if (!(value >= 0 && value <= 1e9) || (value > 0 && value < (double)info->min)) {
        char got[32];
        snprintf(got, sizeof got, "%g", value);
        return out_of_range(rt, info, got);
    }
    *(double *)field_of(rt, info) = value;
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
    rt->message[0] = '\0';
    rt->options.log_fn = fn;
    rt->options.log_user = user;
    return CLUA_OK;
}
