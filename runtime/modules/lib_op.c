/* lib_op: op.upsert/update/delete/truncate/checkpoint, the hot path from a
 * script's call to a bound SQLite statement. Each binding checks its phase,
 * has row.c read the row into the table's scratch (owned by the catalog, so
 * a Lua error leaks nothing), and runs the table's cached statement. */
#include <lauxlib.h>
#include <stdio.h>
#include <string.h>

#include "journal.h"
#include "json_codec.h"
#include "lib.h"
#include "row.h"
#include "rt.h"
#include "store.h"
#include "types.h"
#include "raise.h"

static int op_upsert(lua_State *L);
static int op_update(lua_State *L);
static int op_delete(lua_State *L);
static int op_truncate(lua_State *L);
static int op_checkpoint(lua_State *L);
static int op_sweep(lua_State *L);

static bool is_op(lua_CFunction f) {
    return f && (f == op_upsert || f == op_update || f == op_delete || f == op_truncate ||
                 f == op_checkpoint || f == op_sweep);
}

/* True when thread T has an op's frame on its call stack, from level
 * `from` up. */
static bool op_on_stack(lua_State *T, int from) {
    lua_Debug ar;
    if (!lua_checkstack(T, 1)) return true; /* cannot tell: refuse rather than risk it */
    for (int level = from; lua_getstack(T, level, &ar); level++) {
        lua_getinfo(T, "f", &ar);
        bool op = is_op(lua_tocfunction(T, -1));
        lua_pop(T, 1);
        if (op) return true;
    }
    return false;
}

/* True when the op that set the guard is still running, so this op would
 * run inside it. The guard is set on entry and cleared on return, and not
 * cleared when an op raises: that is what keeps the hot path free of any
 * cleanup. So a guard found set is checked against the call stack of the
 * thread that set it (the op calling this is level 0 of its own thread).
 * A coroutine that died or yielded is not inside an op (ops never yield). */
static bool op_running(lua_State *L, struct clua_runtime *rt) {
    if (!rt->op_busy) return false;
    lua_State *T = rt->op_thread;
    if (T != L && lua_status(T) != LUA_OK) return false;
    return op_on_stack(T, T == L ? 1 : 0);
}

/* Refuses an op outside update(), after the database has failed, or
 * inside another op (from a __gc finalizer, a metamethod, or a coroutine
 * resumed from one): that op's row is half read, and nesting would corrupt
 * it. Then marks this op as running until it returns or raises. */
static struct clua_runtime *op_enter(lua_State *L, const char *op, int nargs) {
    struct clua_runtime *rt = lua_touserdata(L, lua_upvalueindex(1));
    if (rt->phase != RT_PHASE_UPDATE)
        raise_error(L, "%s: only allowed while update() runs", op);
    if (rt->store_failed) raise_error(L, "%s: the sync has failed already: %s", op, rt->store_msg);
    if (rt->interrupted_by || rt->timed_out) raise_error(L, "%s: the sync is stopping", op);
    if (op_running(L, rt)) {
        /* A finalizer's error is only a warning to Lua: fail the sync, so
         * the row it meant to write is not lost without a word. */
        snprintf(rt->msg, sizeof rt->msg,
                 "%s was called while another op was running (from a __gc finalizer, a "
                 "metamethod or a coroutine it resumed): ops cannot nest",
                 op);
        if (!rt->store_failed) {
            rt->store_failed = true;
            snprintf(rt->store_msg, sizeof rt->store_msg, "%s", rt->msg);
        }
        raise_error(L, "%s", rt->msg);
    }
    rt->op_given = lua_gettop(L);
    lua_settop(L, nargs);
    rt->op_busy = true;
    rt->op_thread = L;
    /* Keep a coroutine alive so op_running may look at it later. */
    if (L != rt->L) {
        lua_pushthread(L);
        lua_rawseti(L, LUA_REGISTRYINDEX, rt->op_anchor);
    }
    return rt;
}

