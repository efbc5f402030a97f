/* lib_time: time.now(), time.parse(text), time.format(ms [, pattern]) and
 * time.sleep(seconds). Instants are integer milliseconds since the Unix
 * epoch, always UTC: parsing is types.c's (no timegm), formatting goes
 * through gmtime_r, never local time. A sleep waits in short slices so a
 * signal or --timeout ends it as it ends an HTTP wait. Under --record the
 * values time.now() returns are kept in the cassette; under --replay they
 * are served from it and a sleep returns at once (cassette_values.h). */
#include <errno.h>
#include <lauxlib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cassette_values.h"
#include "http_cassette.h"
#include "lib.h"
#include "rt.h"
#include "types.h"
#include "watchdog.h"
#include "util.h"

/* The longest a sleep goes without looking for a stop, in milliseconds. */
#define TIME_SLICE_MS 50
#define TIME_SLEEP_MAX 86400.0

/* strftime's conversions that mean the same in UTC and the C locale; %s
 * (mktime: local time) and the E and O modifiers are left out. */
#define TIME_CODES "aAbBcCdDeFgGhHIjmMnpRrStTuUVwWxXyYzZ%"

static int time_now(lua_State *L) {
    struct clua_runtime *rt = lua_touserdata(L, lua_upvalueindex(1));
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    if (rt->cassette && cassette_values_time(http_cassette_values(rt->cassette), &ms) != 0)
        rt_raise_nomem(L, rt, "time.now: out of memory keeping the value for the cassette");
    lua_pushinteger(L, (lua_Integer)ms);
    return 1;
}

/* Describes the value at idx for a message: `string "x"`, `float 1.5`. */
static void describe(lua_State *L, int idx, char *buf, size_t n) {
    types_input in = {0};
    switch (lua_type(L, idx)) {
    case LUA_TSTRING:
        in.tag = TYPES_IN_STRING;
        in.s = lua_tolstring(L, idx, &in.len);
        break;
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx)) {
            in.tag = TYPES_IN_INT;
            in.i = lua_tointeger(L, idx);
        } else {
            in.tag = TYPES_IN_FLOAT;
            in.f = lua_tonumber(L, idx);
        }
        break;
    case LUA_TBOOLEAN:
        in.tag = TYPES_IN_BOOL;
        in.b = lua_toboolean(L, idx);
        break;
    default:
        snprintf(buf, n, "%s", luaL_typename(L, idx));
        return;
    }
    types_describe(&in, buf, n);
}

static int time_parse(lua_State *L) {
    char what[96];
    if (lua_type(L, 1) != LUA_TSTRING) {
        describe(L, 1, what, sizeof what);
        return luaL_error(L, "time.parse: text must be a string, got %s", what);
    }
    size_t len;
    const char *s = lua_tolstring(L, 1, &len);
    int64_t ms;
    const char *why = types_parse_instant(s, len, &ms);
    if (!why) {
        lua_pushinteger(L, (lua_Integer)ms);
        return 1;
    }
    describe(L, 1, what, sizeof what);
    lua_pushnil(L);
    lua_pushfstring(L, "time.parse: %s: %s", what, why);
    return 2;
}

