/* row_read: an op's row in three steps.
 *   check:  every name is resolved and every value checked (and converted)
 *           against the table as it stands; what the schema must change
 *           (new columns, widenings, a key column's first type) is only
 *           written down in rt->row;
 *   evolve: once the whole row is good, those changes are made: DDL, log
 *           lines, SchemaChanges;
 *   write:  the values of the new columns are converted.
 * A row that fails a check leaves no trace. No pointer into a table's
 * arrays is held across the step that can grow them, and every string a
 * converted value points into stays on the Lua stack until the op ends. */
#include <lauxlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_codec.h"
#include "row.h"
#include "rt.h"
#include "store.h"
#include "types.h"
#include "raise.h"

/* What resolve() found for a row's key. */
enum { RESOLVE_SKIP = -1, RESOLVE_NEW = -2 };

/* Everything the steps of one row share. */
typedef struct reader {
    lua_State *L;
    struct clua_runtime *rt;
    dest_table *t;
    const char *op;
    row_mode mode;
} reader;

static bool is_json_null(lua_State *L, int idx) {
    return lua_type(L, idx) == LUA_TLIGHTUSERDATA && lua_touserdata(L, idx) == JSON_NULL;
}

/* ---- naming the row in an error ---- */

/* Appends `value` as a script would recognise it: 7002, 1.5, true,
 * "text" (cut at 40 bytes, bytes outside printable ASCII as \xNN). A
 * string that holds a secret is "***": cut or escaped, log masking would
 * no longer recognise it. */
static void put_lua_value(lua_State *L, const redact_list *secrets, int idx, char *out, size_t n) {
    size_t w = strlen(out);
    if (w >= n) return;
    switch (lua_type(L, idx)) {
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx)) {
            snprintf(out + w, n - w, "%lld", (long long)lua_tointeger(L, idx));
        } else {
            char num[40];
            types_number_text(lua_tonumber(L, idx), num, sizeof num);
            snprintf(out + w, n - w, "%s", num);
        }
        return;
    case LUA_TBOOLEAN: snprintf(out + w, n - w, "%s", lua_toboolean(L, idx) ? "true" : "false"); return;
    case LUA_TSTRING: {
        size_t len;
        const char *s = lua_tolstring(L, idx, &len);
        if (redact_holds_secret(secrets, s, len)) {
            snprintf(out + w, n - w, "\"%s\"", REDACT_MASK);
            return;
        }
        size_t shown = len > 40 ? 40 : len;
        w += (size_t)snprintf(out + w, n - w, "\"");
        for (size_t i = 0; i < shown && w + 5 < n; i++) {
            unsigned char c = (unsigned char)s[i];
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') out[w++] = (char)c;
            else w += (size_t)snprintf(out + w, n - w, "\\x%02X", c);
        }
        out[w < n ? w : n - 1] = '\0';
        snprintf(out + strlen(out), n - strlen(out), "%s\"", shown < len ? "..." : "");
        return;
    }
    default: snprintf(out + w, n - w, "%s", luaL_typename(L, idx)); return;
    }
}

/* Pushes the table's name -> column map, making it on first use. */
static void push_column_cache(lua_State *L, dest_table *t) {
    if (t->column_cache == 0) {
        lua_newtable(L);
        t->column_cache = luaL_ref(L, LUA_REGISTRYINDEX);
    }
    lua_rawgeti(L, LUA_REGISTRYINDEX, t->column_cache);
}

/* The column the row key at index key was resolved to before, by its
 * text; -1 when none. Found, it goes into the address map too when
 * remember is set (not while an error is being written: that may not
 * allocate). */
static int cached_column(reader *r, int key, bool remember) {
    lua_State *L = r->L;
    key = lua_absindex(L, key);
    push_column_cache(L, r->t);
    lua_pushvalue(L, key);
    int ci = lua_rawget(L, -2) == LUA_TNUMBER ? (int)lua_tointeger(L, -1) : -1;
    lua_pop(L, 2);
    if (ci >= 0 && remember) ptrmap_put(L, &r->t->names, key, ci);
    return ci;
}

/* Remembers that the row key at index key names column ci. */
static void cache_column(reader *r, int key, int ci) {
    lua_State *L = r->L;
    key = lua_absindex(L, key);
    push_column_cache(L, r->t);
    lua_pushvalue(L, key);
    lua_pushinteger(L, ci);
    lua_rawset(L, -3);
    lua_pop(L, 1);
    ptrmap_put(L, &r->t->names, key, ci);
}