/* The end of an op that succeeded: counts it on the progress line and
 * clears the guard op_enter set (an op that raises leaves it set: see
 * op_running). */
static void op_leave(struct clua_runtime *rt) {
    const rt_summary *s = &rt->summary;
    progress_tick(&rt->progress, s->upserts + s->updates + s->deletes + s->truncates,
                  s->checkpoints);
    rt->op_busy = false;
}

static int store_error_raise(lua_State *L, struct clua_runtime *rt) {
    rt_store_failed(rt);
    return luaL_error(L, "%s", rt->store_msg);
}

/* An op on a table that does not exist changes nothing, but its row must
 * still be a table: a mistake is reported the same either way. A WARNING
 * says so once per table name, since a misspelt name would otherwise do
 * nothing without a word. */
static void check_row_arg(lua_State *L, struct clua_runtime *rt, const char *op) {
    if (lua_type(L, 2) != LUA_TTABLE)
        raise_error(L, "%s(\"%s\"): the row must be a table, got %s", op, lua_tostring(L, 1),
                   row_arg_typename(L, rt, 2));
    if (lua_getfield(L, LUA_REGISTRYINDEX, "clua.missing_tables") != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_setfield(L, LUA_REGISTRYINDEX, "clua.missing_tables");
    }
    lua_pushvalue(L, 1);
    if (lua_rawget(L, -2) == LUA_TNIL) {
        lua_pushvalue(L, 1);
        lua_pushboolean(L, 1);
        lua_rawset(L, -4);
        log_printf(&rt->log, CLUA_LOG_WARNING, "WARNING",
                   "%s(\"%s\"): no table \"%s\" has had a row yet, so this changes nothing "
                   "(said once per table)",
                   op, lua_tostring(L, 1), lua_tostring(L, 1));
    }
    lua_pop(L, 2);
}

/* A row the destination cannot hold (PostgreSQL's text and a byte that is
 * not UTF-8) is the script's error, raised before any of it is written,
 * as a type error is: a script may catch it and go on. */
static void check_row(lua_State *L, struct clua_runtime *rt, const dest_table *t, const char *op) {
    if (store_check_row(rt->st, t, rt->msg, sizeof rt->msg) != 0)
        raise_error(L, "%s(\"%s\"): %s", op, t->name, rt->msg);
}

/* Writes the row read into t as a new version of a history table,
 * counted as kind; a refused version is the script's error, not the
 * store's. */
static void history_write(lua_State *L, struct clua_runtime *rt, dest_table *t, const char *op,
                          int kind) {
    int rc = store_history_write(rt->st, t, rt_now(rt), kind, rt->msg, sizeof rt->msg);
    if (rc < 0) store_error_raise(L, rt);
    if (rc > 0) raise_error(L, "%s(\"%s\"): %s", op, t->name, rt->msg);
}

static int op_upsert(lua_State *L) {
    struct clua_runtime *rt = op_enter(L, "op.upsert", 2);
    dest_table *t = row_dest_table(L, rt, "op.upsert", true);
    row_read(L, rt, t, "op.upsert", ROW_UPSERT);
    check_row(L, rt, t, "op.upsert");
    if (dest_table_hashed(t)) row_hash(L, rt, t);
    /* The store counts the row for the journal (none: a history version
     * re-sent as it is). */
    if (t->history) history_write(L, rt, t, "op.upsert", JOURNAL_UPSERTED);
    else if (store_upsert(rt->st, t, rt_now(rt)) != 0) return store_error_raise(L, rt);
    rt->summary.upserts++;
    op_leave(rt);
    return 0;
}

static int op_update(lua_State *L) {
    struct clua_runtime *rt = op_enter(L, "op.update", 2);
    dest_table *t = row_dest_table(L, rt, "op.update", false);
    if (!t) {
        check_row_arg(L, rt, "op.update");
    } else {
        row_read(L, rt, t, "op.update", ROW_UPDATE);
        check_row(L, rt, t, "op.update");
        if (t->history) {
            /* A new version: the active one plus the columns supplied. */
            bool found;
            if (store_history_fill(rt->st, t, &found) != 0) return store_error_raise(L, rt);
            if (found) history_write(L, rt, t, "op.update", JOURNAL_UPDATED);
        } else if (store_update(rt->st, t, rt_now(rt)) != 0) {
            return store_error_raise(L, rt);
        }
    }
    rt->summary.updates++;
    op_leave(rt);
    return 0;
}

