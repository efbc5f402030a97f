/* schema: reads the declarations schema() returned and brings the catalog
 * and the database in line with them (see schema.h), raising with
 * raise_error on a declaration that is wrong. It never calls into Lua (the
 * host, script.c, calls schema()), and the SQL is store_sqlite.c's. */
#include "schema.h"

#include <lauxlib.h>
#include <stdio.h>
#include <string.h>

#include "row.h"
#include "rt.h"
#include "raise.h"

#define RESET_HINT "run `connector-lua reset` to start afresh"

static void check_name(lua_State *L, const char *what, const char *name, size_t len,
                       const char *table_name) {
    if (len == 0 || memchr(name, '\0', len))
        raise_error(L, "schema(): table \"%s\": %s name \"%s\" is empty or holds a NUL byte",
                   table_name, what, name);
    if (catalog_reserved_name(name, len))
        raise_error(L, "schema(): table \"%s\": column \"%s\" is reserved for the runtime",
                   table_name, name);
}

static void known_types(char *buf, size_t n) {
    size_t used = 0;
    buf[0] = '\0';
    for (int k = 0; k < TYPES_COUNT && used < n; k++)
        used += (size_t)snprintf(buf + used, n - used, "%s%s", k ? ", " : "", types_name(k));
}

/* Reads a column's type: "INT", or { type = "DECIMAL", precision = 15, scale = 2 }. */
static types_type parse_type(lua_State *L, int idx, const char *tname, const char *cname) {
    types_type type = {TYPES_STRING, 0, 0};
    idx = lua_absindex(L, idx);
    int is_table = lua_type(L, idx) == LUA_TTABLE;
    if (is_table) lua_getfield(L, idx, "type");
    else lua_pushvalue(L, idx);
    if (lua_type(L, -1) != LUA_TSTRING)
        raise_error(L,
                   "schema(): table \"%s\" column \"%s\": the type must be a name such as "
                   "\"STRING\" or a table such as { type = \"DECIMAL\", precision = 15, scale = 2 }, "
                   "got %s",
                   tname, cname, luaL_typename(L, -1));
    size_t len;
    const char *name = lua_tolstring(L, -1, &len);
    if (!types_from_name(name, len, &type.kind)) {
        char known[256];
        known_types(known, sizeof known);
        raise_error(L, "schema(): table \"%s\" column \"%s\": unknown type \"%s\" (known: %s)",
                   tname, cname, name, known);
    }
    lua_pop(L, 1);
    if (type.kind != TYPES_DECIMAL) return type;
    int ok_p = 0, ok_s = 0;
    if (is_table) {
        lua_getfield(L, idx, "precision");
        lua_getfield(L, idx, "scale");
        lua_Integer p = lua_tointegerx(L, -2, &ok_p), s = lua_tointegerx(L, -1, &ok_s);
        lua_pop(L, 2);
        /* Checked before narrowing to int, so 2^32 + 15 is not taken for 15. */
        if (ok_p && ok_s &&
            (p < 1 || p > TYPES_DECIMAL_MAX_PRECISION || s < 0 || s > p))
            raise_error(L,
                       "schema(): table \"%s\" column \"%s\": DECIMAL(%I,%I) is out of range "
                       "(precision 1 to %d, scale 0 to precision)",
                       tname, cname, p, s, TYPES_DECIMAL_MAX_PRECISION);
        type.precision = (int)p;
        type.scale = (int)s;
    }
    if (!ok_p || !ok_s)
        raise_error(L,
                   "schema(): table \"%s\" column \"%s\": DECIMAL needs precision and scale: "
                   "{ type = \"DECIMAL\", precision = 15, scale = 2 }",
                   tname, cname);
    return type;
}

static bool same_type(const types_type *a, const types_type *b) {
    return a->kind == b->kind &&
           (a->kind != TYPES_DECIMAL || (a->precision == b->precision && a->scale == b->scale));
}

static _Noreturn void raise_store(lua_State *L, struct clua_runtime *rt) {
    rt_store_failed(rt);
    raise_error(L, "schema(): %s", rt->store_msg);
}

/* Brings one column of an existing or new table in line with its
 * declaration. source is the name as schema() wrote it; cname its
 * normalised form. A type of CATALOG_TYPE_PENDING declares no type. */
