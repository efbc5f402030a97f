/* row: names, tables and row hashes for the op path (row.h); reading a
 * row is row_read.c. */
#include "row.h"

#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_codec.h"
#include "names.h"
#include "rowhash.h"
#include "rt.h"
#include "store.h"
#include "raise.h"

/* __gc of the anchor that frees the row scratch with the Lua state. */
static int free_scratch(lua_State *L) {
    struct clua_runtime *rt = *(struct clua_runtime **)lua_touserdata(L, 1);
    row_scratch *rs = &rt->row;
    free(rs->news);
    free(rs->changes);
    strbuf_free(&rs->names);
    memset(rs, 0, sizeof *rs);
    ptrmap_free(&rt->table_names);
    return 0;
}

void row_open(lua_State *L, struct clua_runtime *rt) {
    lua_newtable(L);
    rt->table_cache = luaL_ref(L, LUA_REGISTRYINDEX);
    memset(&rt->table_names, 0, sizeof rt->table_names);
    lua_newtable(L);
    rt->merged = luaL_ref(L, LUA_REGISTRYINDEX);
    memset(&rt->row, 0, sizeof rt->row);
    struct clua_runtime **anchor = lua_newuserdatauv(L, sizeof *anchor, 0);
    *anchor = rt;
    lua_newtable(L);
    lua_pushcfunction(L, free_scratch);
    lua_setfield(L, -2, "__gc");
    lua_setmetatable(L, -2);
    luaL_ref(L, LUA_REGISTRYINDEX);
}

static int raise_store(lua_State *L, struct clua_runtime *rt) {
    rt_store_failed(rt);
    return luaL_error(L, "%s", rt->store_msg);
}

const char *row_name(lua_State *L, struct clua_runtime *rt, const char *what, const char *name,
                     size_t len, bool is_table, size_t *out_len) {
    if (len == 0 || memchr(name, '\0', len))
        raise_error(L, "%s name \"%s\" is empty or holds a NUL byte", what, name);
    strbuf_clear(&rt->name);
    int rc = rt->naming_source ? strbuf_append(&rt->name, name, len)
                                    : names_normalize(name, len, is_table, &rt->name);
    if (rc != 0) rt_raise_nomem(L, rt, "%s: out of memory", what);
    *out_len = rt->name.len;
    return strbuf_cstr(&rt->name);
}

void row_note_source(lua_State *L, struct clua_runtime *rt, char **slot, const char *kind,
                     const char *source, size_t len, const char *name) {
    if (!*slot) {
        if (catalog_set_source(slot, source, len) != 0) rt_raise_nomem(L, rt, "out of memory");
        return;
    }
    if (strlen(*slot) == len && memcmp(*slot, source, len) == 0) return;
    /* merged[slot][source]: this pair was reported already */
    lua_rawgeti(L, LUA_REGISTRYINDEX, rt->merged);
    if (lua_rawgetp(L, -1, slot) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_rawsetp(L, -3, slot);
    }
    lua_pushlstring(L, source, len);
    bool seen = lua_rawget(L, -2) != LUA_TNIL;
    lua_pop(L, 1);
    if (!seen) {
        lua_pushlstring(L, source, len);
        lua_pushboolean(L, 1);
        lua_rawset(L, -3);
        log_printf(&rt->log, CLUA_LOG_WARNING, "WARNING",
                   "%s names \"%s\" and \"%.*s\" both become \"%s\": their data go to one %s",
                   kind, *slot, (int)len, source, name, kind);
    }
    lua_pop(L, 2);
}

/* A table the script writes to without declaring it: no primary key, so
 * its rows are keyed by _fivetran_id. It stays in the catalog only until
 * a row for it passes its checks (row_create_pending). */
static dest_table *add_hashed(lua_State *L, struct clua_runtime *rt, const char *name, size_t len) {
    dest_table *t = catalog_add(&rt->cat, name, len);
    types_type id_type = {TYPES_STRING, 0, 0};
    int id = t ? dest_table_add_column(t, CATALOG_ID_COLUMN, strlen(CATALOG_ID_COLUMN), id_type, 1) : -1;
    if (id < 0) {
        if (t) catalog_drop_last(&rt->cat);
        rt_raise_nomem(L, rt, "out of memory");
    }
    t->cols[id].declared = true;
    t->pending = true;
    return t;
}

void row_create_pending(lua_State *L, struct clua_runtime *rt, dest_table *t) {
    if (store_create_table(rt->st, t) != 0) raise_store(L, rt);
    t->pending = false;
    rt->summary.schema_changes++;
    log_printf(&rt->log, CLUA_LOG_INFO, "INFO",
               "created table \"%s\" (not declared, so rows are keyed by _fivetran_id)", t->name);
}

const char *row_arg_typename(lua_State *L, struct clua_runtime *rt, int idx) {
    return idx > rt->op_given ? "no value" : luaL_typename(L, idx);
}