static int op_delete(lua_State *L) {
    struct clua_runtime *rt = op_enter(L, "op.delete", 2);
    dest_table *t = row_dest_table(L, rt, "op.delete", false);
    if (!t) {
        check_row_arg(L, rt, "op.delete");
    } else {
        row_read(L, rt, t, "op.delete", ROW_KEYS);
        check_row(L, rt, t, "op.delete");
        if (t->history ? store_history_delete(rt->st, t, rt_now(rt)) != 0
                       : store_delete(rt->st, t, rt_now(rt)) != 0)
            return store_error_raise(L, rt);
    }
    rt->summary.deletes++;
    op_leave(rt);
    return 0;
}

static int op_truncate(lua_State *L) {
    struct clua_runtime *rt = op_enter(L, "op.truncate", 1);
    dest_table *t = row_dest_table(L, rt, "op.truncate", false);
    if (t && (t->history ? store_history_truncate(rt->st, t, rt_now(rt)) != 0
                         : store_truncate(rt->st, t) != 0))
        return store_error_raise(L, rt);
    rt->summary.truncates++;
    op_leave(rt);
    return 0;
}

static int op_checkpoint(lua_State *L) {
    struct clua_runtime *rt = op_enter(L, "op.checkpoint", 1);
    if (lua_type(L, 1) != LUA_TTABLE)
        raise_error(L, "op.checkpoint: the state must be a table, got %s",
                   row_arg_typename(L, rt, 1));
    strbuf_clear(&rt->json);
    int rc = json_encode(L, 1, &rt->json, &rt->keys, rt->msg, sizeof rt->msg);
    if (rc != 0) {
        rt_note_json_error(rt, rc);
        raise_error(L, "op.checkpoint: the state cannot be saved as JSON: %s", rt->msg);
    }
    if (rt_commit_state(rt, strbuf_cstr(&rt->json), rt->json.len, true) != 0)
        return luaL_error(L, "op.checkpoint: %s", rt->store_msg);
    rt->summary.checkpoints++;
    op_leave(rt);
    return 0;
}

/* Reads op.sweep's scope (arg 3: column = value) into t's scratch: each
 * value converted as its column's type converts it, so it compares with
 * the stored form; t->present marks the scope's columns. */