static void apply_column(lua_State *L, struct clua_runtime *rt, dest_table *t, const char *source,
                         size_t slen, const char *cname, size_t clen, const types_type *type,
                         int pk_pos, bool is_new_table) {
    int ci = dest_table_find_column(t, cname, clen);
    bool typed = type->kind != CATALOG_TYPE_PENDING;
    if (ci < 0) {
        if (!is_new_table && pk_pos)
            raise_error(L,
                       "schema(): table \"%s\": the primary key now includes \"%s\", which the "
                       "table does not have; " RESET_HINT,
                       t->name, cname);
        ci = dest_table_add_column(t, cname, clen, *type, pk_pos);
        if (ci < 0) rt_raise_nomem(L, rt, "schema(): out of memory");
        t->cols[ci].declared = typed;
        t->cols[ci].in_schema = true;
        row_note_source(L, rt, &t->cols[ci].source, "column", source, slen,
                        t->cols[ci].name);
        if (!is_new_table) {
            if (store_add_column(rt->st, t, ci) != 0) raise_store(L, rt);
            rt->summary.schema_changes++;
            char tyname[48];
            types_format(&t->cols[ci].type, tyname, sizeof tyname);
            log_printf(&rt->log, CLUA_LOG_INFO, "INFO", "added column \"%s\" %s to table \"%s\"",
                       t->cols[ci].name, typed ? tyname : "(type from its first value)", t->name);
        }
        return;
    }
    dest_column *c = &t->cols[ci];
    c->in_schema = true;
    if (c->source && typed && c->declared && !same_type(&c->type, type)) {
        char a[48], b[48];
        types_format(&c->type, a, sizeof a);
        types_format(type, b, sizeof b);
        raise_error(L,
                   "schema(): table \"%s\": columns \"%s\" (%s) and \"%s\" (%s) both become "
                   "\"%s\"; give them one type or names that stay apart",
                   t->name, c->source, a, source, b, c->name);
    }
    row_note_source(L, rt, &c->source, "column", source, slen, c->name);
    if (typed && !c->declared) {
        c->declared = true; /* from now on data never widens it */
        if (same_type(&c->type, type) && store_set_column_type(rt->st, t, ci) != 0)
            raise_store(L, rt);
    }
    if (!typed || same_type(&c->type, type)) return;
    if (c->type.kind == CATALOG_TYPE_PENDING) {
        c->type = *type;
        if (store_set_column_type(rt->st, t, ci) != 0) raise_store(L, rt);
        return;
    }
    char was[48], now[48];
    types_format(&c->type, was, sizeof was);
    types_format(type, now, sizeof now);
    if (!types_widens(&c->type, type))
        raise_error(L,
                   "schema(): table \"%s\" column \"%s\" is %s in the database; declaring it %s "
                   "could lose data; " RESET_HINT,
                   t->name, cname, was, now);
    types_type from = c->type;
    c->type = *type;
    if (store_widen_column(rt->st, t, ci, &from) != 0) raise_store(L, rt);
    rt->summary.schema_changes++;
    log_printf(&rt->log, CLUA_LOG_INFO, "INFO", "widened column \"%s\" of table \"%s\" from %s to %s",
               c->name, t->name, was, now);
}

/* Byte order, not the locale's collation (lua_compare uses strcoll), so
 * the order is the same on every machine. */
static int byte_less(lua_State *L, int a, int b) {
    size_t alen, blen;
    const char *x = lua_tolstring(L, a, &alen), *y = lua_tolstring(L, b, &blen);
    int c = memcmp(x, y, alen < blen ? alen : blen);
    return c < 0 || (c == 0 && alen < blen);
}

/* The column names of the columns table at idx, sorted, as a new Lua array
 * on the stack: declaration order is lost in a Lua table, so sorting keeps
 * the database's column order the same from run to run. */