/* The column a row key names, without raising: -1 when none. */
static int column_of_key(reader *r, int key) {
    lua_State *L = r->L;
    int ci = cached_column(r, key, false);
    if (ci >= 0) return ci;
    size_t slen, len;
    const char *source = lua_tolstring(L, key, &slen);
    if (slen == 0 || memchr(source, '\0', slen)) return -1;
    const char *name = row_name(L, r->rt, "", source, slen, false, &len);
    return dest_table_find_column(r->t, name, len);
}

/* ` id=7002 updated_at="..."`: the row's primary-key values as the script
 * gave them (for a table without a key, the _fivetran_id that update and
 * delete give), or "" when it gives none. */
static void key_text(reader *r, char *out, size_t n) {
    lua_State *L = r->L;
    const dest_table *t = r->t;
    out[0] = '\0';
    if (!lua_checkstack(L, 6)) return;
    for (int k = 0; k < t->npk; k++) {
        lua_pushnil(L);
        while (lua_next(L, ROW_ARG_ROW)) {
            if (lua_type(L, -2) == LUA_TSTRING && !is_json_null(L, -1) &&
                column_of_key(r, lua_gettop(L) - 1) == t->pk[k]) {
                size_t w = strlen(out);
                snprintf(out + w, n - w, " %s=", t->cols[t->pk[k]].name);
                put_lua_value(L, &r->rt->secrets, -1, out, n);
            }
            lua_pop(L, 1);
        }
    }
}

/* Raises `op("table") key=value: message` with the script's file and line. */
static int row_fail(reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int row_fail(reader *r, const char *fmt, ...) {
    char msg[1024], key[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    key_text(r, key, sizeof key);
    return luaL_error(r->L, "%s(\"%s\")%s: %s", r->op, r->t->name, key, msg);
}

static int raise_store(lua_State *L, struct clua_runtime *rt) {
    rt_store_failed(rt);
    return luaL_error(L, "%s", rt->store_msg);
}

/* ---- the plan: what the row asks of the schema ---- */

static void *grow(reader *r, void *p, int *cap, size_t size) {
    int n = *cap ? *cap * 2 : 8;
    void *q = realloc(p, (size_t)n * size);
    if (!q) rt_raise_nomem(r->L, r->rt, "%s: out of memory", r->op);
    *cap = n;
    return q;
}

static row_change *change_of(row_scratch *rs, int col) {
    for (int i = 0; i < rs->nchange; i++)
        if (rs->changes[i].col == col) return &rs->changes[i];
    return NULL;
}

static void plan_change(reader *r, int col, types_kind to, int vidx) {
    row_scratch *rs = &r->rt->row;
    row_change *c = change_of(rs, col);
    if (!c) {
        if (rs->nchange == rs->capchange)
            rs->changes = grow(r, rs->changes, &rs->capchange, sizeof *rs->changes);
        c = &rs->changes[rs->nchange++];
        c->col = col;
    }
    c->to = to;
    c->why = luaL_typename(r->L, vidx);
}

/* ---- checking one value ---- */

/* Describes the Lua value at idx, of Lua type vt, as a types_input; false
 * for a value no scalar type accepts (a table, a function, ...). */
static bool input_of(lua_State *L, int idx, int vt, types_input *in) {
    switch (vt) {
    case LUA_TBOOLEAN:
        in->tag = TYPES_IN_BOOL;
        in->b = lua_toboolean(L, idx);
        return true;
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx)) {
            in->tag = TYPES_IN_INT;
            in->i = lua_tointeger(L, idx);
        } else {
            in->tag = TYPES_IN_FLOAT;
            in->f = lua_tonumber(L, idx);
        }
        return true;
    case LUA_TSTRING:
        in->tag = TYPES_IN_STRING;
        in->s = lua_tolstring(L, idx, &in->len);
        return true;
    default: return false;
    }
}

/* The type a value would give an undeclared column; TYPES_COUNT for a
 * value no column can hold. A table is JSON for a new column. */
static types_kind value_kind(lua_State *L, int idx) {
    types_input in;
    int vt = lua_type(L, idx);
    if (vt == LUA_TTABLE) return TYPES_JSON;
    return input_of(L, idx, vt, &in) ? types_infer(in.tag) : TYPES_COUNT;
}