/* Appends to out (size n) the names of the tables this run's schema()
 * declares, in byte order, ", " between them; "" when there are none. */
static void declared_tables(const catalog *cat, char *out, size_t n) {
    const char *prev = NULL;
    size_t w = 0;
    out[0] = '\0';
    for (;;) { /* the next name after prev: an error path, so no sorting buffer */
        const char *next = NULL;
        for (int i = 0; i < cat->n; i++) {
            const char *name = cat->tables[i]->name;
            if (cat->tables[i]->declared && (!prev || strcmp(name, prev) > 0) &&
                (!next || strcmp(name, next) < 0))
                next = name;
        }
        if (!next) return;
        if (w + strlen(next) + 8 >= n) {
            snprintf(out + w, n - w, ", ...");
            return;
        }
        w += (size_t)snprintf(out + w, n - w, "%s%s", prev ? ", " : "", next);
        prev = next;
    }
}

/* --strict: an op on a table schema() did not declare is refused. The name
 * is shown as the script wrote it. */
static _Noreturn void strict_table(lua_State *L, struct clua_runtime *rt, const char *op,
                                   const char *source) {
    char list[1024];
    declared_tables(&rt->cat, list, sizeof list);
    if (list[0])
        raise_error(L, "%s(\"%s\"): --strict: table \"%s\" is not declared; schema() declares %s",
                   op, source, source, list);
    raise_error(L, "%s(\"%s\"): --strict: table \"%s\" is not declared; schema() declares no "
                  "tables", op, source, source);
}

/* Adds the table name at index 1 to the address map, with t's place in
 * the catalog (which keeps its tables in place: none is dropped once an
 * op has named it). */
static void remember_table(lua_State *L, struct clua_runtime *rt, const dest_table *t) {
    for (int i = 0; i < rt->cat.n; i++)
        if (rt->cat.tables[i] == t) {
            ptrmap_put(L, &rt->table_names, 1, i);
            return;
        }
}

dest_table *row_dest_table(lua_State *L, struct clua_runtime *rt, const char *op, bool create) {
    intptr_t known = ptrmap_get(&rt->table_names, lua_topointer(L, 1));
    if (known >= 0) {
        dest_table *t = rt->cat.tables[known];
        return t->pending && !create ? NULL : t;
    }
    if (lua_type(L, 1) != LUA_TSTRING)
        raise_error(L, "%s: the table name must be a string, got %s", op,
                   row_arg_typename(L, rt, 1));
    lua_rawgeti(L, LUA_REGISTRYINDEX, rt->table_cache);
    lua_pushvalue(L, 1);
    if (lua_rawget(L, -2) == LUA_TLIGHTUSERDATA) {
        dest_table *t = lua_touserdata(L, -1);
        lua_pop(L, 2);
        remember_table(L, rt, t);
        return t->pending && !create ? NULL : t;
    }
    lua_pop(L, 1);
    size_t slen, len;
    const char *source = lua_tolstring(L, 1, &slen);
    char what[300];
    snprintf(what, sizeof what, "%s: table", op);
    const char *name = row_name(L, rt, what, source, slen, true, &len);
    if (catalog_reserved_table(name, len))
        raise_error(L, "%s: table name \"%s\" is reserved (sqlite_... belongs to SQLite, "
                      "_clua_... to the runtime)", op, name);
    dest_table *t = catalog_find(&rt->cat, name, len);
    if (rt->opt->strict && (!t || !t->declared)) strict_table(L, rt, op, source);
    if ((!t || t->pending) && !create) { /* not cached: a later upsert may create it */
        lua_pop(L, 1);
        return NULL;
    }
    if (!t) t = add_hashed(L, rt, name, len);
    row_note_source(L, rt, &t->source, "table", source, slen, t->name);
    lua_pushvalue(L, 1);
    lua_pushlightuserdata(L, t);
    lua_rawset(L, -3);
    lua_pop(L, 1);
    remember_table(L, rt, t);
    return t;
}

void row_hash(lua_State *L, struct clua_runtime *rt, dest_table *t) {
    strbuf *b = &rt->row_bytes;
    strbuf_clear(b);
    int id = t->pk[0];
    for (int r = 0; r < t->by_name_n; r++) {
        int ci = t->by_name[r];
        if (ci == id || !t->present[ci]) continue;
        const dest_column *c = &t->cols[ci];
        if (rowhash_add(b, c->name, c->name_len, c->type.kind, &t->vals[ci]) != 0)
            rt_raise_nomem(L, rt, "out of memory");
    }
    types_value *v = &t->vals[id];
    rowhash_hex(b, v->buf);
    v->tag = TYPES_SQL_TEXT;
    v->p = NULL; /* the text is in buf */
    v->len = 32;
    t->present[id] = 1;
}