static int sorted_columns(lua_State *L, int idx, const char *tname) {
    lua_newtable(L);
    int n = 0;
    if (lua_isnil(L, idx)) return 0;
    if (lua_type(L, idx) != LUA_TTABLE)
        raise_error(L, "schema(): table \"%s\": columns must be a table of name = type, got %s",
                   tname, luaL_typename(L, idx));
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING)
            raise_error(L, "schema(): table \"%s\": column names must be strings, got %s", tname,
                       luaL_typename(L, -1));
        /* insertion sort into the array at -2 */
        int i = n++;
        while (i > 0) {
            lua_rawgeti(L, -2, i);
            int less = byte_less(L, -2, -1);
            if (!less) {
                lua_pop(L, 1);
                break;
            }
            lua_rawseti(L, -3, i + 1);
            i--;
        }
        lua_pushvalue(L, -1);
        lua_rawseti(L, -3, i + 1);
    }
    return n;
}

static void check_fields(lua_State *L, int decl, int entry) {
    lua_getfield(L, decl, "table");
    char where[300];
    if (lua_type(L, -1) == LUA_TSTRING) snprintf(where, sizeof where, "table \"%s\"", lua_tostring(L, -1));
    else snprintf(where, sizeof where, "entry %d", entry);
    lua_pop(L, 1);
    lua_pushnil(L);
    while (lua_next(L, decl)) {
        lua_pop(L, 1);
        const char *k = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
        if (!k || (strcmp(k, "table") && strcmp(k, "primary_key") && strcmp(k, "columns") &&
                   strcmp(k, "history")))
            raise_error(L,
                       "schema(): %s: unknown field %s (the fields are table, "
                       "primary_key, columns and history)",
                       where, k ? k : luaL_typename(L, -1));
    }
}

/* The primary-key names at pk as a list (a lone name is a one-column key). */
static int key_list(lua_State *L, int pk, const char *tname) {
    if (lua_type(L, pk) == LUA_TSTRING) {
        lua_createtable(L, 1, 0);
        lua_pushvalue(L, pk);
        lua_rawseti(L, -2, 1);
        lua_replace(L, pk);
    }
    if (!lua_isnil(L, pk) && lua_type(L, pk) != LUA_TTABLE)
        raise_error(L, "schema(): table \"%s\": primary_key must be a list of column names, got %s",
                   tname, luaL_typename(L, pk));
    return lua_isnil(L, pk) ? 0 : (int)lua_rawlen(L, pk);
}

/* A declaration without a primary key: the table is keyed by _fivetran_id. */
static void apply_hash_key(lua_State *L, struct clua_runtime *rt, dest_table *t, bool is_new) {
    if (!is_new) {
        if (!dest_table_hashed(t))
            raise_error(L,
                       "schema(): table \"%s\" has a primary key in the database and none in "
                       "schema(); " RESET_HINT,
                       t->name);
        return;
    }
    types_type id_type = {TYPES_STRING, 0, 0};
    int id = dest_table_add_column(t, CATALOG_ID_COLUMN, strlen(CATALOG_ID_COLUMN), id_type, 1);
    if (id < 0) rt_raise_nomem(L, rt, "schema(): out of memory");
    t->cols[id].declared = true;
}

/* Applies the primary-key columns named at pk (npk of them). */
static void apply_key(lua_State *L, struct clua_runtime *rt, dest_table *t, int pk, int npk, int cols,
                      bool is_new) {
    if (!is_new && (dest_table_hashed(t) || t->npk != npk))
        raise_error(L,
                   "schema(): table \"%s\": the primary key has %d column(s) in the database "
                   "and %d in schema(); " RESET_HINT,
                   t->name, dest_table_hashed(t) ? 0 : t->npk, npk);
    for (int k = 1; k <= npk; k++) {
        lua_rawgeti(L, pk, k);
        size_t slen, clen;
        const char *source = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, &slen) : NULL;
        if (!source)
            raise_error(L, "schema(): table \"%s\": primary-key column %d must be a string, got %s",
                       t->name, k, luaL_typename(L, -1));
        char what[300];
        snprintf(what, sizeof what, "schema(): table \"%s\": primary-key column", t->name);
        const char *cname = row_name(L, rt, what, source, slen, false, &clen);
        check_name(L, "primary-key column", cname, clen, t->name);
        int ci = dest_table_find_column(t, cname, clen);
        if (ci >= 0 && t->cols[ci].pk_pos != k) {
            if (is_new)
                raise_error(L, "schema(): table \"%s\": primary-key column \"%s\" is named twice",
                           t->name, cname);
            raise_error(L,
                       "schema(): table \"%s\": the primary key in the database differs from the "
                       "one declared (\"%s\" is not column %d of it); " RESET_HINT,
                       t->name, cname, k);
        }
        types_type type = {CATALOG_TYPE_PENDING, 0, 0};
        if (lua_type(L, cols) == LUA_TTABLE) {
            lua_pushvalue(L, -1);
            if (lua_rawget(L, cols) != LUA_TNIL) type = parse_type(L, -1, t->name, cname);
            lua_pop(L, 1);
        }
        apply_column(L, rt, t, source, slen, cname, clen, &type, k, is_new);
        lua_pop(L, 1);
    }
}