/* The ladder an undeclared column climbs: BOOLEAN < LONG < DOUBLE < STRING. */
static bool on_ladder(types_kind k) {
    return k == TYPES_BOOLEAN || k == TYPES_LONG || k == TYPES_DOUBLE || k == TYPES_STRING;
}

/* Where an undeclared column of kind have must go to hold the value at
 * vidx without changing it or any value it holds: a double cannot hold
 * every integer, so integers it would round send the column to STRING. */
static types_kind ladder_target(reader *r, int ci, types_kind have, int vidx) {
    lua_State *L = r->L;
    types_kind got = value_kind(L, vidx);
    if (got == TYPES_COUNT) return have; /* the conversion reports it */
    if (got == TYPES_JSON) got = TYPES_STRING; /* a table in a scalar column: its JSON text */
    types_kind want = types_join(have, got);
    if (want != TYPES_DOUBLE) return want;
    if (lua_isinteger(L, vidx) && !types_exact_double(lua_tointeger(L, vidx))) return TYPES_STRING;
    if (have == TYPES_LONG && r->t->cols[ci].type.kind == TYPES_LONG) {
        bool exact;
        if (store_column_exact_double(r->rt->st, r->t, ci, &exact) != 0) raise_store(L, r->rt);
        if (!exact) return TYPES_STRING;
    }
    return want;
}

/* Encodes the value at vidx as the JSON text of column c (name) into buf. */
static void encode_json(reader *r, const char *name, const types_type *type, int vidx,
                        strbuf *buf) {
    struct clua_runtime *rt = r->rt;
    strbuf_clear(buf);
    int rc = json_encode(r->L, vidx, buf, &rt->keys, rt->msg, sizeof rt->msg);
    if (rc != 0) {
        rt_note_json_error(rt, rc);
        row_fail(r, "column \"%s\" is %s: %s", name, types_name(type->kind), rt->msg);
    }
}

/* Converts the value at vidx (of Lua type vt) for column ci, of type type
 * (the column's type once this row's changes are made), into the table's
 * scratch. */
static void convert_into(reader *r, int ci, const types_type *type, int vidx, int vt) {
    lua_State *L = r->L;
    struct clua_runtime *rt = r->rt;
    dest_column *c = &r->t->cols[ci];
    types_value *v = &r->t->vals[ci];
    if (type->kind == TYPES_JSON ||
        (!c->declared && type->kind == TYPES_STRING && vt == LUA_TTABLE)) {
        /* The text lives in the column's own buffer, which moves with it. */
        encode_json(r, c->name, type, vidx, &c->json);
        v->tag = TYPES_SQL_TEXT;
        v->p = strbuf_cstr(&c->json);
        v->len = c->json.len;
        return;
    }
    types_input in;
    char tyname[48];
    if (!input_of(L, vidx, vt, &in)) {
        types_format(type, tyname, sizeof tyname);
        row_fail(r, "column \"%s\" is %s, got %s", c->name, tyname, luaL_typename(L, vidx));
    }
    /* On the ladder a boolean is the number 0 or 1 (and stays a boolean
     * to the row's hash). */
    bool boolean = false;
    if (!c->declared && in.tag == TYPES_IN_BOOL &&
        (type->kind == TYPES_LONG || type->kind == TYPES_DOUBLE)) {
        in.tag = TYPES_IN_INT;
        in.i = in.b;
        boolean = true;
    }
    if (!types_convert_direct(type->kind, &in, v) &&
        types_convert(type, &in, v, rt->msg, sizeof rt->msg) != 0) {
        /* The message shows the value cut and escaped, which log masking
         * would not recognise: a secret is not shown at all. */
        if (in.tag == TYPES_IN_STRING && redact_holds_secret(&rt->secrets, in.s, in.len)) {
            types_format(type, tyname, sizeof tyname);
            row_fail(r, "column \"%s\" is %s, got a string that holds a secret (%s)", c->name,
                     tyname, REDACT_MASK);
        }
        row_fail(r, "column \"%s\" %s", c->name, rt->msg);
    }
    v->boolean = boolean;
}

/* Checks the value at vidx (of Lua type vt) for existing column ci and
 * converts it, planning the change of type it needs. */
