/* lib_hash: hash.md5/sha1/sha256/sha512(s [, "raw"]) and
 * hash.hmac(alg, key, data [, "raw"]), from OpenSSL's libcrypto (EVP_Digest
 * and EVP_Q_mac, one-shot calls that free what they allocate before they
 * return). The result is lowercase hex, or the raw bytes with "raw".
 * libcrypto is loaded at the first call (crypto_lazy.h), not when the
 * module is registered: a run that computes no hash never maps it. */
#include <lauxlib.h>
#include <stdio.h>
#include <string.h>

#include "crypto_lazy.h"
#include "lib.h"

struct alg {
    const char *name;    /* as scripts spell it */
    const char *ossl;    /* as OpenSSL spells it */
    /* The table's slot, filled only once libcrypto is loaded. */
    const EVP_MD *(*const *md)(void);
};

static const struct alg algs[] = {
    {"md5", "MD5", &crypto_lazy.md5},
    {"sha1", "SHA1", &crypto_lazy.sha1},
    {"sha256", "SHA256", &crypto_lazy.sha256},
    {"sha512", "SHA512", &crypto_lazy.sha512},
};

/* Loads libcrypto if this is the first hash.* call; a library that cannot
 * be loaded is an error of the call fname, saying what to install. */
static void need_crypto(lua_State *L, const char *fname) {
    char err[256];
    if (crypto_lazy_load(err, sizeof err) != 0) luaL_error(L, "%s: %s", fname, err);
}

/* Whether the optional argument at idx asks for raw bytes: nil or "hex"
 * gives hex, "raw" gives bytes, anything else is an error. */
static int want_raw(lua_State *L, const char *fname, int idx) {
    if (lua_isnoneornil(L, idx)) return 0;
    const char *f = luaL_checkstring(L, idx);
    if (strcmp(f, "raw") == 0) return 1;
    if (strcmp(f, "hex") == 0) return 0;
    return luaL_error(L, "%s: output format must be \"raw\" or \"hex\", got \"%s\"", fname, f);
}

static void push_result(lua_State *L, const unsigned char *md, size_t n, int raw) {
    if (raw) {
        lua_pushlstring(L, (const char *)md, n);
        return;
    }
    static const char hex[] = "0123456789abcdef";
    char out[2 * EVP_MAX_MD_SIZE];
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    lua_pushlstring(L, out, 2 * n);
}

static int digest(lua_State *L, const struct alg *a) {
    char fname[32];
    snprintf(fname, sizeof fname, "hash.%s", a->name);
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    int raw = want_raw(L, fname, 2);
    need_crypto(L, fname);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (!EVP_Digest(s, len, md, &n, (*a->md)(), NULL)) {
        ERR_clear_error();
        return luaL_error(L, "%s: OpenSSL could not compute the digest", fname);
    }
    push_result(L, md, n, raw);
    return 1;
}

static int hash_md5(lua_State *L) { return digest(L, &algs[0]); }
static int hash_sha1(lua_State *L) { return digest(L, &algs[1]); }
static int hash_sha256(lua_State *L) { return digest(L, &algs[2]); }
static int hash_sha512(lua_State *L) { return digest(L, &algs[3]); }

static int hash_hmac(lua_State *L) {
    const char *name = luaL_checkstring(L, 1);
    size_t key_len, data_len;
    const char *key = luaL_checklstring(L, 2, &key_len);
    const char *data = luaL_checklstring(L, 3, &data_len);
    int raw = want_raw(L, "hash.hmac", 4);
    const struct alg *a = NULL;
    for (size_t i = 0; i < sizeof algs / sizeof algs[0]; i++)
        if (strcmp(name, algs[i].name) == 0) a = &algs[i];
    if (!a)
        return luaL_error(L, "hash.hmac: unknown algorithm \"%s\", expected \"md5\", \"sha1\", "
                             "\"sha256\" or \"sha512\"", name);
    need_crypto(L, "hash.hmac");
    unsigned char md[EVP_MAX_MD_SIZE];
    size_t n = 0;
    /* An empty key is a valid HMAC key; OpenSSL wants a non-NULL pointer. */
    if (!EVP_Q_mac(NULL, "HMAC", NULL, a->ossl, NULL, key, key_len, (const unsigned char *)data,
                   data_len, md, sizeof md, &n)) {
        ERR_clear_error();
        return luaL_error(L, "hash.hmac: OpenSSL could not compute HMAC-%s", a->ossl);
    }
    push_result(L, md, n, raw);
    return 1;
}

static const luaL_Reg hash_funcs[] = {
    {"md5", hash_md5},
    {"sha1", hash_sha1},
    {"sha256", hash_sha256},
    {"sha512", hash_sha512},
    {"hmac", hash_hmac},
    {NULL, NULL},
};

void lib_hash_open(lua_State *L, struct clua_runtime *rt) { lib_register(L, rt, "hash", hash_funcs); }