static int time_format(lua_State *L) {
    char what[96];
    int isint = 0;
    lua_Integer ms = lua_type(L, 1) == LUA_TNUMBER ? lua_tointegerx(L, 1, &isint) : 0;
    if (!isint || ms < TYPES_INSTANT_MIN || ms > TYPES_INSTANT_MAX) {
        describe(L, 1, what, sizeof what);
        return luaL_error(L,
                          "time.format: ms must be an integer from %I to %I (years 0001 to 9999), "
                          "got %s",
                          (lua_Integer)TYPES_INSTANT_MIN, (lua_Integer)TYPES_INSTANT_MAX, what);
    }
    lua_Integer milli = ms % 1000;
    if (milli < 0) milli += 1000;
    time_t secs = (time_t)((ms - milli) / 1000);
    struct tm tm;
    if (!gmtime_r(&secs, &tm)) return luaL_error(L, "time.format: gmtime_r failed for %I", ms);
    if (lua_isnoneornil(L, 2)) {
        char out[32];
        int n = snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)milli);
        lua_pushlstring(L, out, (size_t)n);
        return 1;
    }
    if (lua_type(L, 2) != LUA_TSTRING) {
        describe(L, 2, what, sizeof what);
        return luaL_error(L, "time.format: pattern must be a string, got %s", what);
    }
    size_t plen;
    const char *p = lua_tolstring(L, 2, &plen);
    if (memchr(p, '\0', plen)) return luaL_error(L, "time.format: pattern holds a zero byte");
    /* %f becomes the milliseconds here, and the years of %Y, %G and %F
     * four digits (glibc's strftime writes the year 999 as "999", which
     * time.parse would not read back); strftime does the rest. */
    char digits[4], year[8], iso_year[8], iso[8];
    snprintf(digits, sizeof digits, "%03d", (int)milli);
    snprintf(year, sizeof year, "%04d", tm.tm_year + 1900);
    strftime(iso, sizeof iso, "%G", &tm);
    snprintf(iso_year, sizeof iso_year, "%04ld", strtol(iso, NULL, 10));
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (size_t i = 0; i < plen; i++) {
        if (p[i] != '%') {
            luaL_addchar(&b, p[i]);
            continue;
        }
        char c = i + 1 < plen ? p[i + 1] : '\0';
        if (c == 'f') {
            luaL_addlstring(&b, digits, 3);
        } else if (c == 'Y' || c == 'F') {
            luaL_addstring(&b, year);
            if (c == 'F') luaL_addstring(&b, "-%m-%d");
        } else if (c == 'G') {
            luaL_addstring(&b, iso_year);
        } else if (c != '\0' && strchr(TIME_CODES, c)) {
            luaL_addchar(&b, '%');
            luaL_addchar(&b, c);
        } else {
            return luaL_error(L,
                              "time.format: pattern \"%s\": %%%c is not a code it takes (%%f and "
                              "strftime's %s)",
                              p, c ? c : ' ', TIME_CODES);
        }
        i++;
    }
    luaL_pushresult(&b);
    size_t flen;
    const char *fmt = lua_tolstring(L, -1, &flen);
    /* No code gives more than 32 bytes in the C locale. */
    size_t cap = flen * 32 + 64;
    char *out = lua_newuserdatauv(L, cap, 0);
    size_t n = strftime(out, cap, fmt, &tm);
    lua_pushlstring(L, out, n);
    return 1;
}

static int time_sleep(lua_State *L) {
    char what[96];
    double s = lua_type(L, 1) == LUA_TNUMBER ? lua_tonumber(L, 1) : NAN;
    if (!(s >= 0 && s <= TIME_SLEEP_MAX)) {
        describe(L, 1, what, sizeof what);
        return luaL_error(L, "time.sleep: seconds must be a number from 0 to %d, got %s",
                          (int)TIME_SLEEP_MAX, what);
    }
    struct clua_runtime *rt = lua_touserdata(L, lua_upvalueindex(1));
    /* A replayed sync does not wait: the time skipped still counts for
     * time.now() once the recorded values run out. */
    if (rt->cassette && http_cassette_replaying(rt->cassette)) {
        cassette_values_slept(http_cassette_values(rt->cassette), s);
        s = 0;
    }
    double end = util_mono_seconds() + s;
    for (;;) {
        if (watchdog_stop_pending(rt)) {
            watchdog_raise_pending(L);
            return luaL_error(L, "time.sleep: stopped");
        }
        /* A finalizer at close has its own short budget (watchdog.c). */
        if (rt->closing && util_mono_seconds() >= rt->close_deadline)
            return luaL_error(L, "time.sleep: stopped: the script's finalizers ran out of time");
        double left = end - util_mono_seconds();
        if (!(left > 0)) return 0;
        double slice = left < TIME_SLICE_MS / 1000.0 ? left : TIME_SLICE_MS / 1000.0;
        struct timespec ts = {(time_t)slice, (long)((slice - (double)(time_t)slice) * 1e9)};
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR && !rt->interrupted_by) {
        }
    }
}

static const luaL_Reg time_funcs[] = {
    {"now", time_now},
    {"parse", time_parse},
    {"format", time_format},
    {"sleep", time_sleep},
    {NULL, NULL},
};

void lib_time_open(lua_State *L, struct clua_runtime *rt) { lib_register(L, rt, "time", time_funcs); }