static void check_value(reader *r, int ci, int vidx, int vt) {
    lua_State *L = r->L;
    if (vt == LUA_TLIGHTUSERDATA && lua_touserdata(L, vidx) == JSON_NULL) {
        r->t->vals[ci].tag = TYPES_SQL_NULL;
        return;
    }
    const dest_column *c = &r->t->cols[ci];
    types_type type = c->type;
    const row_change *planned = r->rt->row.nchange ? change_of(&r->rt->row, ci) : NULL;
    if (planned) type.kind = planned->to;
    if (type.kind == CATALOG_TYPE_PENDING) {
        type.kind = value_kind(L, vidx);
        if (type.kind == TYPES_COUNT)
            row_fail(r, "column \"%s\" cannot hold a %s", c->name, luaL_typename(L, vidx));
        plan_change(r, ci, type.kind, vidx);
    } else if (!c->declared && on_ladder(type.kind)) {
        types_kind want = ladder_target(r, ci, type.kind, vidx);
        if (want != type.kind) {
            plan_change(r, ci, want, vidx);
            type.kind = want;
        }
    }
    convert_into(r, ci, &type, vidx, vt);
}

/* ---- resolving names ---- */

/* Writes down a column the table lacks, for the key at -2 and its value at
 * -1, and keeps both on the stack (a copy of the key goes on top for
 * lua_next). Returns RESOLVE_NEW. */
static int plan_new(reader *r, const char *name, size_t len) {
    lua_State *L = r->L;
    struct clua_runtime *rt = r->rt;
    row_scratch *rs = &rt->row;
    types_kind kind = value_kind(L, -1);
    if (kind == TYPES_COUNT)
        row_fail(r, "column \"%s\" cannot hold a %s", name, luaL_typename(L, -1));
    if (kind == TYPES_JSON) {
        types_type json = {TYPES_JSON, 0, 0};
        encode_json(r, name, &json, -1, &rt->json); /* only to check it can be */
    }
    /* Two spellings of one new name in a row: the later value wins. */
    for (int i = 0; i < rs->nnew; i++)
        if (catalog_same_name(rs->names.p + rs->news[i].name_at, rs->news[i].name_len, name, len))
            rs->news[i].kind = TYPES_COUNT;
    if (rs->nnew == rs->capnew) rs->news = grow(r, rs->news, &rs->capnew, sizeof *rs->news);
    row_new *n = &rs->news[rs->nnew];
    n->name_at = rs->names.len;
    n->name_len = len;
    n->kind = kind;
    if (strbuf_append(&rs->names, name, len) != 0) rt_raise_nomem(L, r->rt, "%s: out of memory", r->op);
    if (!lua_checkstack(L, 3))
        rt_raise_nomem(L, r->rt, "%s: out of memory (Lua stack)", r->op);
    lua_pushvalue(L, -2);
    n->key_idx = lua_gettop(L) - 2;
    n->val_idx = lua_gettop(L) - 1;
    rs->nnew++;
    return RESOLVE_NEW;
}

/* --strict: a row that names a column schema() did not declare (for a
 * table without a key, _fivetran_id is the runtime's and allowed) is
 * refused, with the name as the script wrote it and the declared ones in
 * the table's order. */
static void strict_column(reader *r, const char *source) {
    const dest_table *t = r->t;
    char list[600];
    size_t w = 0;
    list[0] = '\0';
    for (int i = 0; i < t->ncols; i++) {
        const dest_column *c = &t->cols[i];
        if (!c->in_schema) continue;
        if (w + c->name_len + 8 >= sizeof list) {
            snprintf(list + w, sizeof list - w, ", ...");
            break;
        }
        w += (size_t)snprintf(list + w, sizeof list - w, "%s%s", w ? ", " : "", c->name);
    }
    row_fail(r, "--strict: column \"%s\" is not declared; \"%s\" declares %s", source, t->name,
             list[0] ? list : "no columns");
}

/* The column the row key at -2 (its value at -1) names, caching the answer
 * in the table's name map; RESOLVE_SKIP for a key this op ignores,
 * RESOLVE_NEW for a column the table does not have yet (plan_new). */
