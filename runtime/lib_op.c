/* lib_op: op.upsert/update/delete/truncate/checkpoint, the hot path from a
 * script's call to a bound SQLite statement. Each binding checks its phase,
 * has row.c read the row into the table's scratch (owned by the catalog, so
 * a Lua error leaks nothing), and runs the table's cached statement. */
#include <lauxlib.h>

#include "json_codec.h"
#include "lib.h"
#include "row.h"
#include "rt.h"

/* Refuses an op outside update(), or after the database has failed. */
static struct clua_runtime *op_enter(lua_State *L, const char *op) {
    struct clua_runtime *rt = lua_touserdata(L, lua_upvalueindex(1));
    if (rt->phase != RT_PHASE_UPDATE)
        luaL_error(L, "%s: only allowed while update() runs", op);
    if (rt->store_failed) luaL_error(L, "%s: the sync has failed already: %s", op, rt->store_msg);
    if (rt->interrupted_by || rt->timed_out) luaL_error(L, "%s: the sync is stopping", op);
    return rt;
}

/* Counts an op on the progress line. */
static void op_done(struct clua_runtime *rt) {
    const clua_summary *s = &rt->summary;
    progress_tick(&rt->progress, s->upserts + s->updates + s->deletes + s->truncates,
                  s->checkpoints);
}

static int store_error_raise(lua_State *L, struct clua_runtime *rt) {
    rt_store_failed(rt);
    return luaL_error(L, "%s", rt->store_msg);
}

/* An op on a table that does not exist changes nothing, but its row must
 * still be a table: a mistake is reported the same either way. */
static void check_row_arg(lua_State *L, const char *op) {
    if (lua_type(L, 2) != LUA_TTABLE)
        luaL_error(L, "%s(\"%s\"): the row must be a table, got %s", op, lua_tostring(L, 1),
                   luaL_typename(L, 2));
}

static int op_upsert(lua_State *L) {
    struct clua_runtime *rt = op_enter(L, "op.upsert");
    table *t = row_table(L, rt, "op.upsert", true);
    row_read(L, rt, t, "op.upsert", ROW_UPSERT);
    if (table_hashed(t)) row_hash(L, rt, t);
    if (store_upsert(rt->st, t, rt_now(rt)) != 0) return store_error_raise(L, rt);
    rt->summary.upserts++;
    op_done(rt);
    return 0;
}

static int op_update(lua_State *L) {
    struct clua_runtime *rt = op_enter(L, "op.update");
    table *t = row_table(L, rt, "op.update", false);
    if (!t) {
        check_row_arg(L, "op.update");
    } else {
        row_read(L, rt, t, "op.update", ROW_UPDATE);
        if (store_update(rt->st, t, rt_now(rt)) != 0) return store_error_raise(L, rt);
    }
    rt->summary.updates++;
    op_done(rt);
    return 0;
}

static int op_delete(lua_State *L) {
    struct clua_runtime *rt = op_enter(L, "op.delete");
    table *t = row_table(L, rt, "op.delete", false);
    if (!t) {
        check_row_arg(L, "op.delete");
    } else {
        row_read(L, rt, t, "op.delete", ROW_KEYS);
        if (store_delete(rt->st, t, rt_now(rt)) != 0) return store_error_raise(L, rt);
    }
    rt->summary.deletes++;
    op_done(rt);
    return 0;
}

static int op_truncate(lua_State *L) {
    struct clua_runtime *rt = op_enter(L, "op.truncate");
    table *t = row_table(L, rt, "op.truncate", false);
    if (t && store_truncate(rt->st, t) != 0) return store_error_raise(L, rt);
    rt->summary.truncates++;
    op_done(rt);
    return 0;
}

static int op_checkpoint(lua_State *L) {
    struct clua_runtime *rt = op_enter(L, "op.checkpoint");
    if (lua_type(L, 1) != LUA_TTABLE)
        luaL_error(L, "op.checkpoint: the state must be a table, got %s", luaL_typename(L, 1));
    strbuf_clear(&rt->json);
    if (json_encode(L, 1, &rt->json, &rt->keys, rt->msg, sizeof rt->msg) != 0)
        luaL_error(L, "op.checkpoint: the state cannot be saved as JSON: %s", rt->msg);
    if (rt_commit_state(rt, strbuf_cstr(&rt->json), rt->json.len, true) != 0)
        return luaL_error(L, "op.checkpoint: %s", rt->store_msg);
    rt->summary.checkpoints++;
    op_done(rt);
    return 0;
}

static const luaL_Reg op_funcs[] = {
    {"upsert", op_upsert},     {"update", op_update},         {"delete", op_delete},
    {"truncate", op_truncate}, {"checkpoint", op_checkpoint}, {NULL, NULL},
};

void lib_op_open(lua_State *L, struct clua_runtime *rt) {
    lib_register(L, rt, "op", op_funcs);
    row_open(L, rt);
}
