/* cassette_values: time.now() and uuid.v4() recorded and replayed (see
 * cassette_values.h). The values live in plain C arrays owned by the
 * cassette: recording appends (a failed append is reported, never raised
 * from here), replaying hands them out in order. */
#include "cassette_values.h"

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json_codec.h"

/* The latest time a cassette may hold: 9999-12-31T23:59:59.999Z. */
#define CASSETTE_TIME_MAX INT64_C(253402300799999)

static double mono_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Makes room for one more element of size bytes in *p (holding n of cap). */
static int grow(void **p, size_t *cap, size_t n, size_t size) {
    if (n < *cap) return 0;
    size_t want = *cap ? *cap * 2 : 16;
    void *q = realloc(*p, want * size);
    if (!q) return -1;
    *p = q;
    *cap = want;
    return 0;
}

int cassette_values_time(cassette_values *v, int64_t *ms) {
    if (!v->replaying) {
        if (grow((void **)&v->times, &v->cap_times, v->ntimes, sizeof *v->times) != 0) return -1;
        v->times[v->ntimes++] = *ms;
        return 0;
    }
    if (v->next_time < v->ntimes) {
        *ms = v->last_ms = v->times[v->next_time++];
        v->last_mono = mono_now();
        v->slept = 0;
        return 0;
    }
    if (v->ntimes == 0) return 0; /* nothing recorded: the clock */
    /* Past the recording: the last value plus the time since, which the
     * monotonic clock never makes negative. */
    double since = mono_now() - v->last_mono + v->slept;
    double room = (double)(CASSETTE_TIME_MAX - v->last_ms); /* loaded values are in range */
    double add = since * 1000.0;
    if (!(add > 0)) add = 0;
    *ms = add >= room ? CASSETTE_TIME_MAX : v->last_ms + (int64_t)add;
    return 0;
}

int cassette_values_uuid(cassette_values *v, char uuid[CASSETTE_UUID_LEN]) {
    if (!v->replaying) {
        if (grow((void **)&v->uuids, &v->cap_uuids, v->nuuids, CASSETTE_UUID_LEN) != 0) return -1;
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

/* The array member `name` of the object at idx, pushed, with its length;
 * 0 and nothing pushed when it is absent. Raises when it is not an array. */
static size_t array_member(lua_State *L, int idx, const char *name, const char *what) {
    int t = lua_getfield(L, idx, name);
    if (t == LUA_TNIL) {
        lua_pop(L, 1);
        return 0;
    }
    bool array = false;
    if (t == LUA_TTABLE) {
        json_push_arrays(L);
        lua_pushvalue(L, -2);
        array = lua_rawget(L, -2) != LUA_TNIL || lua_rawlen(L, -3) > 0;
        lua_pop(L, 2);
    }
    if (!array) luaL_error(L, "\"%s\" must be an array of %s", name, what);
    return (size_t)lua_rawlen(L, -1);
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

void cassette_values_load(lua_State *L, int idx, cassette_values *v) {
    size_t n = array_member(L, idx, "time_now", "integers (milliseconds since 1970)");
    if (n) {
        v->times = malloc(n * sizeof *v->times);
        if (!v->times) luaL_error(L, "out of memory");
        v->cap_times = n;
        for (size_t i = 1; i <= n; i++) {
            lua_rawgeti(L, -1, (lua_Integer)i);
            if (!lua_isinteger(L, -1))
                luaL_error(L, "\"time_now\" entry %d is not an integer (milliseconds since 1970)",
                           (int)i);
            lua_Integer ms = lua_tointeger(L, -1);
            /* The replayed clock adds to the last value: bounded, it cannot
             * overflow, and time.format can show every value. */
            if (ms < 0 || ms > CASSETTE_TIME_MAX)
                luaL_error(L,
                           "\"time_now\" entry %d is %I: outside 0 to %I (1970 to the end of "
                           "year 9999, in milliseconds)",
                           (int)i, ms, (lua_Integer)CASSETTE_TIME_MAX);
            v->times[v->ntimes++] = (int64_t)ms;
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
    n = array_member(L, idx, "uuid_v4", "UUIDs");
    if (n) {
        v->uuids = malloc(n * CASSETTE_UUID_LEN);
        if (!v->uuids) luaL_error(L, "out of memory");
        v->cap_uuids = n;
        for (size_t i = 1; i <= n; i++) {
            lua_rawgeti(L, -1, (lua_Integer)i);
            size_t len = 0;
            const char *s = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, &len) : NULL;
            if (!s || !is_uuid(s, len))
                luaL_error(L,
                           "\"uuid_v4\" entry %d is not a UUID in lowercase canonical text "
                           "(8-4-4-4-12 hex digits)",
                           (int)i);
            memcpy(v->uuids + v->nuuids++ * CASSETTE_UUID_LEN, s, CASSETTE_UUID_LEN);
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
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