static int resolve(reader *r) {
    lua_State *L = r->L;
    dest_table *t = r->t;
    size_t slen, len;
    const char *source = lua_tolstring(L, -2, &slen);
    if (slen == 0 || memchr(source, '\0', slen))
        row_fail(r, "column name \"%s\" is empty or holds a NUL byte", source);
    const char *name = row_name(L, r->rt, "", source, slen, false, &len);
    int ci = dest_table_find_column(t, name, len);
    bool is_id = dest_table_hashed(t) && ci == t->pk[0];
    if (catalog_reserved_name(name, len) && !is_id)
        row_fail(r, "column \"%s\" is reserved for the runtime", name);
    if (r->rt->opt->strict && !is_id && (ci < 0 || !t->cols[ci].in_schema))
        strict_column(r, source);
    if (ci < 0) {
        if (r->mode == ROW_KEYS || is_json_null(L, -1)) return RESOLVE_SKIP; /* not made for a null */
        return plan_new(r, name, len);
    }
    row_note_source(L, r->rt, &t->cols[ci].source, "column", source, slen, t->cols[ci].name);
    cache_column(r, -2, ci);
    return ci;
}

static void check_keys(reader *r) {
    dest_table *t = r->t;
    if (dest_table_hashed(t)) {
        if (r->mode == ROW_UPSERT) return; /* the runtime computes it */
        int id = t->pk[0];
        if (!t->present[id] || t->vals[id].tag == TYPES_SQL_NULL)
            row_fail(r, "table \"%s\" has no primary key, so the row must give its _fivetran_id",
                     t->name);
        return;
    }
    for (int k = 0; k < t->npk; k++) {
        int ci = t->pk[k];
        if (!t->present[ci]) row_fail(r, "primary-key column \"%s\" is missing", t->cols[ci].name);
        /* SQLite stores NaN as NULL: a NaN key is a null key. */
        const types_value *v = &t->vals[ci];
        if (v->tag == TYPES_SQL_NULL || (v->tag == TYPES_SQL_REAL && v->f != v->f))
            row_fail(r, "primary-key column \"%s\" is %s", t->cols[ci].name,
                     v->tag == TYPES_SQL_NULL ? "null" : "NaN");
    }
}

/* The column the row key at -2 (its value at -1) names, when its address
 * is not known yet: checks it is a string, then looks for its text in the
 * table's name map, else resolves it (see resolve). */
static int column_of_row_key(reader *r) {
    lua_State *L = r->L;
    if (lua_type(L, -2) != LUA_TSTRING) {
        char key[128] = "";
        if (lua_type(L, -2) == LUA_TNUMBER || lua_type(L, -2) == LUA_TBOOLEAN)
            put_lua_value(L, &r->rt->secrets, -2, key, sizeof key);
        row_fail(r, "column names must be strings, got %s%s%s", luaL_typename(L, -2),
                 key[0] ? " " : "", key);
    }
    if (!lua_checkstack(L, 4)) rt_raise_nomem(L, r->rt, "%s: out of memory (Lua stack)", r->op);
    int ci = cached_column(r, -2, true);
    return ci >= 0 ? ci : resolve(r);
}

/* The check step: reads every key of the row. */
static void check_row(reader *r) {
    lua_State *L = r->L;
    dest_table *t = r->t;
    bool upsert_hashed = r->mode == ROW_UPSERT && dest_table_hashed(t); /* once a row, not a column */
    /* Kept strings that fit in the stack slots known to be free: each
     * holds two (its value, and the key copy lua_next takes). */
    int room = 0;
    lua_pushnil(L);
    while (lua_next(L, ROW_ARG_ROW)) {
        /* The address of a name seen before answers at once (ptrmap.h). */
        int ci = (int)ptrmap_get(&t->names, lua_topointer(L, -2));
        if (ci < 0) ci = column_of_row_key(r);
        if (ci == RESOLVE_NEW) { /* key and value stay on the stack */
            room = 0; /* their slots were not counted: check again */
            continue;
        }
        if (ci >= 0 && (r->mode != ROW_KEYS || t->cols[ci].pk_pos)) {
            if (upsert_hashed && t->cols[ci].pk_pos)
                row_fail(r, "column \"_fivetran_id\" is computed by the runtime from the row's "
                            "values");
            int vt = lua_type(L, -1);
            check_value(r, ci, -1, vt);
            t->present[ci] = 1;
            /* A string value is bound where it is: keep it alive until the op ends. */
            if (vt == LUA_TSTRING) {
                if (room-- == 0) {
                    if (!lua_checkstack(L, 32))
                        rt_raise_nomem(L, r->rt, "%s: out of memory (Lua stack)", r->op);
                    room = 14; /* 29 slots with this one, and lua_next's */
                }
                lua_pushvalue(L, -2);
                continue;
            }
        }
        lua_pop(L, 1);
    }
    check_keys(r);
}

