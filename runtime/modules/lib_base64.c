/* lib_base64: base64.encode/decode (RFC 4648 §4, standard alphabet, padded)
 * and base64.url_encode/url_decode (§5, URL-safe alphabet, unpadded; the
 * decoder accepts padding too). Hand-written rather than OpenSSL's
 * EVP_EncodeBlock/EVP_DecodeBlock: those know neither the URL-safe alphabet
 * nor unpadded input, and EVP_DecodeBlock keeps the padding's zero bytes in
 * its output. The decoders are strict: a character outside the alphabet,
 * misplaced or missing padding, a lone final character or non-zero bits
 * after the last byte is an error; ASCII whitespace (line breaks of MIME or
 * of an API's wrapped output) is skipped. */
#include <lauxlib.h>
#include <stdio.h>

#include "lib.h"

static const char std_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char url_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void encode(lua_State *L, const char *alphabet, int pad) {
    size_t len;
    const unsigned char *s = (const unsigned char *)luaL_checklstring(L, 1, &len);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    size_t i = 0;
    for (; i + 3 <= len; i += 3) {
        unsigned long v = (unsigned long)s[i] << 16 | (unsigned long)s[i + 1] << 8 | s[i + 2];
        luaL_addchar(&b, alphabet[v >> 18 & 63]);
        luaL_addchar(&b, alphabet[v >> 12 & 63]);
        luaL_addchar(&b, alphabet[v >> 6 & 63]);
        luaL_addchar(&b, alphabet[v & 63]);
    }
    if (len - i == 1) {
        unsigned long v = (unsigned long)s[i] << 16;
        luaL_addchar(&b, alphabet[v >> 18 & 63]);
        luaL_addchar(&b, alphabet[v >> 12 & 63]);
        if (pad) luaL_addlstring(&b, "==", 2);
    } else if (len - i == 2) {
        unsigned long v = (unsigned long)s[i] << 16 | (unsigned long)s[i + 1] << 8;
        luaL_addchar(&b, alphabet[v >> 18 & 63]);
        luaL_addchar(&b, alphabet[v >> 12 & 63]);
        luaL_addchar(&b, alphabet[v >> 6 & 63]);
        if (pad) luaL_addchar(&b, '=');
    }
    luaL_pushresult(&b);
}

static int value_of(const char *alphabet, unsigned char c) {
    for (int v = 0; v < 64; v++)
        if ((unsigned char)alphabet[v] == c) return v;
    return -1;
}

static int is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* Raises "NAME: invalid character "c" at byte N", with a hint when c
 * belongs to the other alphabet. */
static int bad_char(lua_State *L, const char *name, int url, unsigned char c, size_t at) {
    char shown[8];
    if (c >= 0x20 && c < 0x7f) snprintf(shown, sizeof shown, "%c", c);
    else snprintf(shown, sizeof shown, "\\x%02X", c);
    const char *hint = "";
    if (!url && (c == '-' || c == '_')) hint = " (URL-safe base64? use base64.url_decode)";
    if (url && (c == '+' || c == '/')) hint = " (standard base64? use base64.decode)";
    return luaL_error(L, "%s: invalid character \"%s\" at byte %d%s", name, shown, (int)at, hint);
}

static int decode(lua_State *L, const char *name, const char *alphabet, int url) {
    size_t len;
    const unsigned char *s = (const unsigned char *)luaL_checklstring(L, 1, &len);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    unsigned long acc = 0;
    int n = 0;           /* characters of the current group of four */
    int pads = 0;        /* '=' after them */
    size_t first_pad = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = s[i];
        if (is_space(c)) continue;
        if (c == '=') {
            if (n < 2 || n + pads >= 4)
                return luaL_error(L, "%s: misplaced padding \"=\" at byte %d", name, (int)(i + 1));
            if (pads++ == 0) first_pad = i + 1;
            continue;
        }
        if (pads > 0)
            return luaL_error(L, "%s: data after the padding at byte %d", name, (int)(i + 1));
        int v = value_of(alphabet, c);
        if (v < 0) return bad_char(L, name, url, c, i + 1);
        acc = acc << 6 | (unsigned long)v;
        if (++n == 4) {
            luaL_addchar(&b, (char)(acc >> 16 & 0xff));
            luaL_addchar(&b, (char)(acc >> 8 & 0xff));
            luaL_addchar(&b, (char)(acc & 0xff));
            acc = 0;
            n = 0;
        }
    }
    if (n == 1) return luaL_error(L, "%s: truncated input (one character after the last full group)", name);
    if (pads > 0 && n + pads != 4)
        return luaL_error(L, "%s: incomplete padding at byte %d", name, (int)first_pad);
    if (n > 0 && pads == 0 && !url)
        return luaL_error(L, "%s: missing padding \"=\" at the end (for unpadded input use base64.url_decode)", name);
    if (n == 2) {
        if (acc & 0xf) return luaL_error(L, "%s: non-zero bits after the last byte", name);
        luaL_addchar(&b, (char)(acc >> 4 & 0xff));
    } else if (n == 3) {
        if (acc & 0x3) return luaL_error(L, "%s: non-zero bits after the last byte", name);
        luaL_addchar(&b, (char)(acc >> 10 & 0xff));
        luaL_addchar(&b, (char)(acc >> 2 & 0xff));
    }
    luaL_pushresult(&b);
    return 1;
}

static int base64_encode(lua_State *L) { encode(L, std_alphabet, 1); return 1; }
static int base64_decode(lua_State *L) { return decode(L, "base64.decode", std_alphabet, 0); }
static int base64_url_encode(lua_State *L) { encode(L, url_alphabet, 0); return 1; }
static int base64_url_decode(lua_State *L) { return decode(L, "base64.url_decode", url_alphabet, 1); }

static const luaL_Reg base64_funcs[] = {
    {"encode", base64_encode},
    {"decode", base64_decode},
    {"url_encode", base64_url_encode},
    {"url_decode", base64_url_decode},
    {NULL, NULL},
};

void lib_base64_open(lua_State *L, struct clua_runtime *rt) { lib_register(L, rt, "base64", base64_funcs); }
