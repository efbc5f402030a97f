/* cassette_values: time.now() and uuid.v4() recorded and replayed (see
 * cassette_values.h). The values live in plain C arrays owned by the
 * cassette: recording appends (a failed append is reported, never raised
 * from here), replaying hands them out in order. */
#include "cassette_values.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_core.h"
#include "util.h"

/* The latest time a cassette may hold: 9999-12-31T23:59:59.999Z. */
#define CASSETTE_TIME_MAX INT64_C(253402300799999)

int cassette_values_time(cassette_values *v, int64_t *ms) {
    if (!v->replaying) {
        if (util_grow((void **)&v->times, &v->cap_times, v->ntimes, sizeof *v->times) != 0)
            return -1;
        v->times[v->ntimes++] = *ms;
        return 0;
    }
    if (v->next_time < v->ntimes) {
        *ms = v->last_ms = v->times[v->next_time++];
        v->last_mono = util_mono_seconds();
        v->slept = 0;
        return 0;
    }
    if (v->ntimes == 0) return 0; /* nothing recorded: the clock */
    /* Past the recording: the last value plus the time since, which the
     * monotonic clock never makes negative. */
    double since = util_mono_seconds() - v->last_mono + v->slept;
    double room = (double)(CASSETTE_TIME_MAX - v->last_ms); /* loaded values are in range */
    double add = since * 1000.0;
    if (!(add > 0)) add = 0;
    *ms = add >= room ? CASSETTE_TIME_MAX : v->last_ms + (int64_t)add;
    return 0;
}

int cassette_values_uuid(cassette_values *v, char uuid[CASSETTE_UUID_LEN]) {
    if (!v->replaying) {
        if (util_grow((void **)&v->uuids, &v->cap_uuids, v->nuuids, CASSETTE_UUID_LEN) != 0)
            return -1;
        memcpy(v->uuids + v->nuuids++ * CASSETTE_UUID_LEN, uuid, CASSETTE_UUID_LEN);
        return 0;
    }
    if (v->next_uuid < v->nuuids)
        memcpy(uuid, v->uuids + v->next_uuid++ * CASSETTE_UUID_LEN, CASSETTE_UUID_LEN);
    return 0;
}

void cassette_values_slept(cassette_values *v, double seconds) {
    if (v->replaying && seconds > 0) v->slept += seconds;
}

void cassette_values_write(const cassette_values *v, FILE *f) {
    /* One value a line, so two recordings diff line by line. */
    if (v->ntimes) {
        fputs(",\n  \"time_now\": [", f);
        for (size_t i = 0; i < v->ntimes; i++)
            fprintf(f, "%s\n    %lld", i ? "," : "", (long long)v->times[i]);
        fputs("\n  ]", f);
    }
    if (v->nuuids) {
        fputs(",\n  \"uuid_v4\": [", f);
        for (size_t i = 0; i < v->nuuids; i++)
            fprintf(f, "%s\n    \"%.*s\"", i ? "," : "", CASSETTE_UUID_LEN,
                    v->uuids + i * CASSETTE_UUID_LEN);
        fputs("\n  ]", f);
    }
}

/* The array member `name` of doc, in *items and *n; 0 with *n 0 when it
 * is absent, -1 with err set when it is not an array. */
static int array_member(const json_value *doc, const char *name, const char *what,
                        const json_value **items, size_t *n, char *err, size_t errlen) {
    const json_value *a = json_tree_get(doc, name);
    *n = 0;
    if (!a) return 0;
    if (a->kind != JSON_KIND_ARRAY) {
        snprintf(err, errlen, "\"%s\" must be an array of %s", name, what);
        return -1;
    }
    *items = a->u.array.items;
    *n = a->u.array.n;
    return 0;
}

/* True when s is a UUID in lowercase canonical text (8-4-4-4-12 hex digits). */
static bool is_uuid(const char *s, size_t len) {
    if (len != CASSETTE_UUID_LEN) return false;
    for (size_t i = 0; i < len; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        char c = s[i];
        if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
}

static int oom(char *err, size_t errlen) {
    snprintf(err, errlen, "out of memory");
    return CASSETTE_NOMEM;
}

int cassette_values_load(const json_value *doc, cassette_values *v, char *err, size_t errlen) {
    const json_value *a = NULL;
    size_t n;
    if (array_member(doc, "time_now", "integers (milliseconds since 1970)", &a, &n, err,
                     errlen) != 0)
        return -1;
    if (n) {
        v->times = malloc(n * sizeof *v->times);
        if (!v->times) return oom(err, errlen);
        v->cap_times = n;
        for (size_t i = 1; i <= n; i++) {
            const json_value *e = &a[i - 1];
            if (e->kind != JSON_KIND_INTEGER) {
                snprintf(err, errlen,
                         "\"time_now\" entry %zu is not an integer (milliseconds since 1970)", i);
                return -1;
            }
            /* The replayed clock adds to the last value: bounded, it cannot
             * overflow, and time.format can show every value. */
            int64_t ms = e->u.integer;
            if (ms < 0 || ms > CASSETTE_TIME_MAX) {
                snprintf(err, errlen,
                         "\"time_now\" entry %zu is %lld: outside 0 to %lld (1970 to the end of "
                         "year 9999, in milliseconds)",
                         i, (long long)ms, (long long)CASSETTE_TIME_MAX);
                return -1;
            }
            v->times[v->ntimes++] = ms;
        }
    }
    if (array_member(doc, "uuid_v4", "UUIDs", &a, &n, err, errlen) != 0) return -1;
    if (n) {
        v->uuids = malloc(n * CASSETTE_UUID_LEN);
        if (!v->uuids) return oom(err, errlen);
        v->cap_uuids = n;
        for (size_t i = 1; i <= n; i++) {
            const json_value *e = &a[i - 1];
            if (e->kind != JSON_KIND_STRING || !is_uuid(e->u.string.s, e->u.string.len)) {
                snprintf(err, errlen,
                         "\"uuid_v4\" entry %zu is not a UUID in lowercase canonical text "
                         "(8-4-4-4-12 hex digits)",
                         i);
                return -1;
            }
            memcpy(v->uuids + v->nuuids++ * CASSETTE_UUID_LEN, e->u.string.s, CASSETTE_UUID_LEN);
        }
    }
    return 0;
}

void cassette_values_describe(const cassette_values *v, char *buf, size_t n) {
    size_t at = strlen(buf);
    if (v->ntimes && at < n)
        at += (size_t)snprintf(buf + at, n - at, ", %zu time.now() value%s", v->ntimes,
                               v->ntimes == 1 ? "" : "s");
    if (v->nuuids && at < n)
        snprintf(buf + at, n - at, ", %zu uuid.v4() value%s", v->nuuids,
                 v->nuuids == 1 ? "" : "s");
}

void cassette_values_free(cassette_values *v) {
    free(v->times);
    free(v->uuids);
    v->times = NULL;
    v->uuids = NULL;
    v->ntimes = v->nuuids = v->cap_times = v->cap_uuids = 0;
}