/* Reads the history field at idx: false/nil (off), true (versions start at
 * the op's time) or { start = "col" } (at that UTC_DATETIME column's
 * value). Returns whether history is asked for; *start is 1 + the start
 * column's index, or 0. */
static bool parse_history(lua_State *L, struct clua_runtime *rt, dest_table *t, int idx, int *start) {
    *start = 0;
    if (lua_isnil(L, idx) || (lua_isboolean(L, idx) && !lua_toboolean(L, idx))) return false;
    if (lua_isboolean(L, idx)) return true;
    if (lua_type(L, idx) == LUA_TTABLE) {
        lua_pushnil(L);
        while (lua_next(L, idx)) {
            lua_pop(L, 1);
            if (lua_type(L, -1) != LUA_TSTRING || strcmp(lua_tostring(L, -1), "start"))
                raise_error(L, "schema(): table \"%s\": history has an unknown field %s (the one "
                              "field is start)",
                           t->name, luaL_tolstring(L, -1, NULL));
        }
        lua_getfield(L, idx, "start");
        size_t slen, clen;
        const char *source = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, &slen) : NULL;
        if (source) {
            char what[300];
            snprintf(what, sizeof what, "schema(): table \"%s\": history start column", t->name);
            const char *cname = row_name(L, rt, what, source, slen, false, &clen);
            int ci = dest_table_find_column(t, cname, clen);
            if (ci < 0 || !t->cols[ci].in_schema || t->cols[ci].type.kind != TYPES_UTC_DATETIME)
                raise_error(L,
                           "schema(): table \"%s\": history start column \"%s\" must be declared "
                           "in columns as UTC_DATETIME",
                           t->name, source);
            *start = ci + 1;
            lua_pop(L, 1);
            return true;
        }
    }
    raise_error(L,
               "schema(): table \"%s\": history must be true or { start = \"column\" } (a "
               "UTC_DATETIME column), got %s",
               t->name, luaL_typename(L, idx));
    return false;
}

/* Brings t's history mode in line with the declaration at decl. */
static void apply_history(lua_State *L, struct clua_runtime *rt, dest_table *t, int decl, bool is_new) {
    lua_getfield(L, decl, "history");
    int start;
    bool want = parse_history(L, rt, t, lua_gettop(L), &start);
    lua_pop(L, 1);
    if (!want) {
        if (t->history)
            raise_error(L,
                       "schema(): table \"%s\" keeps history in the database and schema() no "
                       "longer asks for it: switching history off is refused (it would lose the "
                       "versions); declare history again, or " RESET_HINT " (every table is "
                       "dropped) or move the output elsewhere with --output",
                       t->name);
        return;
    }
    bool was = t->history, moved = t->history_start != start;
    t->history_start = start;
    if (is_new) {
        t->history = true;
        return;
    }
    if (!was) {
        if (store_history_enable(rt->st, t, rt_now(rt)) != 0) raise_store(L, rt);
        rt->summary.schema_changes++;
        log_printf(&rt->log, CLUA_LOG_INFO, "INFO",
                   "switched history on for table \"%s\": each live row is now an active version",
                   t->name);
    } else if (moved && store_history_record(rt->st, t) != 0) {
        raise_store(L, rt);
    }
}