static void sweep_scope(lua_State *L, struct clua_runtime *rt, dest_table *t) {
    memset(t->present, 0, (size_t)t->ncols);
    if (lua_isnil(L, 3)) return;
    lua_pushnil(L);
    while (lua_next(L, 3)) {
        if (lua_type(L, -2) != LUA_TSTRING)
            raise_error(L, "op.sweep(\"%s\"): scope names must be strings, got %s", t->name,
                       luaL_typename(L, -2));
        size_t slen, clen;
        const char *source = lua_tolstring(L, -2, &slen);
        const char *cname = row_name(L, rt, "op.sweep: scope column", source, slen, false, &clen);
        int ci = dest_table_find_column(t, cname, clen);
        if (ci < 0)
            raise_error(L, "op.sweep(\"%s\"): scope column \"%s\" is not a column of the table",
                       t->name, source);
        dest_column *c = &t->cols[ci];
        types_value *v = &t->vals[ci];
        types_input in;
        memset(&in, 0, sizeof in);
        int ty = lua_type(L, -1);
        if (ty == LUA_TBOOLEAN) {
            in.tag = TYPES_IN_BOOL;
            in.b = lua_toboolean(L, -1);
        } else if (ty == LUA_TNUMBER && lua_isinteger(L, -1)) {
            in.tag = TYPES_IN_INT;
            in.i = lua_tointeger(L, -1);
        } else if (ty == LUA_TNUMBER) {
            in.tag = TYPES_IN_FLOAT;
            in.f = lua_tonumber(L, -1);
        } else if (ty == LUA_TSTRING) {
            in.tag = TYPES_IN_STRING;
            in.s = lua_tolstring(L, -1, &in.len);
        } else {
            raise_error(L, "op.sweep(\"%s\"): scope column \"%s\" must be a boolean, number or "
                          "string, got %s",
                       t->name, source, luaL_typename(L, -1));
        }
        if (c->type.kind == CATALOG_TYPE_PENDING || c->type.kind == TYPES_JSON)
            raise_error(L, "op.sweep(\"%s\"): scope column \"%s\" is %s: it cannot scope a sweep",
                       t->name, source,
                       c->type.kind == TYPES_JSON ? "JSON" : "not typed yet (it has had no value)");
        /* On the ladder of an undeclared number column a boolean is 0 or 1. */
        if (in.tag == TYPES_IN_BOOL && !c->declared &&
            (c->type.kind == TYPES_LONG || c->type.kind == TYPES_DOUBLE)) {
            in.tag = TYPES_IN_INT;
            in.i = in.b;
        }
        if (types_convert(&c->type, &in, v, rt->msg, sizeof rt->msg) != 0)
            raise_error(L, "op.sweep(\"%s\"): scope column \"%s\" %s", t->name, c->name, rt->msg);
        t->present[ci] = 1;
        lua_pop(L, 1);
    }
}

static int op_sweep(lua_State *L) {
    struct clua_runtime *rt = op_enter(L, "op.sweep", 3);
    dest_table *t = row_dest_table(L, rt, "op.sweep", false);
    char before[32];
    int64_t ms = 0;
    if (lua_isinteger(L, 2)) {
        ms = lua_tointeger(L, 2);
    } else if (lua_type(L, 2) == LUA_TSTRING) {
        size_t len;
        const char *s = lua_tolstring(L, 2, &len);
        const char *why = types_parse_instant(s, len, &ms);
        if (why) raise_error(L, "op.sweep(\"%s\"): before \"%s\" is not a UTC_DATETIME: %s",
                            lua_tostring(L, 1), s, why);
    } else {
        raise_error(L, "op.sweep(\"%s\"): before must be milliseconds since the epoch (an "
                      "integer, as time.now() gives) or a UTC_DATETIME text, got %s",
                   lua_tostring(L, 1), row_arg_typename(L, rt, 2));
    }
    if (store_history_time(ms, before) != 0)
        raise_error(L, "op.sweep(\"%s\"): before %I is out of range", lua_tostring(L, 1),
                   (lua_Integer)ms);
    if (!lua_isnil(L, 3) && lua_type(L, 3) != LUA_TTABLE)
        raise_error(L, "op.sweep(\"%s\"): scope must be a table of column = value, got %s",
                   lua_tostring(L, 1), row_arg_typename(L, rt, 3));
    long long swept = 0;
    if (t) {
        sweep_scope(L, rt, t);
        if (store_sweep(rt->st, t, rt_now(rt), before, &swept) != 0)
            return store_error_raise(L, rt);
        journal_count(t, JOURNAL_DELETED, swept);
    }
    rt->summary.deletes += swept;
    op_leave(rt);
    lua_pushinteger(L, (lua_Integer)swept);
    return 1;
}

static const luaL_Reg op_funcs[] = {
    {"upsert", op_upsert},     {"update", op_update},         {"delete", op_delete},
    {"truncate", op_truncate}, {"checkpoint", op_checkpoint}, {"sweep", op_sweep},
    {NULL, NULL},
};

void lib_op_open(lua_State *L, struct clua_runtime *rt) {
    rt->op_busy = false;
    rt->op_thread = NULL;
    lua_pushboolean(L, 0);
    rt->op_anchor = luaL_ref(L, LUA_REGISTRYINDEX);
    lib_register(L, rt, "op", op_funcs);
    row_open(L, rt);
}