/* A row whose new columns would take its table past the destination's
 * limit is refused with that limit named, before any column is added
 * (SQLite's own message names a table of its own: "too many columns on
 * sqlite_altertab_wide"). */
static void check_width(reader *r) {
    int news = 0;
    for (int i = 0; i < r->rt->row.nnew; i++) news += r->rt->row.news[i].kind != TYPES_COUNT;
    if (news == 0) return;
    int limit = store_column_limit(r->rt->st), want = r->t->ncols + news + 2;
    if (want > limit) {
        const char *dest = r->rt->st->m->name;
        bool sqlite = strcmp(dest, "SQLite") == 0;
        row_fail(r, "the row's %d new column%s would give table \"%s\" %d columns with "
                    "_fivetran_synced and _fivetran_deleted; %s allows at most %d in a table%s",
                 news, news == 1 ? "" : "s", r->t->name, want, dest, limit,
                 sqlite ? " (SQLITE_LIMIT_COLUMN)" : "");
    }
}

/* ---- evolve and write ---- */

static void evolve(reader *r) {
    lua_State *L = r->L;
    struct clua_runtime *rt = r->rt;
    dest_table *t = r->t;
    row_scratch *rs = &rt->row;
    if (t->pending) row_create_pending(L, rt, t);
    for (int i = 0; i < rs->nchange; i++) {
        dest_column *c = &t->cols[rs->changes[i].col];
        types_type from = c->type;
        c->type.kind = rs->changes[i].to;
        if (from.kind == CATALOG_TYPE_PENDING) { /* a key column's first value */
            if (store_set_column_type(rt->st, t, rs->changes[i].col) != 0) raise_store(L, rt);
            continue;
        }
        if (store_widen_column(rt->st, t, rs->changes[i].col, &from) != 0) {
            c->type = from;
            raise_store(L, rt);
        }
        rt->summary.schema_changes++;
        log_printf(&rt->log, CLUA_LOG_INFO, "INFO",
                   "widened column \"%s\" of table \"%s\" from %s to %s for a %s value", c->name,
                   t->name, types_name(from.kind), types_name(c->type.kind), rs->changes[i].why);
    }
    for (int i = 0; i < rs->nnew; i++) {
        row_new *n = &rs->news[i];
        if (n->kind == TYPES_COUNT) continue; /* another spelling of a later one */
        types_type type = {n->kind, 0, 0};
        int ci = dest_table_add_column(t, rs->names.p + n->name_at, n->name_len, type, 0);
        if (ci < 0) rt_raise_nomem(L, rt, "%s: out of memory", r->op);
        if (store_add_column(rt->st, t, ci) != 0) {
            dest_table_drop_last_column(t);
            raise_store(L, rt);
        }
        rt->summary.schema_changes++;
        log_printf(&rt->log, CLUA_LOG_INFO, "INFO", "added column \"%s\" %s to table \"%s\"",
                   t->cols[ci].name, types_name(n->kind), t->name);
        size_t slen;
        const char *source = lua_tolstring(L, n->key_idx, &slen);
        row_note_source(L, rt, &t->cols[ci].source, "column", source, slen, t->cols[ci].name);
        cache_column(r, n->key_idx, ci);
        /* write: a value always fits the type it gave its own column */
        convert_into(r, ci, &type, n->val_idx, lua_type(L, n->val_idx));
        t->present[ci] = 1;
    }
}

void row_read(lua_State *L, struct clua_runtime *rt, dest_table *t, const char *op, row_mode mode) {
    if (lua_type(L, ROW_ARG_ROW) != LUA_TTABLE)
        raise_error(L, "%s(\"%s\"): the row must be a table, got %s", op, t->name,
                   row_arg_typename(L, rt, ROW_ARG_ROW));
    reader r = {L, rt, t, op, mode};
    row_scratch *rs = &rt->row;
    rs->nnew = rs->nchange = 0;
    strbuf_clear(&rs->names);
    memset(t->present, 0, (size_t)t->ncols);
    check_row(&r);
    check_width(&r);
    evolve(&r);
}
