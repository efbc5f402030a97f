/* lib_uuid: uuid.v4(), a random UUID (RFC 9562 version 4) as lowercase
 * canonical text, from the kernel's random source. Under --record the
 * values are kept in the cassette, under --replay served from it
 * (cassette_values.h). */
#include <errno.h>
#include <lauxlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/random.h>

#include "cassette_values.h"
#include "http_cassette.h"
#include "lib.h"
#include "rt.h"

static int uuid_v4(lua_State *L) {
    unsigned char r[16];
    size_t got = 0;
    while (got < sizeof r) {
        ssize_t n = getrandom(r + got, sizeof r - got, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return luaL_error(L, "uuid.v4: no random bytes from the kernel: %s", strerror(errno));
        got += (size_t)n;
    }
    r[6] = (unsigned char)((r[6] & 0x0f) | 0x40); /* version 4 */
    r[8] = (unsigned char)((r[8] & 0x3f) | 0x80); /* variant 10 */
    static const char hex[] = "0123456789abcdef";
    char out[36];
    int o = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out[o++] = '-';
        out[o++] = hex[r[i] >> 4];
        out[o++] = hex[r[i] & 15];
    }
    struct clua_runtime *rt = lua_touserdata(L, lua_upvalueindex(1));
    if (rt->cassette && cassette_values_uuid(http_cassette_values(rt->cassette), out) != 0)
        rt_raise_nomem(L, rt, "uuid.v4: out of memory keeping the value for the cassette");
    lua_pushlstring(L, out, sizeof out);
    return 1;
}

static const luaL_Reg uuid_funcs[] = {
    {"v4", uuid_v4},
    {NULL, NULL},
};

void lib_uuid_open(lua_State *L, struct clua_runtime *rt) { lib_register(L, rt, "uuid", uuid_funcs); }