/* Applies one declaration, the table at decl. */
static void apply_table(lua_State *L, struct clua_runtime *rt, int decl, int entry) {
    check_fields(L, decl, entry);
    lua_getfield(L, decl, "table");
    size_t slen = 0, tlen;
    const char *source = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, &slen) : NULL;
    if (!source || slen == 0 || memchr(source, '\0', slen))
        raise_error(L, "schema(): entry %d: \"table\" must be a non-empty name, got %s", entry,
                   source ? "an empty or NUL-holding string" : luaL_typename(L, -1));
    const char *tname = row_name(L, rt, "schema(): table", source, slen, true, &tlen);
    if (catalog_reserved_table(tname, tlen))
        raise_error(L, "schema(): table name \"%s\" is reserved (sqlite_... belongs to SQLite, "
                      "_clua_... to the runtime)", tname);
    dest_table *t = catalog_find(&rt->cat, tname, tlen);
    if (t && t->declared)
        raise_error(L, "schema(): table \"%s\" is declared twice%s%s%s", t->name,
                   t->source && strcmp(t->source, source) ? " (as \"" : "",
                   t->source && strcmp(t->source, source) ? t->source : "",
                   t->source && strcmp(t->source, source) ? "\" before)" : "");
    bool is_new = t == NULL;
    if (is_new && !(t = catalog_add(&rt->cat, tname, tlen))) rt_raise_nomem(L, rt, "schema(): out of memory");
    t->declared = true;
    row_note_source(L, rt, &t->source, "table", source, slen, t->name);

    lua_getfield(L, decl, "primary_key");
    int pk = lua_gettop(L);
    int npk = key_list(L, pk, t->name);
    lua_getfield(L, decl, "columns");
    int cols = lua_gettop(L);
    int ncols = sorted_columns(L, cols, t->name);
    int order = lua_gettop(L);

    if (npk == 0) apply_hash_key(L, rt, t, is_new);
    else apply_key(L, rt, t, pk, npk, cols, is_new);
    for (int i = 1; i <= ncols; i++) {
        lua_rawgeti(L, order, i);
        size_t csl, clen;
        const char *csource = lua_tolstring(L, -1, &csl);
        lua_pushvalue(L, -1);
        lua_rawget(L, cols);
        types_type type = parse_type(L, -1, t->name, csource);
        lua_pop(L, 1);
        char what[300];
        snprintf(what, sizeof what, "schema(): table \"%s\": column", t->name);
        const char *cname = row_name(L, rt, what, csource, csl, false, &clen);
        check_name(L, "column", cname, clen, t->name);
        int ci = dest_table_find_column(t, cname, clen);
        if (!(ci >= 0 && t->cols[ci].pk_pos))
            apply_column(L, rt, t, csource, csl, cname, clen, &type, 0, is_new);
        lua_pop(L, 1);
    }
    apply_history(L, rt, t, decl, is_new);
    if (is_new) {
        if (store_create_table(rt->st, t) != 0 || (t->history && store_history_record(rt->st, t) != 0))
            raise_store(L, rt);
        rt->summary.schema_changes++;
        log_printf(&rt->log, CLUA_LOG_FINE, "FINE", "created table \"%s\"", t->name);
    }
    lua_settop(L, decl);
}

void schema_apply(lua_State *L, struct clua_runtime *rt, int idx) {
    idx = lua_absindex(L, idx);
    if (lua_isnil(L, idx)) return;
    if (lua_type(L, idx) != LUA_TTABLE)
        raise_error(L, "schema(): must return a list of table declarations, got %s",
                   luaL_typename(L, idx));
    int n = (int)lua_rawlen(L, idx);
    /* A list and nothing else: one declaration returned bare ({ table = ... })
     * or a list with holes would otherwise be skipped without a word. */
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        lua_Integer k = lua_isinteger(L, -1) ? lua_tointeger(L, -1) : 0;
        if (k < 1 || k > n) {
            const char *key = luaL_tolstring(L, -1, NULL);
            raise_error(L,
                       "schema(): must return a list of table declarations, { { table = ... }, "
                       "... }; got a table with key %s%s",
                       key, lua_type(L, -2) == LUA_TSTRING ? " (one declaration not in a list?)" : "");
        }
    }
    for (int i = 1; i <= n; i++) {
        int top = lua_gettop(L);
        lua_rawgeti(L, idx, i);
        if (lua_type(L, -1) != LUA_TTABLE)
            raise_error(L, "schema(): entry %d must be a table such as { table = \"user\", "
                          "primary_key = {\"id\"} }, got %s",
                       i, luaL_typename(L, -1));
        apply_table(L, rt, lua_gettop(L), i);
        lua_settop(L, top);
    }
}
